"""Moodle GIFT into a course's final quiz (all or nothing), and back out."""
from __future__ import annotations

from lms.audit.operations import record_event
from lms.db import get_session
from lms.extension import get_state
from lms.i18n import _, _l
from quizzes.gift import GiftParseError, ParsedQuestion, parse_gift
from quizzes.gift_export import export_gift
from quizzes.models import Question, Quiz
from quizzes.pack_quiz import DEFAULT_SETTINGS


#: Translated explanation per GiftParseError code; the parser's English detail follows
#: in brackets where it names the exact value at fault.
_PROBLEMS = {
    "unsupported-essay": _l("essay questions are not supported."),
    "unsupported-matching": _l("matching questions are not supported."),
    "unsupported-missing-word": _l("missing-word (fill-in) questions are not supported."),
    "unsupported-description": _l("description items without answers are not supported."),
    "unsupported-format": _l("this text format is not supported; use [plain], [markdown], [moodle] or [html]."),
    "unsupported-partial-credit": _l("partial credit needs a % weight on every answer and no '='."),
    "unclosed-title": _l("the title is not closed with '::'."),
    "unclosed-answers": _l("the answer block '{' is never closed."),
    "empty-question": _l("the question has no text before its answers."),
    "invalid-answers": _l("the answers are not written correctly."),
    "invalid-weight": _l("an answer weight is not valid."),
    "invalid-number": _l("a number is not valid."),
    "no-correct-answer": _l("no answer is marked correct (= or a positive weight)."),
    "syntax-error": _l("the GIFT syntax is not valid here."),
}
_WITH_DETAIL = {"invalid-answers", "invalid-weight", "invalid-number", "syntax-error"}


def _explain(error: GiftParseError) -> str:
    problem = str(_PROBLEMS.get(error.code, _PROBLEMS["syntax-error"]))
    if error.code in _WITH_DETAIL or error.code not in _PROBLEMS:
        problem = f"{problem} ({error.message})"
    return _("line %(line)d: %(problem)s", line=error.line, problem=problem)


class GiftImportError(ValueError):
    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


def published_refusal(course) -> str | None:
    """Why GIFT questions cannot go into this course version, or None.

    A version that has been published (even if unpublished since: learners may hold
    attempts at it) stays as it was; new questions go into a new draft version.
    """
    if course.is_published or course.published_dt is not None:
        return _("Version %(version)d of %(code)s has been published, so its quiz can no longer "
                 "change. Import the questions into a new draft version: upload the pack with a "
                 "higher version number, then import into that version.",
                 version=course.version, code=course.code)
    return None


def import_gift(course, quiz: Quiz | None, data: bytes, *, lang: str = "vi", actor=None,
                actor_label: str | None = None) -> int:
    """Add every question of the GIFT file, or none; returns how many were added.

    Refused for a published version (see published_refusal). The import is audited
    (``content.gift_imported``) in the same transaction.
    """
    refusal = published_refusal(course)
    if refusal:
        raise GiftImportError([refusal])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        raise GiftImportError([_("line %(line)d: the file is not UTF-8 text.", line=line)]) from None
    try:
        parsed = parse_gift(text, lang=lang)
    except GiftParseError as error:
        raise GiftImportError([_explain(error)]) from None
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
    record_event("content.gift_imported", actor=actor, actor_label=actor_label,
                 object_type="course", object_id=course.id,
                 details={"code": course.code, "version": course.version, "questions": len(parsed)})
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
