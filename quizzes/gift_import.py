"""Moodle GIFT into a course's final quiz (all or nothing), and back out."""
from __future__ import annotations

from lms.db import get_session
from lms.extension import get_state
from lms.i18n import _
from quizzes.gift import GiftParseError, ParsedQuestion, parse_gift
from quizzes.gift_export import export_gift
from quizzes.models import Question, Quiz
from quizzes.pack_quiz import DEFAULT_SETTINGS


class GiftImportError(ValueError):
    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


def import_gift(course, quiz: Quiz | None, data: bytes, *, lang: str = "vi") -> int:
    """Add every question of the GIFT file, or none; returns how many were added."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        raise GiftImportError([_("line %(line)d: the file is not UTF-8 text.", line=line)]) from None
    try:
        parsed = parse_gift(text, lang=lang)
    except GiftParseError as error:
        raise GiftImportError([_("line %(line)d: %(problem)s", line=error.line, problem=error.message)]) from None
    if not parsed:
        raise GiftImportError([_("The file holds no question.")])
    registry = get_state().question_types
    problems = [_("line %(line)d: %(problem)s", line=question.line, problem=problem)
                for question in parsed for problem in registry.get(question.type).validate(question.payload)]
    if problems:
        raise GiftImportError(problems)
    session = get_session()
    if quiz is None:
        quiz = Quiz(course_id=course.id, settings=dict(DEFAULT_SETTINGS))
        session.add(quiz)
        session.flush()
    taken = {question.key for question in quiz.questions}
    number = max((question.number for question in quiz.questions), default=0)
    for question in parsed:
        number += 1
        key = _free_key(taken, number)
        taken.add(key)
        quiz.questions.append(Question(
            key=key, number=number, type=question.type, text=question.text, payload=question.payload,
            explanation=question.explanation, tags=[question.category] if question.category else []))
    session.flush()
    return len(parsed)


def _free_key(taken: set[str], number: int) -> str:
    key = f"gift-{number}"
    while key in taken:
        number += 1
        key = f"gift-{number}"
    return key


def quiz_as_gift(quiz: Quiz, lang: str) -> str:
    questions = [ParsedQuestion(type=q.type, title=q.key, text=q.text, payload=q.payload,
                                explanation=q.explanation,
                                category=q.tags[0] if q.tags else None)
                 for q in quiz.questions]
    return export_gift(questions, lang=lang)
