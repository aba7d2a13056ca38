"""Drawing an attempt's questions, option order and option tokens (pure: no Flask, no
database)."""
from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from quizzes.attempt_options import assign_tokens


@dataclass(frozen=True)
class PoolQuestion:
    id: int
    tags: tuple[str, ...]
    #: The values the learner picks among (choice ids, "true"/"false"); empty for typed answers.
    choice_ids: tuple[str, ...] = ()
    #: Whether those options may be shuffled (true/false keep their order).
    shuffle_options: bool = field(default=True)


def draw(pool: list[PoolQuestion], settings: dict,
         rng: random.Random) -> tuple[list[int], dict[str, list]]:
    """Question ids in display order, and {question id: [[token, value], …] in display order}.

    ``questions_per_tag`` ({tag: n}) draws n questions of each tag, never one question
    twice, and always a full set when the pool allows one (see :func:`fill_tags`);
    otherwise ``questions_per_attempt`` questions from the whole pool (all when unset).
    """
    per_tag = settings.get("questions_per_tag") or {}
    if per_tag:
        chosen = draw_per_tag(pool, per_tag, rng)
    else:
        count = settings.get("questions_per_attempt") or len(pool)
        chosen = rng.sample(pool, min(count, len(pool)))
    if not settings.get("shuffle_questions", True):
        order = {question.id: index for index, question in enumerate(pool)}
        chosen.sort(key=lambda question: order[question.id])
    shuffle = settings.get("shuffle_choices", True)
    choice_orders = {}
    for question in chosen:
        if question.choice_ids:
            choice_orders[str(question.id)] = assign_tokens(
                question.choice_ids, rng, shuffle=shuffle and question.shuffle_options)
    return [question.id for question in chosen], choice_orders


def draw_per_tag(pool: Sequence[PoolQuestion], per_tag: dict[str, int],
                 rng: random.Random) -> list[PoolQuestion]:
    """n random questions of each tag, in the order the tags are listed.

    A question with two tags counts for one of them only. Picking at random tag after
    tag could use up a question a later tag needs (q1 tagged A and B, q2 only A: A
    takes q1, B is left with none), so a pick is kept only if the later tags can still
    be filled; when the pool cannot fill them at all (validation refuses such packs)
    the draw takes what there is.
    """
    needs = [(tag, count) for tag, count in per_tag.items()]
    possible = fill_count(pool, needs, set()) == sum(count for _, count in needs)
    chosen: list[PoolQuestion] = []
    taken: set[int] = set()
    for index, (tag, count) in enumerate(needs):
        later_tags = {later for later, _ in needs[index + 1:]}
        candidates = [q for q in pool if tag in q.tags and q.id not in taken]
        rng.shuffle(candidates)
        picked = 0
        for question in candidates:
            if picked == count:
                break
            taken.add(question.id)
            # A question none of the later tags could use never spoils them.
            if possible and later_tags & set(question.tags):
                rest = [(tag, count - picked - 1), *needs[index + 1:]]
                if fill_count(pool, rest, taken) < sum(n for _, n in rest):
                    taken.discard(question.id)
                    continue
            chosen.append(question)
            picked += 1
    return chosen


def fill_count(pool: Sequence[PoolQuestion], needs: Sequence[tuple[str, int]],
               taken: set[int]) -> int:
    """How many of the slots in ``needs`` distinct untaken questions can fill at most.

    A maximum bipartite matching (slots of each tag ↔ questions with that tag) by
    augmenting paths; pools are small (tens of questions), so this is quick.
    """
    # No tag can use more slots than there are questions (and a huge count must not
    # build a huge list).
    slots = [tag for tag, count in needs for _ in range(min(max(count, 0), len(pool)))]
    by_tag: dict[str, list[int]] = {}
    for question in pool:
        if question.id in taken:
            continue
        for tag in question.tags:
            by_tag.setdefault(tag, []).append(question.id)
    holder: dict[int, int] = {}  # question id -> slot index

    def augment(slot: int, seen: set[int]) -> bool:
        for question_id in by_tag.get(slots[slot], []):
            if question_id in seen:
                continue
            seen.add(question_id)
            if question_id not in holder or augment(holder[question_id], seen):
                holder[question_id] = slot
                return True
        return False

    return sum(1 for slot in range(len(slots)) if augment(slot, set()))
