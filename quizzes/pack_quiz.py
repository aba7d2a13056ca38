"""Reading a content pack's quiz.yaml into quiz settings and question payloads.

Each problem is reported as (line, message) so the pack loader can name file and line.
Payload shapes are those of :mod:`quizzes.grading`; the app's question-type registry
validates them, so a host's own types work in packs too.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from courses.yaml_lines import line_of
from lms.i18n import _

# \Z: "$" would let a final "\n" in; at most 80 characters: the column's length.
QUESTION_KEY = re.compile(r"^(?=.{1,80}\Z)[a-z0-9]+(?:-[a-z0-9]+)*\Z")
#: A question's lesson is stored as this tag ("lesson-02") in the question's tags, so it
#: needs no column of its own and ``questions_per_tag`` can draw so many per lesson.
LESSON_TAG = re.compile(r"^lesson-(\d+)\Z")
CHOICE_IDS = "abcdefghij"
REVIEW_POLICIES = ("never", "after_passing", "after_last_attempt")
SCORING_MODES = ("all_or_nothing", "partial")
LANGUAGES = ("vi", "en")

#: Inclusive bounds of the whole-number settings: a time limit of at most 10 hours, at most
#: 100 attempts, a wait of at most 7 days. Anything larger is a mistake (and 10**20
#: minutes cannot even be added to a date).
SETTING_BOUNDS = {
    "time_limit_minutes": (1, 600),
    "max_attempts": (1, 100),
    "wait_minutes": (0, 7 * 24 * 60),
}

DEFAULT_SETTINGS = {
    "questions_per_attempt": None, "questions_per_tag": None,
    "shuffle_questions": True, "shuffle_choices": True,
    "time_limit_minutes": None, "max_attempts": None, "wait_minutes": 0,
    "review": "after_passing", "multiple_scoring": "all_or_nothing",
}


@dataclass
class PackQuestion:
    key: str
    type: str
    text: dict
    payload: dict
    explanation: dict
    tags: list = field(default_factory=list)  # includes lesson_tag(lesson) when there is one
    lesson: int | None = None  # the lesson number (``lesson: N``) the question tests
    line: int | None = None  # where the question starts in quiz.yaml
    lesson_line: int | None = None  # where its ``lesson`` key is


def lesson_tag(number: int) -> str:
    """The tag that stores a question's lesson: ``lesson_tag(2) == "lesson-02"``."""
    return f"lesson-{number:02d}"


def lesson_of(tags) -> int | None:
    """The lesson number stored in a question's tags, if any."""
    for tag in tags or ():
        match = LESSON_TAG.match(tag) if isinstance(tag, str) else None
        if match:
            return int(match[1])
    return None


@dataclass
class PackQuiz:
    settings: dict
    questions: list[PackQuestion]


def read_quiz(data: Any, lines: dict, question_types) -> tuple[PackQuiz | None, list[tuple[int | None, str]]]:
    errors: list[tuple[int | None, str]] = []

    def fail(path: tuple, message: str) -> None:
        errors.append((line_of(lines, path), message))

    if not isinstance(data, dict):
        fail((), _("quiz.yaml must hold a mapping with \"settings\" and \"questions\"."))
        return None, errors
    for key in data:
        if key not in ("settings", "questions"):
            fail((key,), _("Unknown key \"%(key)s\".", key=key))
    questions = _read_questions(data.get("questions"), question_types, fail, lines)
    # The pool as written: an invalid question has its own error, not a second one here.
    pool_size = len(data["questions"]) if isinstance(data.get("questions"), list) else 0
    settings = _read_settings(data.get("settings") or {}, pool_size, fail)
    if not errors and settings.get("questions_per_tag"):
        _check_tags_can_be_filled(settings["questions_per_tag"], questions, fail,
                                  drawn=settings.get("questions_per_attempt"))
    return (PackQuiz(settings, questions) if not errors else None), errors


def _read_settings(raw: Any, pool_size: int, fail) -> dict:
    if not isinstance(raw, dict):
        fail(("settings",), _("\"settings\" must be a mapping."))
        return dict(DEFAULT_SETTINGS)
    settings = dict(DEFAULT_SETTINGS)
    for key, value in raw.items():
        path = ("settings", key)
        if key not in DEFAULT_SETTINGS:
            fail(path, _("Unknown setting \"%(key)s\".", key=key))
        elif key == "questions_per_tag":
            if not isinstance(value, dict) or not all(
                    isinstance(tag, str) and _is_whole(count, minimum=1) for tag, count in value.items()):
                fail(path, _("\"questions_per_tag\" must map tags to whole numbers of at least 1."))
        elif key.startswith("shuffle_"):
            if not isinstance(value, bool):
                fail(path, _("\"%(key)s\" must be true or false.", key=key))
        elif key == "review":
            if value not in REVIEW_POLICIES:
                fail(path, _("\"review\" must be one of: %(values)s.", values=", ".join(REVIEW_POLICIES)))
        elif key == "multiple_scoring":
            if value not in SCORING_MODES:
                fail(path, _("\"multiple_scoring\" must be one of: %(values)s.", values=", ".join(SCORING_MODES)))
        elif key in SETTING_BOUNDS:
            low, high = SETTING_BOUNDS[key]
            if not _is_whole(value, minimum=low) or value > high:
                fail(path, _("\"%(key)s\" must be a whole number from %(minimum)d to %(maximum)d.",
                             key=key, minimum=low, maximum=high))
        elif not _is_whole(value, minimum=1):
            fail(path, _("\"%(key)s\" must be a whole number of at least %(minimum)d.",
                         key=key, minimum=1))
        settings[key] = value
    drawn = settings["questions_per_attempt"]
    if isinstance(drawn, int) and pool_size and drawn > pool_size:
        fail(("settings", "questions_per_attempt"), _(
            "questions_per_attempt is %(drawn)d but the pool has only %(pool)d questions.",
            drawn=drawn, pool=pool_size))
    return settings


