"""Cue lint: answer cues that let a learner pass a quiz bank without reading the lessons.

Pure (no Flask, no database): it looks at the questions of a pack's quiz.yaml as
:mod:`quizzes.pack_quiz` reads them and returns warnings as ``(line, message)``. The pack
validator reports them as warnings with file and line; ``flask lms validate-pack --strict``
fails on them. The rules, and why each matters, are in docs/content-packs.md:

* **longest key** — in more than a third of single-choice questions the correct choice is
  the longest one (test-wise learners pick the longest option);
* **shortest key** — the mirror cue: in more than a third of single-choice questions the
  correct choice is the shortest one (a bank "fixed" by trimming every key teaches
  test-wise learners to pick the shortest);
* **keys longer (or shorter) on average** — correct choices are on average much longer, or
  much shorter, than the wrong ones (a softer form of the same cues, over single and
  multiple choice);
* **all but one** — a multiple-response question where every choice but one is correct
  ("tick everything except the silly one");
* **keys outnumber** — in most multiple-response questions the correct choices outnumber
  the wrong ones;
* **true/false balance** — a bank whose true/false keys lean one way: fewer than 2 of
  either value, or the rarer value under 30 % of the true/false questions;
* **no lesson** — a question not tied to a lesson (``lesson: N``), so a failed attempt
  cannot send the learner back to what to reread.

Lengths are counted in characters of each language's text (Vietnamese and English are
checked separately; Vietnamese first).
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from lms.i18n import _

LANGUAGES = ("vi", "en")


@dataclass(frozen=True)
class LintRules:
    """Thresholds of the rules; the defaults are the project's standard (see the docs)."""

    #: Most single-choice questions whose key may be the strictly longest choice.
    max_longest_key_share: Fraction = Fraction(1, 3)
    #: Most single-choice questions whose key may be the strictly shortest choice.
    max_shortest_key_share: Fraction = Fraction(1, 3)
    #: Bounds of mean(key length) / mean(wrong-choice length) over all choice questions.
    max_key_length_ratio: float = 1.25
    min_key_length_ratio: float = 0.8
    #: Fewest true/false questions of each value in a bank that has any.
    min_true_false_each: int = 2
    #: Smallest share of the rarer true/false value among the true/false questions.
    min_true_false_share: Fraction = Fraction(3, 10)
    #: Most share of multiple-response questions whose correct choices outnumber the wrong.
    max_outnumbering_share: Fraction = Fraction(1, 2)


DEFAULT_RULES = LintRules()


def lint_questions(questions, questions_line: int | None = None,
                   rules: LintRules = DEFAULT_RULES) -> list[tuple[int | None, str]]:
    """Warnings for a bank of :class:`quizzes.pack_quiz.PackQuestion` (``type``, ``key``,
    ``payload``, ``line``, ``lesson``); ``questions_line`` is where the list starts."""
    warnings: list[tuple[int | None, str]] = []
    singles = [q for q in questions if q.type == "single" and _choices(q)]
    multiples = [q for q in questions if q.type == "multiple" and _choices(q)]
    for lang in LANGUAGES:
        warnings += _longest_key(singles, lang, rules)
        warnings += _shortest_key(singles, lang, rules)
        warnings += _key_length_ratio(singles + multiples, lang, rules, questions_line)
    warnings += _multiple_balance(multiples, rules, questions_line)
    warnings += _true_false_balance([q for q in questions if q.type == "true_false"],
                                    rules, questions_line)
    warnings += [(q.line, _("Question \"%(key)s\" names no lesson: add \"lesson: N\" so a "
                            "failed attempt can point back to it.", key=q.key))
                 for q in questions if getattr(q, "lesson", None) is None
                 and q.type != "description"]  # an information item tests nothing
    return warnings


def _choices(question) -> list[dict]:
    choices = question.payload.get("choices") if isinstance(question.payload, dict) else None
    return [c for c in choices or [] if isinstance(c, dict) and isinstance(c.get("text"), dict)]


def _length(choice: dict, lang: str) -> int:
    return len(" ".join(str(choice["text"].get(lang) or "").split()))


def key_is_longest(question, lang: str) -> bool:
    """The (single) correct choice is strictly longer than every wrong one."""
    choices = _choices(question)
    keys = [_length(c, lang) for c in choices if c.get("correct") is True]
    wrong = [_length(c, lang) for c in choices if c.get("correct") is not True]
    return bool(keys and wrong) and min(keys) > max(wrong)


