"""Every LMS command lives under ``flask lms …``."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext

lms_cli = AppGroup("lms", help="Digital-skills LMS: database, accounts, content.")
db_cli = AppGroup("db", help="Database schema (Alembic migrations owned by the LMS).")
lms_cli.add_command(db_cli)


def init_app(app: Flask) -> None:
    app.cli.add_command(lms_cli)


def _add_feature_commands() -> None:
    from courses.cli import COMMANDS as course_commands
    from quizzes.cli import COMMANDS as quiz_commands

    for command in course_commands + quiz_commands:
        # Plain click commands: give them the app context AppGroup.command would.
        command.callback = with_appcontext(command.callback)
        lms_cli.add_command(command)


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Create or upgrade the LMS tables to REVISION (default: the newest)."""
    from lms.migrations_runner import upgrade

    upgrade(revision)
    click.echo("Database is up to date.")


@db_cli.command("revision")
@click.option("-m", "--message", required=True, help="What the migration changes.")
def db_revision(message: str) -> None:
    """Write a new migration by comparing the models with the (upgraded) database."""
    from lms.migrations_runner import autogenerate_revision

    path = autogenerate_revision(message)
    click.echo(f"Written {path}: read it, then `flask lms db upgrade`.")


@db_cli.command("current")
def db_current() -> None:
    """Show the revision the database is at."""
    from lms.migrations_runner import current_revision

    click.echo(current_revision() or "(empty database)")


@lms_cli.command("create-admin")
@click.argument("username")
@click.option("--full-name", default=None, help="Name shown in the LMS (default: the username).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_admin(username: str, full_name: str | None, password_stdin: bool) -> None:
    """Create an administrator account USERNAME (prompts for the password)."""
    from lms.accounts import setup
    from lms.db import unit_of_work

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        with unit_of_work():
            setup.create_admin(username, password, full_name=full_name)
    except setup.SetupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Administrator {username} created.")


@lms_cli.command("import-users")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--only-valid", is_flag=True, help="Import the valid rows even if others have errors.")
def import_users(file: Path, only_valid: bool) -> None:
    """Import learners from a CSV (UTF-8) or XLSX FILE; nothing is written if a row is invalid."""
    from flask import current_app

    from lms.accounts.import_file import ImportFileError
    from lms.accounts.operations import AccountError
    from lms.accounts.import_operations import import_learners
    from lms.db import unit_of_work
    from lms.i18n import _

    with unit_of_work():  # a refused file raises below: nothing of it is kept
        try:
            outcome = import_learners(file.name, file.read_bytes(), actor=None,
                                      import_valid_rows_only=only_valid,
                                      max_rows=current_app.config["LMS_IMPORT_MAX_ROWS"])
        except (ImportFileError, AccountError) as error:
            raise click.ClickException(str(error)) from None
        for error in outcome.errors:
            click.echo(_("Row %(row)d, column %(column)s: %(message)s",
                         row=error.row, column=error.column, message=error.message), err=True)
        if not outcome.applied:
            raise click.ClickException(_("Nothing was imported."))
    click.echo(_("Import finished: %(created)d created, %(updated)d updated, %(unchanged)d unchanged, %(skipped)d rows skipped.",
                 created=outcome.created, updated=outcome.updated,
                 unchanged=outcome.unchanged, skipped=outcome.skipped))
    for staff_code, username, password in outcome.new_accounts:
        click.echo(f"{staff_code}\t{username}\t{password}")


@lms_cli.command("worker")
@click.option("--workers", type=int, default=None, help="Worker threads (default: LMS_TASK_WORKERS).")
def worker(workers: int | None) -> None:
    """Run the background worker: tasks after commit (outbox) and periodic jobs."""
    from flask import current_app

    from lms.tasks.worker import run_consumer

    queue = current_app.extensions["lms"].tasks
    count = workers or current_app.config["LMS_TASK_WORKERS"]
    click.echo(f"Worker started ({count} threads, {len(queue.periodic_jobs)} periodic jobs).")
    run_consumer(current_app._get_current_object(), queue, count)


@lms_cli.command("load-demo")
def load_demo() -> None:
    """Create the demo org units, a demo admin and a demo learner (idempotent).

    New accounts get generated passwords, printed once; existing ones are left alone.
    """
    from lms.accounts import demo
    from lms.db import unit_of_work

    with unit_of_work():
        lines = list(demo.load_demo_data())
    for line in lines:  # passwords are printed only once they are committed
        click.echo(line)


_add_feature_commands()
