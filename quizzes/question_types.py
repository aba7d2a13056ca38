"""Pluggable question types.

Each question type is a class with class-level behaviour (no instance state),
registered in a `QuestionTypeRegistry`. There is deliberately no module-global
registry: every Flask app builds its own with `default_registry()` and may add
its own types, so tests and apps never leak registrations into each other.

Types work with their own *option values* (choice ids, "true"/"false"). Those never
reach a page: each attempt gets random tokens for them (`quizzes.attempt_options`), the
page shows tokens, and the posted tokens are mapped back to values before
`response_from_form` sees the form. A type takes part by returning its values from
`option_values` and listing them in its public view as ``choices`` (``{"id", "text"}``).

A type also brings how it is shown and reviewed, so a host's type needs no edit of the
LMS's templates: ``template`` is the Jinja file rendering its input inside the question
page's fieldset (it receives ``view``, ``saved``, ``question`` and ``max_answer_chars``,
and must show only the public view: never a key), and ``describe_answer``,
``describe_correct`` and ``feedback_for`` give the review page's text, after grading.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

from lms.i18n import localized
from quizzes import attempt_options, grading
from quizzes.grading import Grade

Payload = Mapping[str, Any]
Settings = Mapping[str, Any] | None
ChoiceOrder = Iterable[str] | None


#: The review's text for a question left unanswered.
NO_ANSWER = "—"


def _number_text(value: float) -> str:
    return f"{value:g}"


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _is_localised(value: Any) -> bool:
    """A non-empty dict of language code -> non-empty string."""
    return (
        isinstance(value, Mapping)
        and bool(value)
        and all(isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in value.items())
    )


def _check_feedback(value: Any, where: str) -> list[str]:
    if value is None or _is_localised(value):
        return []
    return [f"{where}: feedback must be null or a non-empty dict of language -> text"]


class QuestionType:
    """Base class: subclasses set the class attributes and override what differs."""

    name: ClassVar[str] = ""
    label: ClassVar[dict[str, str]] = {}
    has_choices: ClassVar[bool] = False
    # The key under which response_from_form stores the submitted value.
    response_key: ClassVar[str] = "value"
    #: Whether the options are shown in a new random order in each attempt (when the
    #: quiz's ``shuffle_choices`` is on). True/False keep their usual order.
    shuffle_options: ClassVar[bool] = True
    #: The template of the type's input on the question page (see the module docstring).
    template: ClassVar[str] = "lms/quizzes/types/text.html"
    #: False for information items: never drawn into an attempt, never scored.
    graded: ClassVar[bool] = True

    @classmethod
    def describe_answer(cls, payload: Payload, answer: Mapping[str, Any] | None, lang: str) -> str:
        """The learner's answer as readable text for the review ("—" when none was given)."""
        value = (answer or {}).get(cls.response_key)
        return str(value) if value not in (None, "") else NO_ANSWER

    @classmethod
    def describe_correct(cls, payload: Payload, lang: str) -> str:
        """The correct answer as readable text for the review ("" when it cannot be told)."""
        return ""

    @classmethod
    def feedback_for(cls, payload: Payload, answer: Mapping[str, Any] | None, lang: str) -> list[str]:
        """Feedback the answer earns (e.g. the picked choices' feedback), for the review."""
        return []

    @classmethod
    def answer_items(cls, payload: Payload, answer: Mapping[str, Any] | None, lang: str) -> list[str]:
        """The learner's answer as a list for the review, one item per picked option
        (empty when none was given). Default: ``describe_answer`` as one item."""
        text = cls.describe_answer(payload, answer, lang)
        return [text] if text and text != NO_ANSWER else []

    @classmethod
    def correct_items(cls, payload: Payload, lang: str) -> list[str]:
        """The correct answer as a list for the review and the author's preview.
        Default: ``describe_correct`` as one item."""
        text = cls.describe_correct(payload, lang)
        return [text] if text else []

    @classmethod
    def option_values(cls, payload: Payload) -> list[str]:
        """The values the learner picks among (empty for typed answers).

        Each attempt replaces them with random tokens on the page, so neither a value nor
        its position tells anything about the key."""
        return []

    @classmethod
    def max_picks(cls, payload: Payload) -> int:
        """How many options one answer may hold."""
        return 1

    @classmethod
    def chosen_values(cls, response: Any) -> list[str]:
        """The option values a stored response holds (to show it checked again)."""
        return []

    @classmethod
    def validate(cls, payload: Any) -> list[str]:
        """English messages describing what is wrong with ``payload``; empty when valid."""
        if not isinstance(payload, Mapping):
            return ["payload must be an object"]
        # A missing-word question (GIFT): its text holds the blank where the answer goes.
        if not isinstance(payload.get("blank", False), bool):
            return ["blank must be true or false"]
        return []

    @classmethod
    def tokenise(cls, payload: Payload, view: dict[str, Any], pairs: list[list[str]],
                 answer: Mapping[str, Any] | None) -> dict[str, Any]:
        """The public view with each option value replaced by this attempt's token
        (``pairs``: [[token, value], …] in display order), ``checked`` from the answer."""
        return attempt_options.tokenise_view(view, pairs, cls.chosen_values(answer or {}))

    @classmethod
    def response_from_tokens(cls, payload: Payload, form: Any, field_name: str,
                             pairs: list[list[str]]) -> dict[str, Any] | None:
        """A type whose page has several inputs reads them here (tokens mapped back
        with ``attempt_options.values_of``, which raises UnknownOption); None, the
        default, reads the one ``field_name`` input the standard way."""
        return None

    @classmethod
    def grade(cls, payload: Payload, response: Any, settings: Settings = None) -> Grade:
        """Score ``response``; settings is e.g. {"multiple_scoring": "partial"}."""
        raise NotImplementedError

    @classmethod
    def public_view(
        cls, payload: Payload, choice_order: ChoiceOrder = None, lang: str = "vi"
    ) -> dict[str, Any]:
        """What the learner page may see: never answers, weights or feedback."""
        return {"type": cls.name}

    @classmethod
    def response_from_form(cls, form: Any, field_name: str) -> dict[str, Any]:
        """Build a response dict from a MultiDict-like form (``.get``/``.getlist``)."""
        value = form.get(field_name)
        return {cls.response_key: value} if isinstance(value, str) and value else {}


