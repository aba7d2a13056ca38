"""Moodle GIFT into a course's final quiz (all or nothing), and back out."""
from __future__ import annotations

from dataclasses import dataclass, field

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
    "unsupported-essay": _l("essay questions cannot be graded automatically and are not imported "
                            "(tick \"import what is supported\" to skip them)."),
    "unsupported-embedded": _l("several answer blocks in one question (embedded answers) are not "
                               "supported: write one question per answer block."),
    "unsupported-missing-word": _l("only single-choice and short-answer questions can have text "
                                   "after their answers (missing word); if a new question starts "
                                   "here, leave a blank line before it."),
    "unsupported-format": _l("this text format is not supported; use [plain], [markdown], [moodle] or [html]."),
    "missing-blank-line": _l("a new question starts here without a blank line before it: "
                             "separate questions with an empty line."),
    "unclosed-title": _l("the title is not closed with '::'."),
    "unclosed-answers": _l("the answer block '{' is never closed."),
    "empty-question": _l("the question has no text before its answers."),
    "invalid-answers": _l("the answers are not written correctly."),
    "invalid-weight": _l("an answer weight is not valid."),
    "invalid-number": _l("a number is not valid."),
    "no-correct-answer": _l("no answer is marked correct (= or a positive weight)."),
    "syntax-error": _l("the GIFT syntax is not valid here."),
}
#: What a skipped question was, for the report of an import that skips them.
_SKIPPED = {
    "unsupported-essay": _l("an essay question (it cannot be graded automatically)."),
    "unsupported-format": _l("a question in a text format that is not supported."),
}
_WITH_DETAIL = {"invalid-answers", "invalid-weight", "invalid-number", "syntax-error"}


def _explain(error: GiftParseError) -> str:
    problem = str(_PROBLEMS.get(error.code, _PROBLEMS["syntax-error"]))
    if error.code in _WITH_DETAIL or error.code not in _PROBLEMS:
        problem = f"{problem} ({error.message})"
    return _("line %(line)d: %(problem)s", line=error.line, problem=problem)


@dataclass(frozen=True)
class GiftImportResult:
    #: Questions added to the quiz.
    added: int
    #: One translated line per question left out ("import what is supported").
    skipped: list[str] = field(default_factory=list)


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
                actor_label: str | None = None, skip_unsupported: bool = False) -> GiftImportResult:
    """Add every question of the GIFT file, or none, and say how many were added.

    With ``skip_unsupported`` the questions that cannot be imported at all (essays,
    unknown text formats: ``quizzes.gift.SKIPPABLE``) are left out, each reported with
    its line; any other problem still stops the whole import. Refused for a published
    version (see published_refusal). The import is audited (``content.gift_imported``)
    in the same transaction.
    """
    refusal = published_refusal(course)
    if refusal:
        raise GiftImportError([refusal])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        raise GiftImportError([_("line %(line)d: the file is not UTF-8 text.", line=line)]) from None
    skipped: list[GiftParseError] | None = [] if skip_unsupported else None
    try:
        parsed = parse_gift(text, lang=lang, skipped=skipped)
    except GiftParseError as error:
        raise GiftImportError([_explain(error)]) from None
    skipped_lines = [_("line %(line)d: skipped: %(problem)s", line=error.line,
                       problem=str(_SKIPPED.get(error.code, _PROBLEMS["syntax-error"])))
                     for error in skipped or []]
    if not parsed:
        raise GiftImportError([*skipped_lines, _("The file holds no question that can be imported.")])
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
                 details={"code": course.code, "version": course.version, "questions": len(parsed),
                          **({"skipped": len(skipped_lines)} if skipped_lines else {})})
    return GiftImportResult(len(parsed), skipped_lines)


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