def _check_tags_can_be_filled(per_tag: dict, questions: list[PackQuestion], fail, *,
                              drawn: int | None) -> None:
    """Every attempt must get its full set: each tag needs that many questions, and a
    question with two tags counts for one of them only (the draw never repeats one).
    With ``questions_per_attempt`` given too (the quiz page announces it), the counts
    must add up to it."""
    from quizzes.drawing import PoolQuestion, fill_count

    pool = [PoolQuestion(index, tuple(q.tags)) for index, q in enumerate(questions)]
    for tag, count in per_tag.items():
        found = sum(1 for q in questions if tag in q.tags)
        if found < count:
            fail(("settings", "questions_per_tag", tag), _(
                "questions_per_tag asks for %(count)d questions tagged \"%(tag)s\" but the pool "
                "has %(found)d.", count=count, tag=tag, found=found))
            return
    wanted = sum(per_tag.values())
    filled = fill_count(pool, list(per_tag.items()), set())
    if filled < wanted:
        fail(("settings", "questions_per_tag"), _(
            "questions_per_tag asks for %(wanted)d questions in all, but a question counts for "
            "one tag only and the pool can fill just %(filled)d of them.", wanted=wanted, filled=filled))
    if _is_whole(drawn, minimum=1) and wanted != drawn:
        fail(("settings", "questions_per_tag"), _(
            "questions_per_tag draws %(total)d questions but questions_per_attempt is %(drawn)d: "
            "make them agree.", total=wanted, drawn=drawn))