class _ChoiceType(QuestionType):
    """Shared behaviour of single and multiple choice."""

    has_choices = True
    max_correct: ClassVar[int | None] = None

    @classmethod
    def option_values(cls, payload: Payload) -> list[str]:
        return [c["id"] for c in payload.get("choices", [])
                if isinstance(c, Mapping) and isinstance(c.get("id"), str)]

    @classmethod
    def validate(cls, payload: Any) -> list[str]:
        errors = super().validate(payload)
        if errors:
            return errors
        choices = payload.get("choices")
        if not isinstance(choices, list) or len(choices) < 2:
            return ["choices must be a list of at least 2 choices"]
        seen: set[str] = set()
        for number, choice in enumerate(choices, start=1):
            errors += cls._validate_choice(choice, f"choice {number}", seen)
        if errors:
            return errors
        return cls._validate_correctness(choices)

    @classmethod
    def _validate_choice(cls, choice: Any, where: str, seen: set[str]) -> list[str]:
        if not isinstance(choice, Mapping):
            return [f"{where} must be an object"]
        errors = []
        cid = choice.get("id")
        if not isinstance(cid, str) or not cid:
            errors.append(f"{where}: id must be a non-empty string")
        elif cid in seen:
            errors.append(f"{where}: duplicate id {cid!r}")
        else:
            seen.add(cid)
        if not _is_localised(choice.get("text")):
            errors.append(f"{where}: text must be a non-empty dict of language -> text")
        if not isinstance(choice.get("correct"), bool):
            errors.append(f"{where}: correct must be true or false")
        return errors + _check_feedback(choice.get("feedback"), where)

    @classmethod
    def _validate_correctness(cls, choices: list[Mapping[str, Any]]) -> list[str]:
        correct = sum(1 for c in choices if c["correct"])
        if correct < 1 or (cls.max_correct is not None and correct > cls.max_correct):
            wanted = "exactly one" if cls.max_correct == 1 else "at least one"
            return [f"{wanted} choice must be correct, found {correct}"]
        return []

    @classmethod
    def public_view(
        cls, payload: Payload, choice_order: ChoiceOrder = None, lang: str = "vi"
    ) -> dict[str, Any]:
        stored = [c for c in payload.get("choices", []) if isinstance(c, Mapping)]
        by_id = {c["id"]: c for c in stored if isinstance(c.get("id"), str)}
        # dict.fromkeys drops repeated ids, so a tampered order cannot duplicate a choice.
        order = list(dict.fromkeys(cid for cid in (choice_order or []) if cid in by_id))
        # Choices missing from a stale stored order are appended, never hidden.
        order += [cid for cid in by_id if cid not in order]
        choices = [{"id": cid, "text": localized(by_id[cid].get("text"), lang)} for cid in order]
        return {"type": cls.name, "choices": choices}

    @classmethod
    def _choice_texts(cls, payload: Payload, lang: str) -> dict[str, str]:
        return {c["id"]: localized(c["text"], lang) for c in payload.get("choices", [])}

    @classmethod
    def describe_correct(cls, payload: Payload, lang: str) -> str:
        return "; ".join(cls.correct_items(payload, lang))

    @classmethod
    def correct_items(cls, payload: Payload, lang: str) -> list[str]:
        return [localized(c["text"], lang) for c in payload.get("choices", []) if c.get("correct")]

    @classmethod
    def answer_items(cls, payload: Payload, answer: Mapping[str, Any] | None, lang: str) -> list[str]:
        texts = cls._choice_texts(payload, lang)
        return [texts[value] for value in cls.chosen_values(answer or {}) if value in texts]

    @classmethod
    def feedback_for(cls, payload: Payload, answer: Mapping[str, Any] | None, lang: str) -> list[str]:
        picked = set(cls.chosen_values(answer or {}))
        return [localized(c["feedback"], lang) for c in payload.get("choices", [])
                if c["id"] in picked and c.get("feedback")]


