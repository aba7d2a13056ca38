"""`flask lms close-overdue | import-gift | export-gift`."""
from __future__ import annotations

import sys
from pathlib import Path

import click
import sqlalchemy as sa


@click.command("close-overdue")
def close_overdue_command() -> None:
    """Grade every quiz attempt whose time limit (plus grace) has passed."""
    from lms.db import unit_of_work
    from quizzes.operations import close_overdue_attempts

    with unit_of_work():
        closed = close_overdue_attempts()
    click.echo(f"{closed} overdue attempt(s) closed and graded.")


def _course_quiz(code: str, version: int | None):
    from courses.models import Course
    from lms.db import get_session
    from quizzes.models import Quiz

    query = sa.select(Course).where(Course.code == code)
    if version is not None:
        query = query.where(Course.version == version)
    course = get_session().scalar(query.order_by(Course.version.desc()).limit(1))
    if course is None:
        raise click.ClickException(f"No course {code}")
    quiz = get_session().scalar(sa.select(Quiz).where(Quiz.course_id == course.id))
    return course, quiz


@click.command("import-gift")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--course", "code", required=True, help="Course code whose final quiz gets the questions.")
@click.option("--version", type=int, default=None, help="Course version (default: the newest).")
@click.option("--lang", type=click.Choice(["vi", "en"]), default="vi", help="Language of the file.")
@click.option("--skip-unsupported", is_flag=True,
              help="Import what is supported: leave out essays (and unknown text formats), "
                   "reporting each with its line, instead of refusing the file.")
def import_gift_command(file: Path, code: str, version: int | None, lang: str,
                        skip_unsupported: bool) -> None:
    """Add the questions of a Moodle GIFT FILE to a course's final quiz (all or nothing).

    Only a draft version takes new questions: a published one is refused (import into
    a new draft version instead)."""
    from lms.db import unit_of_work
    from quizzes.gift_import import GiftImportError, import_gift

    course, quiz = _course_quiz(code, version)
    try:
        with unit_of_work():
            result = import_gift(course, quiz, file.read_bytes(), lang=lang,
                                 actor_label="flask lms import-gift",
                                 skip_unsupported=skip_unsupported)
    except GiftImportError as error:
        for message in error.messages:
            click.echo(f"{file}:{message}", err=True)
        sys.exit(1)
    for message in result.skipped:
        click.echo(f"{file}:{message}", err=True)
    click.echo(f"{result.added} question(s) added to {course.code} v{course.version}"
               + (f", {len(result.skipped)} skipped." if result.skipped else "."))


@click.command("export-gift")
@click.option("--course", "code", required=True)
@click.option("--version", type=int, default=None)
@click.option("--lang", type=click.Choice(["vi", "en"]), default="vi")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
def export_gift_command(code: str, version: int | None, lang: str, output: Path | None) -> None:
    """Write a course's final quiz as Moodle GIFT."""
    from quizzes.gift_import import quiz_as_gift

    course, quiz = _course_quiz(code, version)
    if quiz is None:
        raise click.ClickException(f"{code} has no quiz")
    text = quiz_as_gift(quiz, lang)
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"{len(quiz.questions)} question(s) written to {output}")


COMMANDS = (close_overdue_command, import_gift_command, export_gift_command)
