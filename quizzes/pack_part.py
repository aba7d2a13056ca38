"""``quiz.yaml`` as a content-pack part (``courses.pack_parts``), registered by quizzes.

Courses reads, imports, exports and previews packs without knowing quizzes: it asks
this part, found by file name in the app's ``state.pack_parts``.
"""
from __future__ import annotations

import sqlalchemy as sa
import yaml
from markupsafe import Markup

from courses.pack_parts import PartReading
from courses.yaml_lines import YamlError, load_with_lines
from lms.db import get_session
from lms.i18n import _
from quizzes.cue_lint import lint_questions
from quizzes.models import Question, Quiz
from quizzes.pack_quiz import LESSON_TAG, PackQuiz, lesson_of, read_quiz

FILE_NAME = "quiz.yaml"


class QuizPackPart:
    """The final quiz of a pack: settings and the question bank.

    :param question_types: the registry questions are checked against (the app's
        ``state.question_types``; tests may pass their own).
    """

    #: Passing the final quiz again is how a recurring course's completion is renewed.
    renews_completion = True

    def __init__(self, question_types) -> None:
        self.question_types = question_types

    # --- validating -----------------------------------------------------------------------

    def read(self, text: str, lesson_numbers: set[int]) -> PartReading:
        """The quiz (None when it has errors) and the cue-lint warnings of a valid one."""
        try:
            data, lines = load_with_lines(text)
        except YamlError as error:
            return PartReading(errors=[(error.line, _("Invalid YAML: %(problem)s", problem=error.message))])
        quiz, problems = read_quiz(data, lines, self.question_types)
        if quiz is None:
            return PartReading(errors=list(problems))
        warnings = lint_questions(quiz.questions, lines.get(("questions",)))
        return PartReading(quiz, list(problems) + _question_lesson_problems(quiz, lesson_numbers),
                           warnings)

    def minutes(self, quiz: PackQuiz) -> int:
        """1 minute for each question drawn per attempt."""
        return quiz.settings.get("questions_per_attempt") or len(quiz.questions)

    def legal_units(self, text: str) -> list[tuple[int, str]]:
        """quiz.yaml cut into one piece per question (the unit in which a replaced document
        must be followed by its replacement); an unreadable file is reported elsewhere."""
        try:
            data, lines = load_with_lines(text)
        except YamlError:
            return []
        questions = data.get("questions") if isinstance(data, dict) else None
        all_lines = text.split("\n")
        starts = sorted({lines[("questions", i)] for i in range(len(questions))
                         if ("questions", i) in lines}) if isinstance(questions, list) else []
        if not starts:
            return [(1, text)]
        bounds = [1, *starts, len(all_lines) + 1]
        return [(start, "\n".join(all_lines[start - 1:end - 1]))
                for start, end in zip(bounds, bounds[1:]) if end > start]

    def summary(self, quiz: PackQuiz | None) -> str:
        return f"{len(quiz.questions) if quiz else 0} quiz questions"

    # --- importing and exporting ----------------------------------------------------------

    def save(self, course, quiz: PackQuiz) -> None:
        get_session().add(Quiz(course_id=course.id, settings=quiz.settings, questions=[
            Question(key=q.key, number=number, type=q.type, text=q.text, payload=q.payload,
                     explanation=q.explanation, tags=q.tags)
            for number, q in enumerate(quiz.questions, start=1)]))

    def export(self, course) -> bytes | None:
        quiz = get_session().scalar(sa.select(Quiz).where(Quiz.course_id == course.id))
        if quiz is None:
            return None
        return _dump({"settings": {k: v for k, v in quiz.settings.items() if v is not None},
                      "questions": [_question(q) for q in quiz.questions]})

    def preview(self, course, locale: str):
        """The author's preview: the GIFT import link and the question list."""
        from flask import render_template

        from quizzes.queries import quiz_of_course

        return Markup(render_template("lms/quizzes/_preview.html", course=course,
                                      quiz=quiz_of_course(course.id), preview_locale=locale,
                                      question_types=self.question_types))


def _question_lesson_problems(quiz: PackQuiz, numbers: set[int]) -> list[tuple[int | None, str]]:
    return [(question.lesson_line, _(
        "Question \"%(key)s\" names lesson %(number)d, but the pack has no lesson "
        "%(number)02d.", key=question.key, number=question.lesson))
        for question in quiz.questions
        if question.lesson is not None and question.lesson not in numbers]


def _question(question) -> dict:
    # The lesson is stored as a "lesson-NN" tag; a pack writes it as "lesson: N".
    tags = [tag for tag in question.tags if not LESSON_TAG.match(tag)]
    data = {"id": question.key, "type": question.type, "tags": tags, "text": question.text}
    if lesson_of(question.tags) is not None:
        data["lesson"] = lesson_of(question.tags)
    payload = question.payload
    if question.type in ("single", "multiple"):
        data["choices"] = [{key: value for key, value in (("text", c["text"]), ("correct", c["correct"]),
                                                          ("feedback", c.get("feedback"))) if value is not None}
                           for c in payload["choices"]]
    elif question.type == "true_false":
        data["answer"] = payload["answer"]
    elif question.type == "short_answer":
        texts = [answer["text"] for answer in payload["answers"]]
        data["answers"] = {"vi": texts, "en": texts}
        data["ignore_diacritics"] = payload.get("ignore_diacritics", False)
    elif question.type == "numeric":
        answer = payload["answers"][0]
        data["answer"], data["tolerance"] = answer["value"], answer["tolerance"]
    else:
        data["payload"] = payload
    if question.type in ("single", "short_answer") and payload.get("blank") is True:
        data["blank"] = True
    data["explanation"] = question.explanation
    return data


def _dump(data) -> bytes:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100).encode("utf-8")


def pack_parts(question_types):
    """A pack-part registry holding only quiz.yaml, for validating packs without an app."""
    from lms.registry import Registry

    registry = Registry("content-pack part")
    registry.register(FILE_NAME, QuizPackPart(question_types))
    return registry