class SingleChoice(_ChoiceType):
    """One correct choice among several (radio buttons)."""

    name = "single"
    label: ClassVar[dict[str, str]] = {"vi": "Một lựa chọn đúng", "en": "Single choice"}
    max_correct = 1
    response_key = "choice"
    template = "lms/quizzes/types/one_option.html"

    @classmethod
    def describe_answer(cls, payload: Payload, answer: Mapping[str, Any] | None, lang: str) -> str:
        return cls._choice_texts(payload, lang).get((answer or {}).get("choice"), NO_ANSWER)

    @classmethod
    def _validate_correctness(cls, choices: list[Mapping[str, Any]]) -> list[str]:
        """Moodle's partial credit (GIFT ``~%50%``): with weights, the one correct choice
        weighs 100 and each other choice less (down to -100; a score never drops below 0)."""
        errors = super()._validate_correctness(choices)
        weighted = [c for c in choices if "weight" in c]
        if not weighted or errors:
            return errors
        if len(weighted) != len(choices):
            return ["either every choice has a weight or none does"]
        for number, choice in enumerate(choices, start=1):
            weight = choice["weight"]
            if not _is_number(weight) or not -100 <= weight <= 100:
                errors.append(f"choice {number}: weight must be a number from -100 to 100")
            elif (weight == 100) != choice["correct"]:
                errors.append(f"choice {number}: correct must be true iff weight is 100")
        return errors

    @classmethod
    def grade(cls, payload: Payload, response: Any, settings: Settings = None) -> Grade:
        return grading.grade_single(payload, response)

    @classmethod
    def chosen_values(cls, response: Any) -> list[str]:
        value = response.get("choice") if isinstance(response, Mapping) else None
        return [value] if isinstance(value, str) else []


class MultipleChoice(_ChoiceType):
    """Any number of correct choices (checkboxes), optionally GIFT-weighted."""

    name = "multiple"
    label: ClassVar[dict[str, str]] = {"vi": "Nhiều lựa chọn đúng", "en": "Multiple choice"}
    template = "lms/quizzes/types/many_options.html"

    @classmethod
    def describe_answer(cls, payload: Payload, answer: Mapping[str, Any] | None, lang: str) -> str:
        return "; ".join(cls.answer_items(payload, answer, lang)) or NO_ANSWER

    @classmethod
    def _validate_correctness(cls, choices: list[Mapping[str, Any]]) -> list[str]:
        errors = super()._validate_correctness(choices)
        weighted = [c for c in choices if "weight" in c]
        if not weighted or errors:
            return errors
        if len(weighted) != len(choices):
            return ["either every choice has a weight or none does"]
        for number, choice in enumerate(choices, start=1):
            weight = choice["weight"]
            if not _is_number(weight) or not -100 <= weight <= 100:
                errors.append(f"choice {number}: weight must be a number from -100 to 100")
            elif (weight > 0) != choice["correct"]:
                errors.append(f"choice {number}: correct must be true iff weight is positive")
        positive = sum(c["weight"] for c in choices if _is_number(c["weight"]) and c["weight"] > 0)
        if not errors and abs(positive - 100) > grading.WEIGHT_SUM_TOLERANCE:
            errors.append(f"positive weights must add up to 100, found {positive:g}")
        return errors

    @classmethod
    def grade(cls, payload: Payload, response: Any, settings: Settings = None) -> Grade:
        scoring = (settings or {}).get("multiple_scoring", "all_or_nothing")
        return grading.grade_multiple(payload, response, scoring)

    @classmethod
    def response_from_form(cls, form: Any, field_name: str) -> dict[str, Any]:
        picked = [value for value in form.getlist(field_name) if isinstance(value, str) and value]
        # A tampered form may repeat a checkbox; count each choice once.
        return {"choices": list(dict.fromkeys(picked))}

    @classmethod
    def max_picks(cls, payload: Payload) -> int:
        return len(cls.option_values(payload))

    @classmethod
    def chosen_values(cls, response: Any) -> list[str]:
        picked = response.get("choices") if isinstance(response, Mapping) else None
        return [value for value in picked if isinstance(value, str)] if isinstance(picked, list) else []