def key_is_shortest(question, lang: str) -> bool:
    """The (single) correct choice is strictly shorter than every wrong one."""
    choices = _choices(question)
    keys = [_length(c, lang) for c in choices if c.get("correct") is True]
    wrong = [_length(c, lang) for c in choices if c.get("correct") is not True]
    return bool(keys and wrong) and max(keys) < min(wrong)


def _shortest_key(singles, lang: str, rules: LintRules):
    shortest = [q for q in singles if key_is_shortest(q, lang)]
    if not singles or Fraction(len(shortest), len(singles)) <= rules.max_shortest_key_share:
        return []
    return [(shortest[0].line, _(
        "The correct choice is the shortest in %(count)d of %(total)d single-choice questions "
        "(%(lang)s), more than %(share)s: %(keys)s. Vary the lengths so neither the longest "
        "nor the shortest choice is a safe guess.", count=len(shortest), total=len(singles),
        lang=lang, share=_fraction(rules.max_shortest_key_share),
        keys=", ".join(q.key for q in shortest)))]


def _longest_key(singles, lang: str, rules: LintRules):
    longest = [q for q in singles if key_is_longest(q, lang)]
    if not singles or Fraction(len(longest), len(singles)) <= rules.max_longest_key_share:
        return []
    return [(longest[0].line, _(
        "The correct choice is the longest in %(count)d of %(total)d single-choice questions "
        "(%(lang)s), more than %(share)s: %(keys)s. Rewrite the keys or the distractors so "
        "length gives nothing away.", count=len(longest), total=len(singles), lang=lang,
        share=_fraction(rules.max_longest_key_share), keys=", ".join(q.key for q in longest)))]


def key_length_ratio(questions, lang: str) -> float | None:
    """Mean length of correct choices / mean length of wrong ones (None without both)."""
    keys, wrong = [], []
    for question in questions:
        for choice in _choices(question):
            (keys if choice.get("correct") is True else wrong).append(_length(choice, lang))
    if not keys or not wrong or not sum(wrong):
        return None
    return (sum(keys) / len(keys)) / (sum(wrong) / len(wrong))


def _key_length_ratio(questions, lang: str, rules: LintRules, line):
    ratio = key_length_ratio(questions, lang)
    if ratio is None or rules.min_key_length_ratio <= ratio <= rules.max_key_length_ratio:
        return []
    return [(line, _(
        "Correct choices are on average %(ratio).2f times as long as wrong ones (%(lang)s); "
        "keep it between %(low).2f and %(high).2f.", ratio=ratio, lang=lang,
        low=rules.min_key_length_ratio, high=rules.max_key_length_ratio))]


def _multiple_balance(multiples, rules: LintRules, line):
    warnings = []
    outnumbering = []
    for question in multiples:
        choices = _choices(question)
        correct = sum(1 for c in choices if c.get("correct") is True)
        if len(choices) >= 3 and correct == len(choices) - 1:
            warnings.append((question.line, _(
                "Question \"%(key)s\": every choice but one is correct, so spotting the odd one "
                "out is enough. Make at least two choices wrong.", key=question.key)))
        if correct > len(choices) - correct:
            outnumbering.append(question)
    if multiples and Fraction(len(outnumbering), len(multiples)) > rules.max_outnumbering_share:
        warnings.append((line, _(
            "In %(count)d of %(total)d multiple-response questions the correct choices outnumber "
            "the wrong ones: %(keys)s. Balance them so \"tick most of them\" does not pay.",
            count=len(outnumbering), total=len(multiples),
            keys=", ".join(q.key for q in outnumbering))))
    return warnings


def true_false_counts(true_false) -> tuple[int, int]:
    trues = sum(1 for q in true_false if q.payload.get("answer") is True)
    return trues, len(true_false) - trues


def _true_false_balance(true_false, rules: LintRules, line):
    if not true_false:
        return []
    trues, falses = true_false_counts(true_false)
    rarer = min(trues, falses)
    if rarer >= rules.min_true_false_each and \
            Fraction(rarer, len(true_false)) >= rules.min_true_false_share:
        return []
    return [(line, _(
        "True/false keys lean one way: %(trues)d true and %(falses)d false. Have at least "
        "%(each)d of each, and the rarer at least %(share)s of the true/false questions.",
        trues=trues, falses=falses, each=rules.min_true_false_each,
        share=_fraction(rules.min_true_false_share)))]


def _fraction(value: Fraction) -> str:
    """1/3 stays "1/3"; 3/10 reads "30%"."""
    return f"{value.numerator}/{value.denominator}" if value.denominator == 3 else f"{float(value):.0%}"
