"""Moodle GIFT import and export for the five supported question types.

`parse_gift` turns GIFT text into `ParsedQuestion` objects whose ``payload`` has
the same shape as stored questions (see `quizzes.grading`); anything it cannot
represent faithfully raises `GiftParseError` instead of being half-imported.
`export_gift` writes text that `parse_gift` reads back to equal questions.

Error codes (`GiftParseError.code`), for callers that translate messages:
unsupported-essay, unsupported-matching, unsupported-missing-word,
unsupported-description, unsupported-format, unsupported-partial-credit,
unclosed-title, unclosed-answers, empty-question, invalid-answers,
invalid-weight, invalid-number, no-correct-answer, syntax-error.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from quizzes.question_types import pick_text

SUPPORTED_FORMATS = ("plain", "markdown", "moodle", "html")
_ESCAPES = {"~": "~", "=": "=", "#": "#", "{": "{", "}": "}", ":": ":", "\\": "\\", "n": "\n"}
_SPECIAL = "\\~=#{}:"
_TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}
_WEIGHT = re.compile(r"\s*%(-?[0-9]+(?:\.[0-9]+)?)%")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_FORMAT = re.compile(r"\[([A-Za-z]+)\]")
# Positive weights written as thirds (33.333 x 3) fall just short of 100.
_WEIGHT_SUM_SLACK = 0.1


class GiftParseError(ValueError):
    """Malformed or unsupported GIFT; ``line`` is 1-based, ``code`` is stable."""

    def __init__(self, line: int, message: str, code: str = "syntax-error") -> None:
        super().__init__(f"line {line}: {message}")
        self.line, self.message, self.code = line, message, code


@dataclass
class ParsedQuestion:
    """One imported question; ``line`` (where it starts) is ignored by ==."""

    type: str
    title: str
    text: dict[str, str]
    payload: dict[str, Any]
    explanation: dict[str, str] = field(default_factory=dict)
    category: str | None = None
    text_format: str = "moodle"
    line: int = field(default=0, compare=False)


class _Span:
    """Unescaped characters of a question, each with its escape flag and line."""

    def __init__(self, chars: list[tuple[str, bool, int]]) -> None:
        self.chars = chars

    @classmethod
    def lex(cls, lines: list[tuple[int, str]]) -> _Span:
        chars: list[tuple[str, bool, int]] = []
        for number, line in lines:
            i = 0
            while i < len(line):
                if line[i] == "\\" and i + 1 < len(line) and line[i + 1] in _ESCAPES:
                    chars.append((_ESCAPES[line[i + 1]], True, number))
                    i += 2
                else:
                    chars.append((line[i], False, number))
                    i += 1
            chars.append(("\n", False, number))
        return cls(chars)

    def __getitem__(self, piece: slice) -> _Span:
        return _Span(self.chars[piece])

    def find(self, token: str, start: int = 0) -> int:
        """Index of the first unescaped ``token`` at or after ``start``, or -1."""
        for i in range(start, len(self.chars) - len(token) + 1):
            if all(not esc and ch == c for (ch, esc, _), c in zip(self.chars[i:i + len(token)], token)):
                return i
        return -1

    def split(self, separators: str) -> list[tuple[str, _Span]]:
        """Split at unescaped separator chars: [("", head), (sep, part), ...]."""
        parts, marker, start = [], "", 0
        for i, (ch, esc, _) in enumerate(self.chars):
            if not esc and ch in separators:
                parts.append((marker, self[start:i]))
                marker, start = ch, i + 1
        return parts + [(marker, self[start:])]

    def raw(self) -> str:
        return "".join(ch for ch, _, _ in self.chars)

    def text(self) -> str:
        """NFC-normalised, stripped text (pasted Vietnamese is often decomposed)."""
        return unicodedata.normalize("NFC", self.raw()).strip()

    def first_visible(self) -> int:
        """Index of the first non-whitespace character (len when there is none)."""
        return next((i for i, (ch, _, _) in enumerate(self.chars) if not ch.isspace()), len(self.chars))

    def line(self, fallback: int) -> int:
        """Line of the first non-blank character, else ``fallback``."""
        first = self.first_visible()
        return self.chars[first][2] if first < len(self.chars) else fallback


def parse_gift(text: str, lang: str = "vi") -> list[ParsedQuestion]:
    """Parse GIFT ``text``; texts are stored under ``lang``. Raises GiftParseError."""
    lines = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    questions: list[ParsedQuestion] = []
    chunk: list[tuple[int, str]] = []
    category: str | None = None

    def flush() -> None:
        if chunk:
            questions.append(_parse_question(_Span.lex(chunk), chunk[0][0], category, lang))
            chunk.clear()

    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if stripped.startswith("//"):
            continue  # whole-line comments do not end a question
        if not stripped or stripped.startswith("$CATEGORY:"):
            flush()
            if stripped:
                category = stripped[len("$CATEGORY:"):].strip() or None
            continue
        chunk.append((number, line))
    flush()
    return questions


def _parse_question(span: _Span, start: int, category: str | None, lang: str) -> ParsedQuestion:
    title = ""
    first = span.first_visible()
    if span.find("::", first) == first:
        end = span.find("::", first + 2)
        if end < 0:
            raise GiftParseError(start, "the title is not closed with '::'", "unclosed-title")
        title = span[first + 2:end].text()
        span = span[end + 2:]
    opening = span.find("{")
    if opening < 0:
        raise GiftParseError(start, "no answer block '{...}': description items are not supported", "unsupported-description")
    block_line = span.chars[opening][2]
    closing = span.find("}", opening + 1)
    if closing < 0:
        raise GiftParseError(block_line, "the answer block '{' is never closed", "unclosed-answers")
    if 0 <= span.find("{", opening + 1) < closing:
        raise GiftParseError(block_line, "'{' inside an answer block must be escaped as '\\{'")
    if span[closing + 1:].text():
        raise GiftParseError(block_line, "text after the answer block (missing-word or embedded answers) is not supported", "unsupported-missing-word")
    head = span[:opening]
    text, text_format = head.text(), "moodle"
    found = _FORMAT.match(text)
    if found:
        text_format = found.group(1).lower()
        if text_format not in SUPPORTED_FORMATS:
            raise GiftParseError(head.line(start), f"unknown text format [{found.group(1)}]", "unsupported-format")
        text = text[found.end():].strip()
    if not text:
        raise GiftParseError(block_line, "the question has no text before its answers", "empty-question")
    kind, payload, explanation = _parse_block(span[opening + 1:closing], block_line, lang)
    return ParsedQuestion(kind, title, {lang: text}, payload, explanation, category, text_format, start)


@dataclass
class _Item:
    """One '=' or '~' answer of an answer block, before typing."""

    marker: str
    weight: float | None
    text: str
    feedback: dict[str, str] | None
    line: int
    arrow: bool  # contains an unescaped '->', i.e. looks like a matching pair


def _localised(span: _Span, lang: str) -> dict[str, str] | None:
    text = span.text()
    return {lang: text} if text else None


def _parse_block(block: _Span, line: int, lang: str) -> tuple[str, dict[str, Any], dict[str, str]]:
    general = block.find("####")
    explanation = (_localised(block[general + 4:], lang) or {}) if general >= 0 else {}
    body = block[:general] if general >= 0 else block
    if not body.text():
        raise GiftParseError(line, "an empty answer block '{}' is an essay question, which is not supported", "unsupported-essay")
    first = body.first_visible()
    if body.find("#", first) == first:
        return "numeric", _parse_numeric(body[first + 1:], line, lang), explanation
    head, *feedbacks = [part for _, part in body.split("#")]
    verdict = _TRUE_FALSE.get(head.text().upper())
    if verdict is not None:
        return "true_false", _parse_true_false(verdict, feedbacks, line, lang), explanation
    items = _parse_items(body, line, lang)
    if all(item.marker == "=" and item.arrow for item in items):
        raise GiftParseError(line, "matching questions ('=a -> b') are not supported", "unsupported-matching")
    if any(item.marker == "~" for item in items):
        kind, payload = _parse_choices(items, line, lang)
        return kind, payload, explanation
    return "short_answer", _parse_short_answer(items, line), explanation


def _parse_items(body: _Span, line: int, lang: str, bare_allowed: bool = False) -> list[_Item]:
    (_, head), *rest = body.split("=~")
    if bare_allowed and not rest and head.text():
        rest = [("=", head)]  # numeric shorthand {#5:0.5} has no '=' marker
    elif head.text():
        raise GiftParseError(head.line(line), "answers must start with '=' or '~'", "invalid-answers")
    items = []
    for marker, part in rest:
        cut = part.find("#")
        answer, feedback = (part[:cut], _localised(part[cut + 1:], lang)) if cut >= 0 else (part, None)
        weight = _WEIGHT.match(answer.raw())
        text = answer[weight.end():].text() if weight else answer.text()
        item_line = part.line(line)
        if not text:
            raise GiftParseError(item_line, "an answer is empty", "invalid-answers")
        percent = float(weight.group(1)) if weight else None
        items.append(_Item(marker, percent, text, feedback, item_line, answer.find("->") >= 0))
    return items


def _parse_true_false(verdict: bool, feedbacks: list[_Span], line: int, lang: str) -> dict[str, Any]:
    if len(feedbacks) > 2:
        raise GiftParseError(line, "a true/false answer takes at most two '#' feedbacks", "invalid-answers")
    # GIFT order: first the feedback for a wrong answer, then for the right one.
    wrong, right = ([_localised(span, lang) for span in feedbacks] + [None, None])[:2]
    return {"answer": verdict, "feedback_true": right if verdict else wrong, "feedback_false": wrong if verdict else right}


def _parse_choices(items: list[_Item], line: int, lang: str) -> tuple[str, dict[str, Any]]:
    def choice(number: int, item: _Item, correct: bool) -> dict[str, Any]:
        return {"id": f"c{number}", "text": {lang: item.text}, "correct": correct, "feedback": item.feedback}

    correct = [item for item in items if item.marker == "="]
    if correct:
        if len(correct) != 1:
            raise GiftParseError(line, "a single-choice question needs exactly one '=' answer", "invalid-answers")
        for item in items:
            if item.weight not in (None, 100.0 if item.marker == "=" else 0.0):
                raise GiftParseError(item.line, "partial credit needs '%' weights on every answer and no '='", "unsupported-partial-credit")
        return "single", {"choices": [choice(n, it, it.marker == "=") for n, it in enumerate(items, 1)]}
    weights = [item.weight or 0.0 for item in items]
    for item, weight in zip(items, weights):
        if not -100 <= weight <= 100:
            raise GiftParseError(item.line, f"weight {weight:g}% is outside -100..100", "invalid-weight")
    positive = sum(weight for weight in weights if weight > 0)
    if positive == 0:
        raise GiftParseError(line, "no answer is marked correct ('=' or a positive '%' weight)", "no-correct-answer")
    if abs(positive - 100) > _WEIGHT_SUM_SLACK:
        raise GiftParseError(line, f"positive weights add up to {positive:g}%, not 100%", "invalid-weight")
    choices = [{**choice(n, it, w > 0), "weight": w} for n, (it, w) in enumerate(zip(items, weights), 1)]
    return "multiple", {"choices": choices}


def _fraction(item: _Item) -> float:
    percent = 100.0 if item.weight is None else item.weight
    if not 0 <= percent <= 100:
        raise GiftParseError(item.line, f"weight {percent:g}% is outside 0..100", "invalid-weight")
    return percent / 100


def _require_full_marks(answers: list[dict[str, Any]], line: int) -> None:
    if not any(answer["fraction"] == 1.0 for answer in answers):
        raise GiftParseError(line, "no answer is worth 100%", "no-correct-answer")


def _parse_short_answer(items: list[_Item], line: int) -> dict[str, Any]:
    answers = [{"text": it.text, "fraction": _fraction(it), "feedback": it.feedback} for it in items]
    _require_full_marks(answers, line)
    return {"answers": answers, "ignore_diacritics": False}


def _parse_numeric(body: _Span, line: int, lang: str) -> dict[str, Any]:
    items = _parse_items(body, line, lang, bare_allowed=True)
    answers = []
    for item in items:
        if item.marker != "=":
            raise GiftParseError(item.line, "numeric answers start with '='", "invalid-answers")
        value, tolerance = _number_spec(item.text, item.line)
        answers.append({"value": value, "tolerance": tolerance, "fraction": _fraction(item), "feedback": item.feedback})
    _require_full_marks(answers, line)
    return {"answers": answers}


def _number_spec(spec: str, line: int) -> tuple[float, float]:
    """'5', '5:0.5' or '1..5' -> (value, tolerance)."""
    if ".." in spec:
        low, _, high = spec.partition("..")
        minimum, maximum = _number(low, line), _number(high, line)
        if maximum < minimum:
            raise GiftParseError(line, f"range {spec!r} ends below its start", "invalid-number")
        return (minimum + maximum) / 2, (maximum - minimum) / 2
    value, colon, tolerance = spec.partition(":")
    margin = _number(tolerance, line) if colon else 0.0
    if margin < 0:
        raise GiftParseError(line, f"tolerance {tolerance.strip()!r} is negative", "invalid-number")
    return _number(value, line), margin


def _number(text: str, line: int) -> float:
    cleaned = text.strip()
    number = float(cleaned) if _NUMBER.fullmatch(cleaned) else float("nan")
    if number != number or number in (float("inf"), float("-inf")):
        raise GiftParseError(line, f"{cleaned!r} is not a number (use a decimal point)", "invalid-number")
    return number


def export_gift(questions: Iterable[ParsedQuestion], lang: str = "vi") -> str:
    """Write ``questions`` as GIFT (the ``lang`` texts); assumes they are valid."""
    parts: list[str] = []
    category: str | None = None
    for question in questions:
        if question.category != category:
            if question.category and "\n" in question.category:
                raise ValueError("a category path cannot contain a line break")
            parts.append(f"$CATEGORY: {question.category or ''}".rstrip())
            category = question.category
        parts.append(_export_question(question, lang))
    return "".join(part + "\n\n" for part in parts)


def _escape(text: str) -> str:
    return "".join("\\" + ch if ch in _SPECIAL else ch for ch in text).replace("\n", "\\n")


def _number_text(value: float) -> str:
    """Plain decimal notation (GIFT readers do not all accept exponents)."""
    text = format(Decimal(repr(float(value))), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _answer_line(marker: str, percent: float, text: str, feedback: Any, lang: str, force_weight: bool) -> str:
    # A text starting with '%' would be read as a weight, so spell the weight out.
    weight = f"%{_number_text(percent)}%" if force_weight or text.startswith("%") else ""
    note = pick_text(feedback, lang)
    return f"\n\t{marker}{weight}{text}" + (f"#{_escape(note)}" if note else "")


def _write_single(payload: dict[str, Any], lang: str) -> str:
    return "".join(
        _answer_line("=" if c["correct"] else "~", 100 if c["correct"] else 0, _escape(pick_text(c["text"], lang)), c.get("feedback"), lang, False)
        for c in payload["choices"]
    )


def _write_multiple(payload: dict[str, Any], lang: str) -> str:
    choices = payload["choices"]
    if any("weight" in c for c in choices):
        weights = [float(c.get("weight", 0.0)) for c in choices]
    else:
        # Same scores as unweighted partial grading: +1/n per right pick, -1/n per wrong one.
        share = round(100 / max(1, sum(1 for c in choices if c["correct"])), 5)
        weights = [share if c["correct"] else -share for c in choices]
    return "".join(
        _answer_line("~", w, _escape(pick_text(c["text"], lang)), c.get("feedback"), lang, True) for c, w in zip(choices, weights)
    )


def _write_true_false(payload: dict[str, Any], lang: str) -> str:
    answer = payload["answer"]
    right = pick_text(payload.get("feedback_true" if answer else "feedback_false"), lang)
    wrong = pick_text(payload.get("feedback_false" if answer else "feedback_true"), lang)
    notes = [wrong, right] if right else [wrong] if wrong else []
    return ("TRUE" if answer else "FALSE") + "".join("#" + _escape(note) for note in notes)


def _write_short_answer(payload: dict[str, Any], lang: str) -> str:
    answers = payload["answers"]
    if all("->" in a["text"] for a in answers):
        raise ValueError("short answers that all contain '->' would read back as a matching question")
    return "".join(
        _answer_line("=", round(a.get("fraction", 1.0) * 100, 10), _escape(a["text"]), a.get("feedback"), lang, a.get("fraction", 1.0) != 1)
        for a in answers
    )


def _write_numeric(payload: dict[str, Any], lang: str) -> str:
    lines = []
    for a in payload["answers"]:
        spec = _number_text(a["value"]) + (f":{_number_text(a['tolerance'])}" if a.get("tolerance") else "")
        lines.append(_answer_line("=", round(a.get("fraction", 1.0) * 100, 10), spec, a.get("feedback"), lang, a.get("fraction", 1.0) != 1))
    return "#" + "".join(lines)


_WRITERS = {
    "single": _write_single,
    "multiple": _write_multiple,
    "true_false": _write_true_false,
    "short_answer": _write_short_answer,
    "numeric": _write_numeric,
}


def _export_question(question: ParsedQuestion, lang: str) -> str:
    if question.type not in _WRITERS:
        raise ValueError(f"question type {question.type!r} cannot be written as GIFT")
    text = pick_text(question.text, lang)
    # Without a prefix, a text starting like a format tag, comment or category would be misread.
    guarded = question.text_format != "moodle" or text.startswith(("[", "//", "$"))
    head = (f"::{_escape(question.title)}::" if question.title else "") + (f"[{question.text_format}]" if guarded else "")
    body = _WRITERS[question.type](question.payload, lang)
    general = pick_text(question.explanation, lang)
    if general:
        body += f"\n\t####{_escape(general)}"
    return f"{head}{_escape(text)} {{{body}\n}}"
