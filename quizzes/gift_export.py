"""Writing questions as Moodle GIFT that `quizzes.gift.parse_gift` reads back unchanged."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from lms.i18n import localized
from quizzes.gift import _SPECIAL, _WEIGHT, ParsedQuestion, split_blank


def export_gift(questions: Iterable[ParsedQuestion], lang: str = "vi") -> str:
    """Write ``questions`` as GIFT using their ``lang`` texts; assumes valid payloads."""
    parts: list[str] = []
    category: str | None = None
    for question in questions:
        if question.category != category:
            if "\n" in (question.category or ""):
                raise ValueError("a category path cannot contain a line break")
            parts.append(f"$CATEGORY: {question.category or ''}".rstrip())
            category = question.category
        parts.append(_export_question(question, lang))
    return "".join(part + "\n\n" for part in parts)


def _escape(text: str) -> str:
    return "".join("\\" + ch if ch in _SPECIAL else ch for ch in text).replace("\n", "\\n")


def _number_text(value: float) -> str:
    """Plain decimal notation: not every GIFT reader accepts exponents."""
    text = format(Decimal(repr(float(value))), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _answer(marker: str, percent: float, text: str, feedback: Any, lang: str, show: bool) -> str:
    # A text starting with '%' would be read as a weight, so spell the weight out.
    weight = f"%{_number_text(percent)}%" if show or text.startswith("%") else ""
    note = localized(feedback, lang)
    return f"\n\t{marker}{weight}{text}" + (f"#{_escape(note)}" if note else "")


def _write_choices(question: ParsedQuestion, lang: str) -> str:
    choices, multiple = question.payload["choices"], question.type == "multiple"
    if not multiple:
        # Partial credit of a single choice (Moodle's "~%50%") is written where it is not 0.
        weights = [100.0 if c["correct"] else float(c.get("weight") or 0.0) for c in choices]
    elif any("weight" in c for c in choices):
        weights = [float(c.get("weight", 0.0)) for c in choices]
    else:
        # Same scores as unweighted partial grading: +1/n per right pick, -1/n per wrong one.
        share = round(100 / max(1, sum(1 for c in choices if c["correct"])), 5)
        weights = [share if c["correct"] else -share for c in choices]
    lines = []
    for choice, weight in zip(choices, weights, strict=True):
        marker = "=" if choice["correct"] and not multiple else "~"
        text = _escape(localized(choice["text"], lang))
        show = multiple or (marker == "~" and weight != 0)
        lines.append(_answer(marker, weight, text, choice.get("feedback"), lang, show))
    return "".join(lines)


def _write_true_false(question: ParsedQuestion, lang: str) -> str:
    answer = question.payload["answer"]
    right = localized(question.payload.get("feedback_true" if answer else "feedback_false"), lang)
    wrong = localized(question.payload.get("feedback_false" if answer else "feedback_true"), lang)
    notes = [wrong, right] if right else [wrong] if wrong else []
    return ("TRUE" if answer else "FALSE") + "".join("#" + _escape(note) for note in notes)


def _write_answers(question: ParsedQuestion, lang: str) -> str:
    answers, numeric = question.payload["answers"], question.type == "numeric"
    if not numeric and all("->" in answer["text"] for answer in answers):
        raise ValueError("short answers that all contain '->' would read back as matching")
    lines = []
    for answer in answers:
        if numeric:
            margin = answer.get("tolerance")
            text = _number_text(answer["value"]) + (f":{_number_text(margin)}" if margin else "")
        else:
            text = _escape(answer["text"])
        fraction = answer.get("fraction", 1.0)
        percent = round(fraction * 100, 10)
        lines.append(_answer("=", percent, text, answer.get("feedback"), lang, fraction != 1))
    return ("#" if numeric else "") + "".join(lines)


def _write_matching(question: ParsedQuestion, lang: str) -> str:
    lines = []
    for pair in question.payload["pairs"]:
        prompt = localized(pair.get("prompt"), lang)
        if "->" in prompt or _WEIGHT.match(prompt):
            raise ValueError("a matching prompt cannot hold '->' or start with a '%' weight")
        lines.append(f"\n\t={_escape(prompt)} -> {_escape(localized(pair['answer'], lang))}")
    return "".join(lines)


_WRITERS = {
    "single": _write_choices,
    "multiple": _write_choices,
    "true_false": _write_true_false,
    "short_answer": _write_answers,
    "numeric": _write_answers,
    "matching": _write_matching,
}


def _export_question(question: ParsedQuestion, lang: str) -> str:
    if question.type not in _WRITERS and question.type != "description":
        raise ValueError(f"question type {question.type!r} cannot be written as GIFT")
    text = localized(question.text, lang)
    blank = question.payload.get("blank") is True
    before, after = split_blank(text) if blank else (text, "")
    # Without a format tag, text starting like a tag, comment, category, title or BOM
    # would be misread.
    tagged = question.text_format != "moodle" or before.startswith(
        ("[", "//", "$", "\ufeff"))
    title = f"::{_escape(question.title)}::" if question.title else ""
    head = title + (f"[{question.text_format}]" if tagged else "")
    if question.type == "description":  # text with no answer block
        return f"{head}{_escape(text)}"
    body = _WRITERS[question.type](question, lang)
    general = localized(question.explanation, lang)
    if general:
        body += f"\n\t####{_escape(general)}"
    if blank:
        return f"{head}{_escape(before)} {{{body}\n}} {_escape(after)}".rstrip()
    return f"{head}{_escape(text)} {{{body}\n}}"
