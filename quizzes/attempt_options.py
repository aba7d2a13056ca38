"""Per-attempt tokens for the options of a question (pure: no Flask, no database).

A page must not tell a script which option is the key. Authoring ids ("a", "b" … of a
pack, "c1", "c2" … of GIFT) and "true"/"false" would: a script that always answers "a"
or "true" needs no reading. So every attempt draws, for each question with options, a
random token per option, and stores the list with the attempt::

    attempt.choice_orders = {"<question id>": [["k7m2x9qd4t", "b"], ["p3…", "a"], …]}

The list is the display order; the page carries only tokens (as input values and in
element ids), and a posted token is mapped back to its value on the server. Tokens are
random per attempt, so neither a value, an id, a position nor the sort order of the
values says anything about the key.

Attempts started before tokens existed stored ``["a", "c", "b"]`` (ids only, and
nothing for true/false): :func:`needs_tokens` spots them, and the server gives them
tokens, keeping their order, the first time they are shown (see
``quizzes.operations.ensure_option_tokens``).
"""
from __future__ import annotations

import random
from collections.abc import Iterable, Sequence

#: Lowercase letters and digits without look-alikes; 10 of them are 50 random bits.
TOKEN_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"
TOKEN_LENGTH = 10

Pairs = list[list[str]]  # [[token, value], …] in display order


class UnknownOption(ValueError):
    """A posted token is not one of this attempt's options for the question."""


def new_token(rng: random.Random) -> str:
    return "".join(rng.choice(TOKEN_ALPHABET) for _ in range(TOKEN_LENGTH))


def assign_tokens(values: Sequence[str], rng: random.Random, *, shuffle: bool) -> Pairs:
    """Tokens for ``values`` (shuffled first when asked), unique within the question."""
    order = list(dict.fromkeys(values))
    if shuffle:
        rng.shuffle(order)
    tokens: list[str] = []
    while len(tokens) < len(order):
        token = new_token(rng)
        if token not in tokens:
            tokens.append(token)
    return [[token, value] for token, value in zip(tokens, order, strict=True)]


def stored_pairs(entry: object) -> Pairs | None:
    """The [[token, value]] list stored for a question, or None when it has none (yet)."""
    if not isinstance(entry, list) or not entry:
        return None
    if all(isinstance(item, list) and len(item) == 2 and all(isinstance(p, str) for p in item)
           for item in entry):
        return [list(item) for item in entry]
    return None


def needs_tokens(entry: object, values: Sequence[str]) -> bool:
    """Whether a question's stored entry lacks a token for one of its option values."""
    if not values:
        return False
    pairs = stored_pairs(entry)
    return pairs is None or not set(values) <= {value for _, value in pairs}


def upgrade_entry(entry: object, values: Sequence[str], rng: random.Random) -> Pairs:
    """Tokens for an old entry: its stored order first, options it missed appended."""
    pairs = stored_pairs(entry) or []
    known = {value for _, value in pairs}
    legacy = [v for v in entry if isinstance(v, str)] if isinstance(entry, list) else []
    order = [v for v in dict.fromkeys([*legacy, *values]) if v in values and v not in known]
    taken = {token for token, _ in pairs}
    for value in order:
        token = new_token(rng)
        while token in taken:
            token = new_token(rng)
        taken.add(token)
        pairs.append([token, value])
    return pairs


def tokenise_view(view: dict, pairs: Pairs, chosen: Iterable[str]) -> dict:
    """The public view with each choice's value replaced by its token, in token order.

    Only choices that have a token are shown, in the attempt's order; each gets
    ``checked`` from the saved answer. The value itself is dropped.
    """
    texts = {c.get("id"): c.get("text", "") for c in view.get("choices", []) if isinstance(c, dict)}
    picked = set(chosen)
    choices = [{"token": token, "text": texts[value], "checked": value in picked}
               for token, value in pairs if value in texts]
    return {**view, "choices": choices}


def values_of(tokens: Iterable[str], pairs: Pairs) -> list[str]:
    """The option values of posted tokens; UnknownOption for any token not drawn."""
    by_token = dict((token, value) for token, value in pairs)
    values = []
    for token in tokens:
        if token not in by_token:
            raise UnknownOption(token)
        values.append(by_token[token])
    return values