def _is_whole(value: Any, minimum: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= minimum


def _read_questions(raw: Any, question_types, fail, lines: dict) -> list[PackQuestion]:
    if not isinstance(raw, list) or not raw:
        fail(("questions",), _("\"questions\" must be a non-empty list."))
        return []
    questions, seen = [], set()
    for index, item in enumerate(raw):
        question = _read_question(item, ("questions", index), question_types, fail, lines)
        if question is None:
            continue
        if question.key in seen:
            fail(("questions", index, "id"), _("Duplicate question id \"%(key)s\".", key=question.key))
        seen.add(question.key)
        questions.append(question)
    return questions


def _localised(value: Any, path: tuple, what: str, fail) -> dict | None:
    if not isinstance(value, dict) or any(
            not isinstance(value.get(lang), str) or not value.get(lang).strip() for lang in LANGUAGES):
        fail(path, _("%(what)s needs non-empty text in Vietnamese (vi) and English (en).", what=what))
        return None
    return {lang: value[lang].strip() for lang in LANGUAGES}


def _read_question(item: Any, path: tuple, question_types, fail, lines: dict) -> PackQuestion | None:
    if not isinstance(item, dict):
        fail(path, _("A question must be a mapping."))
        return None
    key = item.get("id")
    if not isinstance(key, str) or not QUESTION_KEY.match(key):
        fail(path + ("id",), _("A question id must be lowercase letters, digits and '-'."))
        return None
    kind = item.get("type")
    if kind not in question_types:
        fail(path + ("type",), _("Unknown question type \"%(type)s\"; known: %(known)s.",
                                 type=kind, known=", ".join(question_types.names())))
        return None
    text = _localised(item.get("text"), path + ("text",), _("The question text"), fail)
    explanation = _localised(item.get("explanation"), path + ("explanation",),
                             _("The explanation"), fail)
    payload = _PAYLOAD_BUILDERS.get(kind, _payload_as_written)(item, path, fail)
    if payload is not None and kind in ("single", "short_answer") and "blank" in item:
        # A missing-word question: its text holds "_____" where the answer goes.
        if not isinstance(item["blank"], bool):
            fail(path + ("blank",), _("\"blank\" must be true or false."))
            return None
        if item["blank"] and text is not None and any(
                "_____" not in text[lang] for lang in LANGUAGES):
            fail(path + ("text",), _("A question with \"blank: true\" needs \"_____\" in its text, "
                                     "where the answer goes, in both languages."))
            return None
        if item["blank"]:
            payload = {**payload, "blank": True}
    tags = item.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
        fail(path + ("tags",), _("\"tags\" must be a list of words."))
        tags = []
    elif any(LESSON_TAG.match(tag) for tag in tags):
        fail(path + ("tags",), _("Tags named lesson-NN are kept for the lesson: write "
                                 "\"lesson: N\" instead."))
    lesson = item.get("lesson")
    if lesson is not None and not _is_whole(lesson, minimum=1):
        fail(path + ("lesson",), _("\"lesson\" must be the number of a lesson of this pack, e.g. 2."))
        lesson = None
    if text is None or explanation is None or payload is None:
        return None
    problems = question_types.get(kind).validate(payload)
    for problem in problems:
        fail(path, _("Question \"%(key)s\": %(problem)s", key=key, problem=problem))
    if lesson is not None:
        tags = [*tags, lesson_tag(lesson)]
    return None if problems else PackQuestion(
        key, kind, text, payload, explanation, list(tags), lesson=lesson,
        line=line_of(lines, path), lesson_line=line_of(lines, path + ("lesson",)))


def _choices_payload(item: dict, path: tuple, fail) -> dict | None:
    choices = item.get("choices")
    if not isinstance(choices, list) or not 2 <= len(choices) <= 6:
        fail(path + ("choices",), _("A choice question needs 2 to 6 choices."))
        return None
    built = []
    for index, choice in enumerate(choices):
        where = path + ("choices", index)
        if not isinstance(choice, dict):
            fail(where, _("A choice must be a mapping with text and correct."))
            return None
        text = _localised(choice.get("text"), where + ("text",), _("A choice"), fail)
        if not isinstance(choice.get("correct"), bool):
            fail(where + ("correct",), _("\"correct\" must be true or false."))
            return None
        feedback = None
        if choice.get("feedback") is not None:
            feedback = _localised(choice["feedback"], where + ("feedback",), _("Choice feedback"), fail)
        if text is None:
            return None
        built.append({"id": CHOICE_IDS[index], "text": text, "correct": choice["correct"],
                      "feedback": feedback})
    correct = sum(1 for choice in built if choice["correct"])
    if item.get("type") == "single" and correct != 1:
        fail(path + ("choices",), _("A single-choice question needs exactly one correct choice; "
                                    "this one has %(count)d.", count=correct))
        return None
    if correct == 0:
        fail(path + ("choices",), _("Mark at least one choice as correct."))
        return None
    return {"choices": built}


def _true_false_payload(item: dict, path: tuple, fail) -> dict | None:
    if not isinstance(item.get("answer"), bool):
        fail(path + ("answer",), _("A true/false question needs answer: true or false."))
        return None
    return {"answer": item["answer"]}


def _short_answer_payload(item: dict, path: tuple, fail) -> dict | None:
    answers = item.get("answers")
    if not isinstance(answers, dict) or not all(
            isinstance(answers.get(lang), list) and answers[lang] for lang in LANGUAGES):
        fail(path + ("answers",), _("A short-answer question needs accepted answers in vi and en."))
        return None
    texts = []
    for lang in LANGUAGES:
        for text in answers[lang]:
            if not isinstance(text, str) or not text.strip():
                fail(path + ("answers", lang), _("Accepted answers must be non-empty text."))
                return None
            if text.strip() not in texts:
                texts.append(text.strip())
    ignore = item.get("ignore_diacritics", False)
    if not isinstance(ignore, bool):
        fail(path + ("ignore_diacritics",), _("\"ignore_diacritics\" must be true or false."))
        return None
    return {"answers": [{"text": text, "fraction": 1.0} for text in texts],
            "ignore_diacritics": ignore}


def _numeric_payload(item: dict, path: tuple, fail) -> dict | None:
    answer, tolerance = item.get("answer"), item.get("tolerance", 0)
    if not isinstance(answer, (int, float)) or isinstance(answer, bool):
        fail(path + ("answer",), _("A numeric question needs a number as answer."))
        return None
    if not isinstance(tolerance, (int, float)) or isinstance(tolerance, bool) or tolerance < 0:
        fail(path + ("tolerance",), _("\"tolerance\" must be a number of at least 0."))
        return None
    return {"answers": [{"value": float(answer), "tolerance": float(tolerance), "fraction": 1.0}]}


def _payload_as_written(item: dict, path: tuple, fail) -> dict | None:
    """A host's own question type: its payload is written out under ``payload``."""
    payload = item.get("payload")
    if not isinstance(payload, dict):
        fail(path + ("payload",), _("This question type needs a \"payload\" mapping."))
        return None
    return payload


_PAYLOAD_BUILDERS = {
    "single": _choices_payload,
    "multiple": _choices_payload,
    "true_false": _true_false_payload,
    "short_answer": _short_answer_payload,
    "numeric": _numeric_payload,
}
