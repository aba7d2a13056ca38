"""Per-attempt option tokens (quizzes.attempt_options): random, unique, round-trip, and
the view that reaches the page holds no option value."""
import json
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizzes import attempt_options as options

values_lists = st.lists(st.sampled_from(["a", "b", "c", "d", "e", "f", "true", "false", "c1"]),
                        min_size=1, max_size=6, unique=True)


@given(values=values_lists, seed=st.integers(0, 2 ** 32), shuffle=st.booleans())
def test_tokens_round_trip_and_hide_the_values(values, seed, shuffle):
    pairs = options.assign_tokens(values, random.Random(seed), shuffle=shuffle)
    tokens = [token for token, _ in pairs]
    assert sorted(value for _, value in pairs) == sorted(values)
    assert len(set(tokens)) == len(tokens)
    assert all(len(t) == options.TOKEN_LENGTH and set(t) <= set(options.TOKEN_ALPHABET) for t in tokens)
    if not shuffle:
        assert [value for _, value in pairs] == values
    assert options.values_of(reversed(tokens), pairs) == [value for _, value in reversed(pairs)]
    view = {"type": "single", "choices": [{"id": v, "text": f"text of {v}"} for v in values]}
    shown = options.tokenise_view(view, pairs, chosen=values[:1])
    assert [c["token"] for c in shown["choices"]] == tokens
    assert [c["checked"] for c in shown["choices"]] == [value == values[0] for _, value in pairs]
    assert all(set(c) == {"token", "text", "checked"} for c in shown["choices"])
    assert '"id"' not in json.dumps(shown)


def test_an_unknown_token_is_refused():
    pairs = options.assign_tokens(["a", "b"], random.Random(1), shuffle=True)
    for bad in ("a", "b", "", pairs[0][0].upper()):
        with pytest.raises(options.UnknownOption):
            options.values_of([bad], pairs)


def test_old_entries_get_tokens_in_their_stored_order():
    assert options.needs_tokens(["b", "a"], ["a", "b"])
    assert options.needs_tokens(None, ["true", "false"])
    assert not options.needs_tokens(None, [])  # a typed answer has no options
    upgraded = options.upgrade_entry(["c", "a"], ["a", "b", "c"], random.Random(3))
    assert [value for _, value in upgraded] == ["c", "a", "b"]  # a missed option is appended
    assert not options.needs_tokens(upgraded, ["a", "b", "c"])
    assert options.upgrade_entry(upgraded, ["a", "b", "c"], random.Random(4)) == upgraded
