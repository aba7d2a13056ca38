"""Drawing an attempt's questions and choice order (pure: no Flask, no database)."""
from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class PoolQuestion:
    id: int
    tags: tuple[str, ...]
    choice_ids: tuple[str, ...]  # empty for questions without choices


def draw(pool: list[PoolQuestion], settings: dict, rng: random.Random) -> tuple[list[int], dict[str, list[str]]]:
    """Question ids in display order, and {question id: choice ids in display order}.

    ``questions_per_tag`` ({tag: n}) draws n questions of each tag; otherwise
    ``questions_per_attempt`` questions from the whole pool (all when unset).
    """
    per_tag = settings.get("questions_per_tag") or {}
    if per_tag:
        chosen: list[PoolQuestion] = []
        for tag, count in per_tag.items():
            candidates = [q for q in pool if tag in q.tags and q not in chosen]
            chosen += rng.sample(candidates, min(count, len(candidates)))
    else:
        count = settings.get("questions_per_attempt") or len(pool)
        chosen = rng.sample(pool, min(count, len(pool)))
    if not settings.get("shuffle_questions", True):
        order = {question.id: index for index, question in enumerate(pool)}
        chosen.sort(key=lambda question: order[question.id])
    choice_orders = {}
    for question in chosen:
        if question.choice_ids:
            ids = list(question.choice_ids)
            if settings.get("shuffle_choices", True):
                rng.shuffle(ids)
            choice_orders[str(question.id)] = ids
    return [question.id for question in chosen], choice_orders
