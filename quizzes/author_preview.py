"""What an author checks before publishing: every question with its key, per-choice
feedback and explanation, the quiz's settings, and the pack's lint.

The lint is the same as at upload (``courses.pack_validation.validate_pack`` with the
quiz's cue lint, ``quizzes.cue_lint``), run on the version as stored, so an author sees
it again here rather than only in the flash messages of the upload.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lms.i18n import localized
from quizzes.pack_quiz import lesson_of


@dataclass(frozen=True)
class KeyOption:
    """One option as the author sees it: its text, whether it is (part of) the key, its
    GIFT weight when it has one, and the feedback a learner who picks it gets."""

    text: str
    is_key: bool
    weight: float | None = None
    feedback: str = ""


@dataclass(frozen=True)
class PreviewQuestion:
    question: Any
    label: str
    lesson: int | None
    #: The options with the key marked (choice and true/false types), else empty.
    options: list[KeyOption] = field(default_factory=list)
    #: The key as a list (types without options: accepted answers, pairs).
    key_items: list[str] = field(default_factory=list)
    #: Whether learners answer it (information items are not graded).
    graded: bool = True


def preview_questions(questions, registry, lang: str) -> list[PreviewQuestion]:
    return [_preview(question, registry, lang) for question in questions]


def _preview(question, registry, lang: str) -> PreviewQuestion:
    if question.type not in registry:  # a type the app no longer has: say so, show the rest
        return PreviewQuestion(question, question.type, lesson_of(question.tags))
    kind = registry.get(question.type)
    payload = question.payload or {}
    label = localized(kind.label, lang) or kind.name
    options: list[KeyOption] = []
    if isinstance(payload.get("choices"), list):
        options = [KeyOption(localized(c.get("text"), lang), c.get("correct") is True,
                             c.get("weight"), localized(c.get("feedback"), lang))
                   for c in payload["choices"] if isinstance(c, dict)]
    elif question.type == "true_false":
        words = kind.public_view(payload, None, lang)["choices"]
        options = [KeyOption(word["text"], payload.get("answer") is (word["id"] == "true"), None,
                             localized(payload.get(f"feedback_{word['id']}"), lang))
                   for word in words]
    key_items = [] if options else kind.correct_items(payload, lang)
    return PreviewQuestion(question, label, lesson_of(question.tags), options, key_items,
                           graded=getattr(kind, "graded", True))


def pack_lint(course, pack_parts) -> tuple[list, list]:
    """(errors, warnings) of the stored version re-read as a pack, as at upload."""
    from courses.pack_export import pack_files_of
    from courses.pack_validation import validate_pack

    warnings: list = []
    _pack, errors = validate_pack(pack_files_of(course), pack_parts, warnings=warnings)
    return errors, warnings
