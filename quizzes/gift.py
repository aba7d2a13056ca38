"""Moodle GIFT import and export.

`parse_gift` turns GIFT text into `ParsedQuestion` objects whose ``payload`` has
the stored shape (see `quizzes.grading`); anything it cannot represent
faithfully raises `GiftParseError` rather than being half-imported.
`quizzes.gift_export.export_gift` writes text that `parse_gift` reads back to equal questions.

Read as Moodle does: single choice (partial credit on wrong answers with ``~%50%``),
multiple answers (weights), true/false, short answer, numeric, missing word (text
after the answers: a single-choice or short-answer question whose text holds
:data:`BLANK` where the answers go, payload ``"blank": true``), matching
(``=prompt -> answer``; ``= -> answer`` is an extra wrong answer) and description
(text without answers: an information item, not graded).

Not supported: essays (``{}``: nothing to grade), several answer blocks in one
question (embedded/cloze) and unknown ``[format]`` tags. Essays and unknown formats
can be skipped instead (pass a ``skipped`` list to `parse_gift`): each is reported
with its line. Format tags are read only in front of the question text; short-answer
``*`` wildcards are matched literally; GIFT cannot carry ``ignore_diacritics``, so
export drops it and import sets it to False.

Error codes, stable for translation: unsupported-essay, unsupported-embedded,
unsupported-missing-word, unsupported-format, missing-blank-line, unclosed-title,
unclosed-answers, empty-question, invalid-answers, invalid-weight, invalid-number,
no-correct-answer, syntax-error.
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
#: Where the answers go in the text of a missing-word question ("Grant is _____ in …").
BLANK = "_____"
#: Text after a blank that needs no space before it.
_TIGHT_AFTER = tuple(".,;:!?)…»\"'")
#: Problems an author may skip ("import what is supported") rather than fix.
SKIPPABLE = frozenset({"unsupported-essay", "unsupported-format"})


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


def blank_sentence(before: str, after: str) -> str:
    """The stored text of a missing-word question: ``before`` _____ ``after``."""
    text = f"{before} {BLANK}".lstrip()
    if after:
        text += after if after.startswith(_TIGHT_AFTER) else f" {after}"
    return text


def split_blank(text: str) -> tuple[str, str]:
    """The text before and after the blank (the first :data:`BLANK`)."""
    before, _, after = text.partition(BLANK)
    return before.strip(), after.strip()


def parse_gift(text: str, lang: str = "vi", *,
               skipped: list[GiftParseError] | None = None) -> list[ParsedQuestion]:
    """Parse GIFT ``text``, storing every text under ``lang``.

    Questions are separated by blank lines; whole-line ``//`` comments are
    skipped and a ``$CATEGORY:`` line applies to the questions after it.
    Raises `GiftParseError` at the first malformed or unsupported question; with a
    ``skipped`` list, questions of a kind that cannot be imported (:data:`SKIPPABLE`:
    essays, unknown formats) are left out and their errors appended there instead.
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
            try:
                questions.append(_parse_question(_Span.lex(chunk), chunk[0][0], category, lang))
            except GiftParseError as error:
                if skipped is None or error.code not in SKIPPABLE:
                    raise
                skipped.append(error)
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
    if opening < 0:  # no answers: a description (an information item)
        text, text_format = _text_and_format(span, span.line(start))
        if not text:
            raise GiftParseError(start, "the question has no text", "empty-question")
        return ParsedQuestion("description", title, {lang: text}, {}, {}, category,
                              text_format, start)
    line = span.chars[opening][2]
    closing = span.find("}", opening + 1)
    if closing < 0:
        raise GiftParseError(line, "the answer block '{' is never closed", "unclosed-answers")
    if 0 <= span.find("{", opening + 1) < closing:
        raise GiftParseError(line, "a '{' inside an answer block must be escaped as '\\{'")
    rest = span[closing + 1 :]
    _check_rest(rest, span.chars[closing][2])
    before, text_format = _text_and_format(span[:opening], span.line(start))
    after = rest.text()
    kind, payload, explanation = _parse_block(span[opening + 1 : closing], line, lang)
    if after:
        text = _missing_word(kind, payload, before, after, line)
    else:
        text = before
    if not text:
        raise GiftParseError(line, "the question has no text before its answers", "empty-question")
    return ParsedQuestion(
        kind, title, {lang: text}, payload, explanation, category, text_format, start
    )


def _text_and_format(span: _Span, line: int) -> tuple[str, str]:
    text, text_format = span.text(), "moodle"
    found = _FORMAT.match(text)
    if found:
        text, text_format = text[found.end() :].strip(), found.group(1).lower()
        if text_format not in SUPPORTED_FORMATS:
            message = f"unknown text format [{found.group(1)}]"
            raise GiftParseError(line, message, "unsupported-format")
    return text, text_format


