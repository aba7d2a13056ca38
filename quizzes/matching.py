"""Matching questions (Moodle's matching type, GIFT ``=prompt -> answer``).

Payload::

    {"pairs": [{"id": "m1", "prompt": {"vi": "Phishing"}, "answer": {"vi": "thư giả mạo"}},
               …,
               {"id": "m4", "prompt": None, "answer": {"vi": "…"}}]}   # an extra wrong answer

The learner gives each prompt one answer from a select (no JavaScript needed). What the
page shows tells nothing of the key:

- the options are this attempt's tokens (``quizzes.attempt_options``), listed in the
  same order — by their text — in every select;
- the prompts come in the order of the attempt's shuffled option list (drawn on the
  server when the attempt starts), so their order is random and unrelated to the
  options' order;
- each select is named by its position (``answer-1``, ``answer-2`` …), never by a pair.

Two prompts may share an answer ("mammal"): the answer is offered once, and grading
compares answers by their text, one point per prompt (``grading.grade_matching``).
"""
from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from lms.i18n import localized
from quizzes import attempt_options, grading
from quizzes.grading import Grade
from quizzes.question_types import (NO_ANSWER, ChoiceOrder, Payload, QuestionType, Settings,
                                    _is_localised)

#: Fewest prompts a matching question needs (Moodle asks for two questions too).
MIN_PROMPTS = 2


def _pairs(payload: Payload) -> list[Mapping[str, Any]]:
    pairs = payload.get("pairs") if isinstance(payload, Mapping) else None
    return [p for p in pairs or [] if isinstance(p, Mapping) and isinstance(p.get("id"), str)]


def _answer_key(answer: Any) -> tuple:
    return tuple(sorted(answer.items())) if isinstance(answer, Mapping) else ()


def _canonical_ids(payload: Payload) -> dict[tuple, str]:
    """Each distinct answer -> the id of the first pair holding it (the option's value)."""
    ids: dict[tuple, str] = {}
    for pair in _pairs(payload):
        ids.setdefault(_answer_key(pair.get("answer")), pair["id"])
    return ids


def prompt_order(payload: Payload, option_order: Sequence[str]) -> list[Mapping[str, Any]]:
    """The prompted pairs in the order of their answers' options in ``option_order``
    (the attempt's shuffled list); prompts sharing an answer keep the written order."""
    canonical = _canonical_ids(payload)
    rank = {value: index for index, value in enumerate(option_order)}
    prompts = [p for p in _pairs(payload) if p.get("prompt")]
    return sorted(prompts, key=lambda p: rank.get(canonical[_answer_key(p.get("answer"))], len(rank)))


