"""Describing answers for the review page, after grading only (pure: no Flask)."""
from __future__ import annotations

from quizzes.question_types import pick_text


def describe_answer(question_type: str, payload: dict, answer: dict | None, lang: str) -> str:
    """The learner's answer as readable text ("—" when none was given)."""
    answer = answer or {}
    choices = {c["id"]: pick_text(c["text"], lang) for c in payload.get("choices", [])}
    if question_type == "single":
        return choices.get(answer.get("choice"), "—")
    if question_type == "multiple":
        picked = [choices[c] for c in answer.get("choices", []) if c in choices]
        return "; ".join(picked) or "—"
    if question_type == "true_false":
        value = answer.get("value")
        return "—" if value is None else _true_false(value, lang)
    text = answer.get("text") if question_type == "short_answer" else answer.get("value")
    return str(text) if text not in (None, "") else "—"


def describe_correct(question_type: str, payload: dict, lang: str) -> str:
    if question_type in ("single", "multiple"):
        return "; ".join(pick_text(c["text"], lang) for c in payload.get("choices", []) if c.get("correct"))
    if question_type == "true_false":
        return _true_false(payload.get("answer"), lang)
    if question_type == "short_answer":
        return " / ".join(a["text"] for a in payload.get("answers", []) if a.get("fraction", 0) >= 1)
    if question_type == "numeric":
        parts = []
        for item in payload.get("answers", []):
            value = _number(item["value"])
            parts.append(f"{value} ± {_number(item['tolerance'])}" if item.get("tolerance") else value)
        return " / ".join(parts)
    return ""


def feedback_for(question_type: str, payload: dict, answer: dict | None, lang: str) -> list[str]:
    """Per-choice feedback of the choices the learner picked."""
    answer = answer or {}
    picked = {answer.get("choice")} | set(answer.get("choices", []))
    return [pick_text(c["feedback"], lang) for c in payload.get("choices", [])
            if c["id"] in picked and c.get("feedback")]


def _true_false(value, lang: str) -> str:
    return {True: {"vi": "Đúng", "en": "True"}, False: {"vi": "Sai", "en": "False"}}[bool(value)][
        "en" if lang == "en" else "vi"]


def _number(value: float) -> str:
    return f"{value:g}"
