"""Moodle GIFT import and export for the five supported question types.

`parse_gift` turns GIFT text into `ParsedQuestion` objects whose ``payload`` has
the stored shape (see `quizzes.grading`); anything it cannot represent
faithfully raises `GiftParseError` rather than being half-imported.
`quizzes.gift_export.export_gift` writes text that `parse_gift` reads back to equal questions.

Deliberately not supported: essay, matching, missing-word/embedded (cloze)
and description items, unknown ``[format]`` tags, and partial credit in
single-answer questions (all raise). Format tags are read only in front of the
question text; short-answer ``*`` wildcards are matched literally; GIFT cannot
carry ``ignore_diacritics``, so export drops it and import sets it to False.

Error codes, stable for translation: unsupported-essay, unsupported-matching,
unsupported-missing-word, unsupported-description, unsupported-format,
unsupported-partial-credit, unclosed-title, unclosed-answers, empty-question,
invalid-answers, invalid-weight, invalid-number, no-correct-answer, syntax-error.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from quizzes.grading import WEIGHT_SUM_TOLERANCE

SUPPORTED_FORMATS = ("plain", "markdown", "moodle", "html")
_ESCAPES = {"~": "~", "=": "=", "#": "#", "{": "{", "}": "}", ":": ":", "\\": "\\", "n": "\n"}
_ESCAPE_OR_CHAR = re.compile(r"\\[~=#{}:\\n]|.", re.DOTALL)
_SPECIAL = "\\~=#{}:"
_TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}
_WEIGHT = re.compile(r"\s*%(-?[0-9]+(?:\.[0-9]+)?)%")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_FORMAT = re.compile(r"\[([A-Za-z]+)\]")


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
    """Unescaped characters of a question as (char, was_escaped, line) triples.

    Keeping the escape flag lets the parser look for structural characters
    with plain loops while escaped ones stay literal text.
    """

    def __init__(self, chars: list[tuple[str, bool, int]]) -> None:
        self.chars = chars

    @classmethod
    def lex(cls, lines: list[tuple[int, str]]) -> _Span:
        chars: list[tuple[str, bool, int]] = []
        for number, line in lines:
            for piece in _ESCAPE_OR_CHAR.findall(line):
                escaped = len(piece) == 2
                chars.append((_ESCAPES[piece[1]] if escaped else piece, escaped, number))
            chars.append(("\n", False, number))
        return cls(chars)

    def __getitem__(self, piece: slice) -> _Span:
        return _Span(self.chars[piece])

    def find(self, token: str, start: int = 0) -> int:
        """Index of the first unescaped ``token`` at or after ``start``, or -1."""
        for i in range(start, len(self.chars) - len(token) + 1):
            window = self.chars[i : i + len(token)]
            if all(not esc and ch == c for (ch, esc, _), c in zip(window, token, strict=True)):
                return i
        return -1

    def split(self, separators: str) -> list[tuple[str, int, _Span]]:
        """Cut at unescaped separators: [("", 0, head), (separator, its line, part), ...]."""
        parts, marker, line, start = [], "", 0, 0
        for i, (ch, esc, number) in enumerate(self.chars):
            if not esc and ch in separators:
                parts.append((marker, line, self[start:i]))
                marker, line, start = ch, number, i + 1
        return [*parts, (marker, line, self[start:])]

    def raw(self) -> str:
        return "".join(ch for ch, _, _ in self.chars)

    def text(self) -> str:
        """NFC-normalised (pasted Vietnamese is often decomposed) and stripped."""
        return unicodedata.normalize("NFC", self.raw()).strip()

    def first_visible(self) -> int:
        blanks = (i for i, (ch, _, _) in enumerate(self.chars) if not ch.isspace())
        return next(blanks, len(self.chars))

    def line(self, fallback: int) -> int:
        """Line of the first non-blank character, else ``fallback``."""
        first = self.first_visible()
        return self.chars[first][2] if first < len(self.chars) else fallback


def parse_gift(text: str, lang: str = "vi") -> list[ParsedQuestion]:
    """Parse GIFT ``text``, storing every text under ``lang``.

    Questions are separated by blank lines; whole-line ``//`` comments are
    skipped and a ``$CATEGORY:`` line applies to the questions after it.
    Raises `GiftParseError` at the first malformed or unsupported question.
    """
    lines = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    questions: list[ParsedQuestion] = []
    chunk: list[tuple[int, str]] = []
    category: str | None = None
    for number, line in enumerate([*lines, ""], start=1):
        stripped = line.strip()
        if stripped.startswith("//"):
            continue  # a whole-line comment does not end a question
        if stripped and not stripped.startswith("$CATEGORY:"):
            chunk.append((number, line))
            continue
        if chunk:
            questions.append(_parse_question(_Span.lex(chunk), chunk[0][0], category, lang))
            chunk = []
        if stripped:
            path = stripped.removeprefix("$CATEGORY:").strip()
            category = unicodedata.normalize("NFC", path) or None
    return questions


def _parse_question(span: _Span, start: int, category: str | None, lang: str) -> ParsedQuestion:
    title, first = "", span.first_visible()
    if span.find("::", first) == first:
        end = span.find("::", first + 2)
        if end < 0:
            raise GiftParseError(start, "the title is not closed with '::'", "unclosed-title")
        title, span = span[first + 2 : end].text(), span[end + 2 :]
    opening = span.find("{")
    if opening < 0:
        message = "no answers: description items are not supported"
        raise GiftParseError(start, message, "unsupported-description")
    line = span.chars[opening][2]
    closing = span.find("}", opening + 1)
    if closing < 0:
        raise GiftParseError(line, "the answer block '{' is never closed", "unclosed-answers")
    if 0 <= span.find("{", opening + 1) < closing:
        raise GiftParseError(line, "a '{' inside an answer block must be escaped as '\\{'")
    if span[closing + 1 :].text():
        message = "text after the answers (missing word, embedded answers) is not supported"
        raise GiftParseError(line, message, "unsupported-missing-word")
    text, text_format = span[:opening].text(), "moodle"
    found = _FORMAT.match(text)
    if found:
        text, text_format = text[found.end() :].strip(), found.group(1).lower()
        if text_format not in SUPPORTED_FORMATS:
            message = f"unknown text format [{found.group(1)}]"
            raise GiftParseError(span.line(start), message, "unsupported-format")
    if not text:
        raise GiftParseError(line, "the question has no text before its answers", "empty-question")
    kind, payload, explanation = _parse_block(span[opening + 1 : closing], line, lang)
    return ParsedQuestion(
        kind, title, {lang: text}, payload, explanation, category, text_format, start
    )


class _Item(NamedTuple):
    """One '=' or '~' answer before the question type is known."""

    marker: str
    weight: float | None
    text: str
    feedback: dict[str, str] | None
    line: int
    arrow: bool  # has an unescaped '->', like a matching pair


def _localised(span: _Span, lang: str) -> dict[str, str] | None:
    text = span.text()
    return {lang: text} if text else None


def _parse_block(block: _Span, line: int, lang: str) -> tuple[str, dict[str, Any], dict[str, str]]:
    general = block.find("####")
    explanation = (_localised(block[general + 4 :], lang) or {}) if general >= 0 else {}
    body = block[:general] if general >= 0 else block
    if not body.text():
        message = "an empty answer block (essay) is not supported"
        raise GiftParseError(line, message, "unsupported-essay")
    first = body.first_visible()
    if body.find("#", first) == first:
        return "numeric", _parse_numeric(body[first + 1 :], line, lang), explanation
    head, *feedbacks = [part for _, _, part in body.split("#")]
    verdict = _TRUE_FALSE.get(head.text().upper())
    if verdict is not None:
        if len(feedbacks) > 2:
            message = "true/false takes at most two '#' feedbacks"
            raise GiftParseError(line, message, "invalid-answers")
        # GIFT order: first the feedback for a wrong answer, then for the right one.
        wrong, right = ([_localised(span, lang) for span in feedbacks] + [None, None])[:2]
        on_true, on_false = (right, wrong) if verdict else (wrong, right)
        feedback = {"feedback_true": on_true, "feedback_false": on_false}
        return "true_false", {"answer": verdict, **feedback}, explanation
    items = _parse_items(body, line, lang)
    if all(item.marker == "=" and item.arrow for item in items):
        message = "matching questions ('=a -> b') are not supported"
        raise GiftParseError(line, message, "unsupported-matching")
    if any(item.marker == "~" for item in items):
        return *_parse_choices(items, line, lang), explanation
    answers = [{"text": i.text, "fraction": _fraction(i), "feedback": i.feedback} for i in items]
    payload = {"answers": _full_marks(answers, line), "ignore_diacritics": False}
    return "short_answer", payload, explanation


def _parse_items(body: _Span, line: int, lang: str, bare_allowed: bool = False) -> list[_Item]:
    (_, _, head), *rest = body.split("=~")
    if bare_allowed and not rest and head.text():
        rest = [("=", head.line(line), head)]  # numeric shorthand {#5:0.5} has no '='
    elif head.text():
        message = "answers must start with '=' or '~'"
        raise GiftParseError(head.line(line), message, "invalid-answers")
    items = []
    for marker, marker_line, part in rest:
        cut = part.find("#")
        answer = part[:cut] if cut >= 0 else part
        feedback = _localised(part[cut + 1 :], lang) if cut >= 0 else None
        weight = _WEIGHT.match(answer.raw())
        text = answer[weight.end() :].text() if weight else answer.text()
        if not text:
            raise GiftParseError(marker_line, "an answer is empty", "invalid-answers")
        percent = float(weight.group(1)) if weight else None
        arrow = answer.find("->") >= 0
        items.append(_Item(marker, percent, text, feedback, marker_line, arrow))
    return items


def _parse_choices(items: list[_Item], line: int, lang: str) -> tuple[str, dict[str, Any]]:
    def choice(number: int, item: _Item, correct: bool) -> dict[str, Any]:
        text = {lang: item.text}
        return {"id": f"c{number}", "text": text, "correct": correct, "feedback": item.feedback}

    if any(item.marker == "=" for item in items):
        if sum(item.marker == "=" for item in items) != 1:
            message = "a single choice needs exactly one '=' answer"
            raise GiftParseError(line, message, "invalid-answers")
        for item in items:
            if item.weight not in (None, 100.0 if item.marker == "=" else 0.0):
                message = "partial credit needs '%' weights on every answer and no '='"
                raise GiftParseError(item.line, message, "unsupported-partial-credit")
        numbered = enumerate(items, start=1)
        return "single", {"choices": [choice(n, item, item.marker == "=") for n, item in numbered]}
    weights = [item.weight or 0.0 for item in items]
    for item, weight in zip(items, weights, strict=True):
        if not -100 <= weight <= 100:
            message = f"weight {weight:g}% is outside -100..100"
            raise GiftParseError(item.line, message, "invalid-weight")
    positive = sum(weight for weight in weights if weight > 0)
    if positive == 0:
        message = "no answer has '=' or a positive weight"
        raise GiftParseError(line, message, "no-correct-answer")
    if abs(positive - 100) > WEIGHT_SUM_TOLERANCE:
        message = f"positive weights add up to {positive:g}%, not 100%"
        raise GiftParseError(line, message, "invalid-weight")
    numbered_weights = enumerate(zip(items, weights, strict=True), start=1)
    choices = [{**choice(n, it, w > 0), "weight": w} for n, (it, w) in numbered_weights]
    return "multiple", {"choices": choices}


def _fraction(item: _Item) -> float:
    percent = 100.0 if item.weight is None else item.weight
    if not 0 <= percent <= 100:
        raise GiftParseError(item.line, f"weight {percent:g}% is outside 0..100", "invalid-weight")
    return percent / 100


def _full_marks(answers: list[dict[str, Any]], line: int) -> list[dict[str, Any]]:
    if not any(answer["fraction"] == 1.0 for answer in answers):
        raise GiftParseError(line, "no answer is worth 100%", "no-correct-answer")
    return answers


def _parse_numeric(body: _Span, line: int, lang: str) -> dict[str, Any]:
    answers = []
    for item in _parse_items(body, line, lang, bare_allowed=True):
        if item.marker != "=":
            raise GiftParseError(item.line, "numeric answers start with '='", "invalid-answers")
        value, tolerance = _number_spec(item.text, item.line)
        answer = {"value": value, "tolerance": tolerance, "fraction": _fraction(item)}
        answers.append({**answer, "feedback": item.feedback})
    return {"answers": _full_marks(answers, line)}


def _number_spec(spec: str, line: int) -> tuple[float, float]:
    """'5', '5:0.5' or '1..5' -> (value, tolerance); a range becomes midpoint ± half-width."""
    if ".." in spec:
        low_text, _, high_text = spec.partition("..")
        low, high = _number(low_text, line), _number(high_text, line)
        if high < low:
            raise GiftParseError(line, f"range {spec!r} ends below its start", "invalid-number")
        return (low + high) / 2, (high - low) / 2
    value, colon, tolerance = spec.partition(":")
    margin = _number(tolerance, line) if colon else 0.0
    if margin < 0:
        raise GiftParseError(line, f"tolerance {tolerance.strip()!r} is negative", "invalid-number")
    return _number(value, line), margin


def _number(text: str, line: int) -> float:
    cleaned = text.strip()
    number = float(cleaned) if _NUMBER.fullmatch(cleaned) else math.nan
    if not math.isfinite(number):
        message = f"{cleaned!r} is not a number (use a decimal point)"
        raise GiftParseError(line, message, "invalid-number")
    return number