def _sort_key(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


class Matching(QuestionType):
    """Give each prompt its answer; graded per pair."""

    name = "matching"
    label: ClassVar[dict[str, str]] = {"vi": "Ghép cặp", "en": "Matching"}
    template = "lms/quizzes/types/matching.html"

    @classmethod
    def validate(cls, payload: Any) -> list[str]:
        errors = super().validate(payload)
        if errors:
            return errors
        pairs = payload.get("pairs")
        if not isinstance(pairs, list):
            return ["pairs must be a list"]
        seen: set[str] = set()
        for number, pair in enumerate(pairs, start=1):
            where = f"pair {number}"
            if not isinstance(pair, Mapping):
                errors.append(f"{where} must be an object")
                continue
            pid = pair.get("id")
            if not isinstance(pid, str) or not pid or pid in seen:
                errors.append(f"{where}: id must be a non-empty string, unique in the question")
            seen.add(pid if isinstance(pid, str) else "")
            if pair.get("prompt") is not None and not _is_localised(pair.get("prompt")):
                errors.append(f"{where}: prompt must be null or a non-empty dict of language -> text")
            if not _is_localised(pair.get("answer")):
                errors.append(f"{where}: answer must be a non-empty dict of language -> text")
        prompted = sum(1 for p in pairs if isinstance(p, Mapping) and p.get("prompt"))
        if not errors and prompted < MIN_PROMPTS:
            errors.append(f"a matching question needs at least {MIN_PROMPTS} pairs with a prompt")
        return errors

    @classmethod
    def grade(cls, payload: Payload, response: Any, settings: Settings = None) -> Grade:
        return grading.grade_matching(payload, response)

    # --- options and the page ----------------------------------------------------------

    @classmethod
    def option_values(cls, payload: Payload) -> list[str]:
        return list(_canonical_ids(payload).values())

    @classmethod
    def max_picks(cls, payload: Payload) -> int:
        return sum(1 for p in _pairs(payload) if p.get("prompt"))

    @classmethod
    def chosen_values(cls, response: Any) -> list[str]:
        matches = response.get("matches") if isinstance(response, Mapping) else None
        return [v for v in matches.values() if isinstance(v, str)] if isinstance(matches, Mapping) else []

    @classmethod
    def _option_texts(cls, payload: Payload, lang: str) -> dict[str, str]:
        by_id = {p["id"]: p for p in _pairs(payload)}
        return {value: localized(by_id[value].get("answer"), lang) for value in cls.option_values(payload)}

    @classmethod
    def public_view(cls, payload: Payload, choice_order: ChoiceOrder = None,
                    lang: str = "vi") -> dict[str, Any]:
        texts = cls._option_texts(payload, lang)
        order = [value for value in (choice_order or []) if value in texts] or list(texts)
        choices = sorted(({"id": value, "text": text} for value, text in texts.items()),
                         key=lambda choice: _sort_key(choice["text"]))
        prompts = [{"text": localized(p.get("prompt"), lang)} for p in prompt_order(payload, order)]
        return {"type": cls.name, "prompts": prompts, "choices": choices}

    @classmethod
    def tokenise(cls, payload: Payload, view: dict[str, Any], pairs: list[list[str]],
                 answer: Mapping[str, Any] | None) -> dict[str, Any]:
        token_of = {value: token for token, value in pairs}
        matches = (answer or {}).get("matches") or {}
        order = [value for _, value in pairs]
        prompts = [{"text": shown["text"], "selected": token_of.get(matches.get(pair["id"]))}
                   for shown, pair in zip(view["prompts"], prompt_order(payload, order), strict=True)]
        choices = [{"token": token_of[c["id"]], "text": c["text"]} for c in view["choices"]
                   if c["id"] in token_of]
        return {"type": cls.name, "prompts": prompts, "choices": choices}

    @classmethod
    def response_from_tokens(cls, payload: Payload, form: Any, field_name: str,
                             pairs: list[list[str]]) -> dict[str, Any]:
        prompts = prompt_order(payload, [value for _, value in pairs])
        matches = {}
        for position, pair in enumerate(prompts, start=1):
            token = form.get(f"{field_name}-{position}")
            if isinstance(token, str) and token:
                matches[pair["id"]] = attempt_options.values_of([token], pairs)[0]
        return {"matches": matches}

    # --- the review (after grading) ----------------------------------------------------

    @classmethod
    def answer_items(cls, payload: Payload, answer: Mapping[str, Any] | None, lang: str) -> list[str]:
        matches = (answer or {}).get("matches") if isinstance(answer, Mapping) else None
        if not isinstance(matches, Mapping) or not matches:
            return []
        texts = cls._option_texts(payload, lang)
        return [f"{localized(p['prompt'], lang)} → {texts.get(matches.get(p['id']), NO_ANSWER)}"
                for p in _pairs(payload) if p.get("prompt")]

    @classmethod
    def describe_answer(cls, payload: Payload, answer: Mapping[str, Any] | None, lang: str) -> str:
        return "; ".join(cls.answer_items(payload, answer, lang)) or NO_ANSWER

    @classmethod
    def correct_items(cls, payload: Payload, lang: str) -> list[str]:
        return [f"{localized(p['prompt'], lang)} → {localized(p['answer'], lang)}"
                for p in _pairs(payload) if p.get("prompt")]

    @classmethod
    def describe_correct(cls, payload: Payload, lang: str) -> str:
        return "; ".join(cls.correct_items(payload, lang))