class TrueFalse(QuestionType):
    """A statement the learner marks true or false."""

    name = "true_false"
    label: ClassVar[dict[str, str]] = {"vi": "Đúng/Sai", "en": "True/False"}
    shuffle_options = False  # "True" first, as everywhere; the tokens hide which is which
    template = "lms/quizzes/types/one_option.html"
    _options: ClassVar[dict[str, dict[str, str]]] = {
        "true": {"vi": "Đúng", "en": "True"},
        "false": {"vi": "Sai", "en": "False"},
    }

    @classmethod
    def _word(cls, value: Any, lang: str) -> str:
        return localized(cls._options["true" if value else "false"], lang)

    @classmethod
    def describe_answer(cls, payload: Payload, answer: Mapping[str, Any] | None, lang: str) -> str:
        value = (answer or {}).get("value")
        return NO_ANSWER if value is None else cls._word(value, lang)

    @classmethod
    def describe_correct(cls, payload: Payload, lang: str) -> str:
        return cls._word(payload.get("answer"), lang)

    @classmethod
    def validate(cls, payload: Any) -> list[str]:
        errors = super().validate(payload)
        if errors:
            return errors
        if not isinstance(payload.get("answer"), bool):
            errors.append("answer must be true or false")
        for key in ("feedback_true", "feedback_false"):
            errors += _check_feedback(payload.get(key), key)
        return errors

    @classmethod
    def grade(cls, payload: Payload, response: Any, settings: Settings = None) -> Grade:
        return grading.grade_true_false(payload, response)

    @classmethod
    def public_view(
        cls, payload: Payload, choice_order: ChoiceOrder = None, lang: str = "vi"
    ) -> dict[str, Any]:
        choices = [
            {"id": key, "text": localized(name, lang)} for key, name in cls._options.items()
        ]
        return {"type": cls.name, "choices": choices}

    @classmethod
    def response_from_form(cls, form: Any, field_name: str) -> dict[str, Any]:
        value = form.get(field_name)
        return {"value": value == "true"} if value in ("true", "false") else {}

    @classmethod
    def option_values(cls, payload: Payload) -> list[str]:
        return list(cls._options)

    @classmethod
    def chosen_values(cls, response: Any) -> list[str]:
        value = response.get("value") if isinstance(response, Mapping) else None
        return [("true" if value else "false")] if isinstance(value, bool) else []


class _AnswerListType(QuestionType):
    """Shared validation for types graded against a list of accepted answers."""

    @classmethod
    def validate(cls, payload: Any) -> list[str]:
        errors = super().validate(payload)
        if errors:
            return errors
        answers = payload.get("answers")
        if not isinstance(answers, list) or not answers:
            return ["answers must be a non-empty list"]
        for number, answer in enumerate(answers, start=1):
            where = f"answer {number}"
            if not isinstance(answer, Mapping):
                errors.append(f"{where} must be an object")
                continue
            errors += cls._validate_answer(answer, where)
            fraction = answer.get("fraction", 1.0)
            if not _is_number(fraction) or not 0 <= fraction <= 1:
                errors.append(f"{where}: fraction must be a number from 0 to 1")
            errors += _check_feedback(answer.get("feedback"), where)
        if not errors and not any(a.get("fraction", 1.0) == 1 for a in answers):
            errors.append("at least one answer must have fraction 1")
        return errors

    @classmethod
    def _validate_answer(cls, answer: Mapping[str, Any], where: str) -> list[str]:
        raise NotImplementedError