def _check_rest(rest: _Span, closing_line: int) -> None:
    """Text after the answers is a missing word's end, unless it is another question
    (a new line with answers or a title: the blank line between them is missing) or
    another answer block on the same line (embedded answers, not GIFT)."""
    first = rest.first_visible()
    if first >= len(rest.chars):
        return
    starts_line = rest.chars[first][2] > closing_line
    more_answers = rest.find("{", first) >= 0
    if starts_line and (more_answers or rest.find("::", first) == first):
        message = "a new question starts here: leave a blank line between questions"
        raise GiftParseError(rest.chars[first][2], message, "missing-blank-line")
    if more_answers:
        message = "several answer blocks in one question (embedded answers) are not supported"
        raise GiftParseError(rest.chars[first][2], message, "unsupported-embedded")


def _missing_word(kind: str, payload: dict[str, Any], before: str, after: str, line: int) -> str:
    """The text of a missing-word question, marking its payload; only single choice and
    short answer can stand in a sentence (Moodle's missing-word format)."""
    if kind not in ("single", "short_answer"):
        message = "only single-choice and short-answer questions can have text after their answers"
        raise GiftParseError(line, message, "unsupported-missing-word")
    if BLANK in before or BLANK in after:
        raise GiftParseError(line, f"the text of a missing-word question cannot hold {BLANK!r}",
                             "unsupported-missing-word")
    payload["blank"] = True
    return blank_sentence(before, after)


class _Item(NamedTuple):
    """One '=' or '~' answer before the question type is known."""

    marker: str
    weight: float | None
    text: str
    feedback: dict[str, str] | None
    line: int
    #: A matching pair's two sides ("=prompt -> answer"), None without an unescaped '->'.
    pair: tuple[str, str] | None


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
    if all(item.marker == "=" and item.pair for item in items):
        return "matching", _parse_matching(items, line, lang), explanation
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
        arrow = answer.find("->")
        pair = None
        if arrow >= 0:
            pair = (answer[weight.end() if weight else 0 : arrow].text(), answer[arrow + 2 :].text())
        items.append(_Item(marker, percent, text, feedback, marker_line, pair))
    return items


def _parse_matching(items: list[_Item], line: int, lang: str) -> dict[str, Any]:
    """``=prompt -> answer`` pairs; ``= -> answer`` adds a wrong answer with no prompt."""
    pairs = []
    for number, item in enumerate(items, start=1):
        prompt, answer = item.pair
        if item.weight is not None or item.feedback:
            message = "matching pairs take no weight and no feedback"
            raise GiftParseError(item.line, message, "invalid-answers")
        if not answer:
            raise GiftParseError(item.line, "a matching pair has no answer after '->'",
                                 "invalid-answers")
        pairs.append({"id": f"m{number}", "prompt": {lang: prompt} if prompt else None,
                      "answer": {lang: answer}})
    if sum(1 for pair in pairs if pair["prompt"]) < 2:
        message = "a matching question needs at least two pairs with a prompt"
        raise GiftParseError(line, message, "invalid-answers")
    return {"pairs": pairs}


def _parse_choices(items: list[_Item], line: int, lang: str) -> tuple[str, dict[str, Any]]:
    def choice(number: int, item: _Item, correct: bool) -> dict[str, Any]:
        text = {lang: item.text}
        return {"id": f"c{number}", "text": text, "correct": correct, "feedback": item.feedback}

    if any(item.marker == "=" for item in items):
        if sum(item.marker == "=" for item in items) != 1:
            message = "a single choice needs exactly one '=' answer"
            raise GiftParseError(line, message, "invalid-answers")
        # Moodle's single choice with partial credit: "~%50%half right" beside "=right".
        for item in items:
            if item.marker == "=" and item.weight not in (None, 100.0):
                message = "the '=' answer is worth 100%; give the others their '%' weights"
                raise GiftParseError(item.line, message, "invalid-weight")
            if item.marker == "~" and item.weight is not None and not -100 <= item.weight < 100:
                message = f"weight {item.weight:g}% of a wrong answer is outside -100..99"
                raise GiftParseError(item.line, message, "invalid-weight")
        numbered = list(enumerate(items, start=1))
        choices = [choice(n, item, item.marker == "=") for n, item in numbered]
        if any(item.marker == "~" and item.weight for item in items):
            for entry, item in zip(choices, items, strict=True):
                entry["weight"] = 100.0 if item.marker == "=" else item.weight or 0.0
        return "single", {"choices": choices}
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
