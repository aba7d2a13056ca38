"""Self-check questions ("Tự kiểm tra") at the end of a lesson: formative, never graded.

A lesson holds them in one fenced block with the info string ``self-check``, written in
the lesson's own language (the Vietnamese file in Vietnamese, the English twin in
English)::

    ```self-check
    - question: "…"
      choices:
        - text: "…"
          correct: true
          feedback: "…"
        - text: "…"
          feedback: "…"
    ```

The block stays in the lesson's stored Markdown (so export writes it back and no column
is needed) and is left out of the rendered HTML: the lesson page draws the questions as
small forms, and the answer route only reads them back and compares. Nothing about a
self-check answer is written anywhere (no attempt, response, progress or completion).
Nothing here imports Flask or SQLAlchemy.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from courses.rendering import self_check_blocks
from courses.yaml_lines import YamlError, line_of, load_with_lines
from lms.i18n import _

#: Bounds of the format (docs/content-packs.md, "Self-checks").
MAX_QUESTIONS = 5
MIN_CHOICES, MAX_CHOICES = 2, 6
MAX_TEXT_LENGTH = 600
_QUESTION_KEYS = {"question", "choices"}
_CHOICE_KEYS = {"text", "correct", "feedback"}


@dataclass(frozen=True)
class Choice:
    text: str
    correct: bool
    feedback: str


@dataclass(frozen=True)
class SelfCheckQuestion:
    text: str
    choices: tuple[Choice, ...]

    @property
    def key_index(self) -> int:
        return next(index for index, choice in enumerate(self.choices) if choice.correct)


def read(body: str) -> tuple[list[SelfCheckQuestion], list[tuple[int, str]]]:
    """The self-check questions of a lesson body and its problems as (line in the body,
    translated message); questions are returned only when there is no problem."""
    blocks = self_check_blocks(body)
    if not blocks:
        return [], []
    problems: list[tuple[int, str]] = []
    for line, _content in blocks[1:]:
        problems.append((line, _("A lesson has at most one self-check block.")))
    fence_line, content = blocks[0]
    questions = _read_block(content, fence_line, problems)
    return (questions if not problems else []), problems


def questions_of(body: str) -> tuple[SelfCheckQuestion, ...]:
    """The questions of a stored (already validated) lesson; () when it has none.

    Kept per body text: the lesson page asks on every visit, and reading the block
    (Markdown, then YAML with lines) was half of the page's CPU. The questions are
    frozen, and a changed lesson is a different text."""
    return _questions_of(body)


@lru_cache(maxsize=512)
def _questions_of(body: str) -> tuple[SelfCheckQuestion, ...]:
    return tuple(read(body)[0])


def _read_block(content: str, fence_line: int, problems: list) -> list[SelfCheckQuestion]:
    def at(path) -> int:
        return fence_line + (line_of(lines, path) or 1)

    try:
        data, lines = load_with_lines(content)
    except YamlError as error:
        problems.append((fence_line + (error.line or 1), _("Invalid YAML: %(problem)s", problem=error.message)))
        return []
    if not isinstance(data, list) or not 1 <= len(data) <= MAX_QUESTIONS:
        problems.append((fence_line + 1, _(
            "A self-check block is a list of 1 to %(max)d questions, each with \"question\" "
            "and \"choices\".", max=MAX_QUESTIONS)))
        return []
    questions = []
    for q_index, item in enumerate(data):
        if not isinstance(item, dict):
            problems.append((at((q_index,)), _("Each self-check question needs \"question\" and \"choices\".")))
            continue
        for key in item:
            if key not in _QUESTION_KEYS:
                problems.append((at((q_index, key)), _("Unknown key \"%(key)s\".", key=key)))
        text = _text(item.get("question"))
        if text is None:
            problems.append((at((q_index, "question")), _(
                "Self-check question %(number)d has no question text (at most %(max)d characters).",
                number=q_index + 1, max=MAX_TEXT_LENGTH)))
        choices = _read_choices(item.get("choices"), q_index, at, problems)
        if text is not None and choices is not None:
            questions.append(SelfCheckQuestion(text, choices))
    return questions


def _read_choices(value, q_index: int, at, problems: list) -> tuple[Choice, ...] | None:
    if not isinstance(value, list) or not MIN_CHOICES <= len(value) <= MAX_CHOICES:
        problems.append((at((q_index, "choices")), _(
            "Self-check question %(number)d needs %(min)d to %(max)d choices.",
            number=q_index + 1, min=MIN_CHOICES, max=MAX_CHOICES)))
        return None
    choices, ok = [], True
    for c_index, item in enumerate(value):
        path = (q_index, "choices", c_index)
        if not isinstance(item, dict):
            problems.append((at(path), _("Each choice needs \"text\" and \"feedback\".")))
            ok = False
            continue
        for key in item:
            if key not in _CHOICE_KEYS:
                problems.append((at(path + (key,)), _("Unknown key \"%(key)s\".", key=key)))
                ok = False
        text, feedback = _text(item.get("text")), _text(item.get("feedback"))
        correct = item.get("correct", False)
        if text is None:
            problems.append((at(path + ("text",)), _("A choice has no text (at most %(max)d characters).",
                                                    max=MAX_TEXT_LENGTH)))
        if feedback is None:
            # Immediate feedback is the point of a self-check: every choice says why.
            problems.append((at(path + ("feedback",)), _(
                "Every choice needs \"feedback\": what the learner reads after choosing it.")))
        if not isinstance(correct, bool):
            problems.append((at(path + ("correct",)), _("\"correct\" must be true or false.")))
        if text is None or feedback is None or not isinstance(correct, bool):
            ok = False
            continue
        choices.append(Choice(text, correct, feedback))
    if ok and sum(choice.correct for choice in choices) != 1:
        problems.append((at((q_index, "choices")), _(
            "Self-check question %(number)d must have exactly one correct choice.", number=q_index + 1)))
        return None
    return tuple(choices) if ok else None


def _text(value) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    text = " ".join(value.split())
    return text if len(text) <= MAX_TEXT_LENGTH else None


def twin_problems(vi: list[SelfCheckQuestion], en: list[SelfCheckQuestion]) -> list[str]:
    """The two languages must ask the same questions: same count, same number of choices
    and the key at the same place (the answer route compares by position)."""
    if len(vi) != len(en):
        return [_("The Vietnamese lesson has %(vi)d self-check questions and the English one "
                  "%(en)d: both languages ask the same questions.", vi=len(vi), en=len(en))]
    problems = []
    for number, (a, b) in enumerate(zip(vi, en), start=1):
        if len(a.choices) != len(b.choices) or a.key_index != b.key_index:
            problems.append(_(
                "Self-check question %(number)d differs between the languages: give it the same "
                "choices, in the same order, with the same correct one.", number=number))
    return problems