class ShortAnswer(_AnswerListType):
    """A typed word or phrase compared after normalisation."""

    name = "short_answer"
    label: ClassVar[dict[str, str]] = {"vi": "Trả lời ngắn", "en": "Short answer"}
    response_key = "text"

    @classmethod
    def validate(cls, payload: Any) -> list[str]:
        errors = super().validate(payload)
        flag = payload.get("ignore_diacritics", False) if isinstance(payload, Mapping) else False
        if not isinstance(flag, bool):
            errors.append("ignore_diacritics must be true or false")
        return errors

    @classmethod
    def _validate_answer(cls, answer: Mapping[str, Any], where: str) -> list[str]:
        text = answer.get("text")
        if not isinstance(text, str) or not grading.normalise_answer_text(text):
            return [f"{where}: text must be a non-empty string"]
        return []

    @classmethod
    def grade(cls, payload: Payload, response: Any, settings: Settings = None) -> Grade:
        return grading.grade_short_answer(payload, response)

    @classmethod
    def describe_correct(cls, payload: Payload, lang: str) -> str:
        return " / ".join(a["text"] for a in payload.get("answers", []) if a.get("fraction", 0) >= 1)


class Numeric(_AnswerListType):
    """A number, accepted within a tolerance of one of the answers."""

    name = "numeric"
    label: ClassVar[dict[str, str]] = {"vi": "Trả lời bằng số", "en": "Numeric"}
    template = "lms/quizzes/types/number.html"

    @classmethod
    def describe_correct(cls, payload: Payload, lang: str) -> str:
        parts = []
        for item in payload.get("answers", []):
            value = _number_text(item["value"])
            parts.append(f"{value} ± {_number_text(item['tolerance'])}" if item.get("tolerance") else value)
        return " / ".join(parts)

    @classmethod
    def _validate_answer(cls, answer: Mapping[str, Any], where: str) -> list[str]:
        errors = []
        if not _is_number(answer.get("value")):
            errors.append(f"{where}: value must be a finite number")
        tolerance = answer.get("tolerance", 0.0)
        if not _is_number(tolerance) or tolerance < 0:
            errors.append(f"{where}: tolerance must be a number >= 0")
        return errors

    @classmethod
    def grade(cls, payload: Payload, response: Any, settings: Settings = None) -> Grade:
        return grading.grade_numeric(payload, response)


class QuestionTypeRegistry:
    """Question types by name; one instance per application."""

    def __init__(self) -> None:
        self._types: dict[str, type[QuestionType]] = {}

    def register(self, cls: type[QuestionType]) -> type[QuestionType]:
        """Add ``cls``; returns it so this can be used as a class decorator."""
        if not cls.name:
            raise ValueError(f"{cls.__name__} has no name")
        if cls.name in self._types:
            raise ValueError(f"question type {cls.name!r} is already registered")
        self._types[cls.name] = cls
        return cls

    def get(self, name: str) -> type[QuestionType]:
        """The type called ``name``; KeyError naming the known types otherwise."""
        try:
            return self._types[name]
        except KeyError:
            known = ", ".join(self.names()) or "none"
            raise KeyError(f"unknown question type {name!r} (known: {known})") from None

    def names(self) -> list[str]:
        """Registered names in registration order."""
        return list(self._types)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name in self._types


class Description(QuestionType):
    """An information item (GIFT text without answers): shown before the quiz, never
    drawn into an attempt, never graded."""

    name = "description"
    label: ClassVar[dict[str, str]] = {"vi": "Thông tin (không tính điểm)", "en": "Information (not graded)"}
    graded = False

    @classmethod
    def grade(cls, payload: Payload, response: Any, settings: Settings = None) -> Grade:
        return grading.ZERO


def builtin_types() -> tuple[type[QuestionType], ...]:
    """The built-in types, in the order shown to authors."""
    from quizzes.matching import Matching  # built on this module's classes

    return (SingleChoice, MultipleChoice, TrueFalse, ShortAnswer, Numeric, Matching, Description)


def default_registry() -> QuestionTypeRegistry:
    """A new registry holding the built-in types."""
    registry = QuestionTypeRegistry()
    for cls in builtin_types():
        registry.register(cls)
    return registry
