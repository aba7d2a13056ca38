"""The pure rules of the advisory shortlist: quotas and their rounding, every check kind
passing and failing, the tie-break in Vietnamese name order, and a property test that
the list inside a rounded-down quota never exceeds floor(base × percent)."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lms.credits.shortlist_rules import (
    CHECKS,
    Check,
    CheckError,
    Context,
    Discipline,
    PersonFacts,
    QuotaBase,
    Rating,
    Rounding,
    TitleKind,
    TitleTerms,
    UnitFacts,
    checks_as_lines,
    checks_from_lines,
    evaluate,
    parse_checks,
    quota,
    vietnamese_name_key,
)

CUTOFF = dt.date(2026, 11, 30)


def person(learner_id=1, name="Lò Thị Hoa", **values) -> PersonFacts:
    defaults = dict(
        unit_id=1,
        credits=Decimal("10"),
        status="met",
        hired_on=dt.date(2020, 1, 1),
        rating=Rating.GOOD,
        discipline=Discipline.NONE,
        initiatives=0,
    )
    return PersonFacts(learner_id, name, **(defaults | values))


def run(kind, facts, context=None, **params):
    return CHECKS[kind].function(params, facts, context or Context(cutoff=CUTOFF))


# --- quotas ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("base", "percent", "rounding", "expected"),
    [
        (20, "15", Rounding.DOWN, 3),  # the example: 20 × 15 % = 3
        (13, "15", Rounding.DOWN, 1),  # 1,95 → 1 (rounded down, the default)
        (13, "15", Rounding.NEAREST, 2),
        (13, "15", Rounding.UP, 2),
        (20, "12.5", Rounding.NEAREST, 3),  # 2,5 → 3 (half up)
        (20, "12.5", Rounding.DOWN, 2),
        (6, "15", Rounding.DOWN, 0),
        (6, "15", Rounding.UP, 1),
        (0, "15", Rounding.UP, 0),
        (7, "100", Rounding.DOWN, 7),
    ],
)
def test_quota_rounding_examples(base, percent, rounding, expected):
    assert quota(base, Decimal(percent), rounding) == expected


def test_the_default_rounding_is_down():
    assert quota(13, Decimal("15")) == 1
    assert TitleTerms("X", TitleKind.INDIVIDUAL, ()).rounding == Rounding.DOWN


# --- each individual check kind, passing and failing --------------------------------------


def test_rating_at_least():
    assert run("rating_at_least", person(rating=Rating.GOOD), level="good").passed
    assert run("rating_at_least", person(rating=Rating.EXCELLENT), level="good").passed
    assert not run("rating_at_least", person(rating=Rating.COMPLETED), level="good").passed
    missing = run("rating_at_least", person(rating=None), level="completed")
    assert not missing.passed and missing.inputs == {"rating": None}


def test_no_discipline_at_or_above():
    kind = "no_discipline_at_or_above"
    assert run(kind, person(discipline=Discipline.NONE), level="reprimand").passed
    assert not run(kind, person(discipline=Discipline.REPRIMAND), level="reprimand").passed
    assert run(kind, person(discipline=Discipline.REPRIMAND), level="warning").passed
    assert not run(kind, person(discipline=Discipline.HIGHER), level="warning").passed
    # Not entered is not "no discipline": HR must say so.
    assert not run(kind, person(discipline=None), level="warning").passed


@pytest.mark.parametrize(
    ("status", "passed"), [("met", True), ("exceeded", True), ("not_met", False), (None, False)]
)
def test_credits_met(status, passed):
    result = run("credits_met", person(status=status, credits=Decimal("8")))
    assert result.passed is passed and result.inputs["credits"] == Decimal("8")


def test_hired_months_at_least():
    kind = "hired_months_at_least"
    assert run(kind, person(hired_on=dt.date(2026, 5, 30)), months=6).passed  # exactly 6 months
    late = run(kind, person(hired_on=dt.date(2026, 5, 31)), months=6)
    assert not late.passed and late.inputs["latest"] == dt.date(2026, 5, 30)
    assert run(kind, person(hired_on=None), months=6).passed  # as the standings count them


def test_initiatives_at_least():
    assert run("initiatives_at_least", person(initiatives=1), count=1).passed
    assert not run("initiatives_at_least", person(initiatives=0), count=1).passed
    assert not run("initiatives_at_least", person(initiatives=None), count=1).passed
    assert run("initiatives_at_least", person(initiatives=None), count=0).passed is False


def test_holds_title():
    context = Context(cutoff=CUTOFF, inside={"LDTT": {1}})
    assert run("holds_title", person(1), context, title="LDTT").passed
    assert not run("holds_title", person(2), context, title="LDTT").passed
    unknown = run("holds_title", person(1), context, title="CSTDCS")
    assert not unknown.passed and unknown.inputs["known"] is False


# --- each collective check kind -----------------------------------------------------------


def unit(*members) -> UnitFacts:
    return UnitFacts(1, "PHONG-A", tuple(members))


def test_share_with_title_above_and_at_least():
    members = [person(i) for i in range(1, 11)]
    half = Context(cutoff=CUTOFF, inside={"LDTT": {1, 2, 3, 4, 5}})
    assert not run("share_with_title_above", unit(*members), half, title="LDTT", share="0.5").passed
    more = Context(cutoff=CUTOFF, inside={"LDTT": {1, 2, 3, 4, 5, 6}})
    result = run("share_with_title_above", unit(*members), more, title="LDTT", share="0.5")
    assert result.passed and result.inputs["count"] == 6 and result.inputs["members"] == 10
    seven = Context(cutoff=CUTOFF, inside={"LDTT": set(range(1, 8))})
    assert run("share_with_title_at_least", unit(*members), seven, title="LDTT", share="0.7").passed
    assert not run(
        "share_with_title_at_least", unit(*members), more, title="LDTT", share="0.7"
    ).passed
    # New members (not counted) stay out of the shares.
    newcomers = [person(i, counted=False) for i in range(11, 15)]
    assert run(
        "share_with_title_at_least", unit(*members, *newcomers), seven, title="LDTT", share="0.7"
    ).passed
    assert not run("share_with_title_above", unit(), more, title="LDTT", share="0").passed


def test_members_with_title_at_least():
    context = Context(cutoff=CUTOFF, inside={"CSTDCS": {2}})
    assert run(
        "members_with_title_at_least", unit(person(1), person(2)), context, title="CSTDCS", count=1
    ).passed
    assert not run(
        "members_with_title_at_least", unit(person(1), person(3)), context, title="CSTDCS", count=1
    ).passed


def test_no_member_discipline_at_or_above():
    kind = "no_member_discipline_at_or_above"
    clean = unit(person(1), person(2, discipline=Discipline.REPRIMAND))
    assert run(kind, clean, level="warning").passed
    warned = unit(person(1), person(2, discipline=Discipline.WARNING, counted=False))
    result = run(kind, warned, level="warning")
    assert not result.passed and result.inputs["count"] == 1  # new members count here too
    assert not run(kind, unit(person(1), person(2, discipline=None)), level="warning").passed


def test_share_rating_at_least():
    kind = "share_rating_at_least"
    everyone = unit(person(1, rating=Rating.COMPLETED), person(2, rating=Rating.EXCELLENT))
    assert run(kind, everyone, level="completed", share="1").passed
    one_short = unit(person(1, rating=Rating.NOT_COMPLETED), person(2))
    assert not run(kind, one_short, level="completed", share="1").passed
    assert not run(kind, unit(person(1, rating=None)), level="completed", share="1").passed


def test_every_registered_kind_has_a_test_above():
    tested = {
        "rating_at_least",
        "no_discipline_at_or_above",
        "credits_met",
        "hired_months_at_least",
        "initiatives_at_least",
        "holds_title",
        "share_with_title_above",
        "share_with_title_at_least",
        "members_with_title_at_least",
        "no_member_discipline_at_or_above",
        "share_rating_at_least",
    }
    assert set(CHECKS) == tested


# --- parsing the stored data --------------------------------------------------------------


@pytest.mark.parametrize(
    ("items", "kind"),
    [
        ([{"kind": "no_such_check"}], TitleKind.INDIVIDUAL),
        ([{"kind": "rating_at_least", "level": "brilliant"}], TitleKind.INDIVIDUAL),
        ([{"kind": "rating_at_least"}], TitleKind.INDIVIDUAL),
        ([{"kind": "rating_at_least", "level": "good", "extra": 1}], TitleKind.INDIVIDUAL),
        (
            [{"kind": "share_with_title_above", "title": "LDTT", "share": "0.5"}],
            TitleKind.INDIVIDUAL,
        ),
        ([{"kind": "credits_met"}], TitleKind.COLLECTIVE),
        (
            [{"kind": "share_with_title_above", "title": "LDTT", "share": "1.5"}],
            TitleKind.COLLECTIVE,
        ),
        ([{"kind": "hired_months_at_least", "months": "-1"}], TitleKind.INDIVIDUAL),
        (["rating_at_least"], TitleKind.INDIVIDUAL),
    ],
)
def test_bad_check_data_is_refused(items, kind):
    with pytest.raises(CheckError):
        parse_checks(items, kind)


def test_the_admin_text_of_checks_round_trips():
    text = "rating_at_least level=good\n\nhired_months_at_least months=6\ncredits_met"
    items = checks_from_lines(text, TitleKind.INDIVIDUAL)
    assert items == [
        {"kind": "rating_at_least", "level": "good"},
        {"kind": "hired_months_at_least", "months": "6"},
        {"kind": "credits_met"},
    ]
    assert checks_from_lines(checks_as_lines(items), TitleKind.INDIVIDUAL) == items
    with pytest.raises(CheckError) as error:
        checks_from_lines("credits_met\n\nrating_at_least level=great", TitleKind.INDIVIDUAL)
    assert error.value.position == 3  # the line number, blank lines counted
    with pytest.raises(CheckError):
        checks_from_lines("rating_at_least good", TitleKind.INDIVIDUAL)


# --- the list: order, quota, tie ----------------------------------------------------------

LDTT = TitleTerms(
    "LDTT",
    TitleKind.INDIVIDUAL,
    parse_checks([{"kind": "rating_at_least", "level": "good"}], TitleKind.INDIVIDUAL),
)


def test_the_tie_break_is_credits_then_rating_then_vietnamese_name():
    people = [
        person(1, "Nguyễn Văn Đức", credits=Decimal("9")),
        person(2, "Trần Thị Dung", credits=Decimal("9")),
        person(3, "Lê Văn An", credits=Decimal("9"), rating=Rating.EXCELLENT),
        person(4, "Phạm Thị Yến", credits=Decimal("12")),
        person(5, "Hà Văn Bình", credits=Decimal("20"), rating=Rating.COMPLETED),  # not eligible
    ]
    result = evaluate(LDTT, people, Context(cutoff=CUTOFF))
    assert [c.facts.learner_id for c in result.candidates] == [4, 3, 2, 1, 5]
    assert [c.position for c in result.candidates] == [1, 2, 3, 4, None]
    assert result.quota is None and len(result.inside) == 4  # no quota: every eligible one


def test_vietnamese_name_order():
    names = [
        "Lê Thị Ánh",
        "Đỗ Văn An",
        "Trần Ân",
        "Vũ Thị Ăn",
        "Hồ Dung",
        "Bùi Đức",
        "Lê Hạ",
        "Lê Hà",
    ]
    ordered = sorted(names, key=vietnamese_name_key)
    # a < ă < â; d < đ; a tone-less name before its toned twins; Hà before Hạ.
    assert ordered == [
        "Đỗ Văn An",
        "Lê Thị Ánh",
        "Vũ Thị Ăn",
        "Trần Ân",
        "Hồ Dung",
        "Bùi Đức",
        "Lê Hà",
        "Lê Hạ",
    ]


def test_a_quota_on_another_titles_list_and_the_tie_at_the_line():
    ldtt = [person(i, f"Người Số {chr(64 + i)}", credits=Decimal("8")) for i in range(1, 21)]
    context = Context(cutoff=CUTOFF)
    evaluate(LDTT, ldtt, context)
    cstdcs = TitleTerms(
        "CSTDCS",
        TitleKind.INDIVIDUAL,
        parse_checks([{"kind": "holds_title", "title": "LDTT"}], TitleKind.INDIVIDUAL),
        quota_percent=Decimal("15"),
        quota_base=QuotaBase.TITLE,
        base_title="LDTT",
    )
    result = evaluate(cstdcs, ldtt, context)
    assert (result.base, result.quota, len(result.inside)) == (20, 3, 3)
    assert result.tie_at_the_line  # all have 8 credits and the same rating
    assert context.inside["CSTDCS"] == {c.facts.learner_id for c in result.inside}


def test_a_collective_title_reads_the_individual_lists():
    context = Context(cutoff=CUTOFF)
    members = [person(i, rating=Rating.GOOD if i <= 6 else Rating.COMPLETED) for i in range(1, 11)]
    evaluate(LDTT, members, context)
    advanced = TitleTerms(
        "TTLDTT",
        TitleKind.COLLECTIVE,
        parse_checks(
            [{"kind": "share_with_title_above", "title": "LDTT", "share": "0.5"}],
            TitleKind.COLLECTIVE,
        ),
    )
    [row] = evaluate(advanced, [unit(*members)], context).candidates
    assert row.eligible and row.results[0].inputs["count"] == 6


# --- the property ------------------------------------------------------------------------

facts = st.builds(
    lambda i, credits, rating: person(i, f"Người {i}", credits=Decimal(credits), rating=rating),
    st.integers(1, 10_000),
    st.integers(0, 30),
    st.none() | st.sampled_from(list(Rating)),
)


@settings(max_examples=150, deadline=None)
@given(
    people=st.lists(facts, max_size=60, unique_by=lambda f: f.learner_id),
    percent=st.decimals(min_value=0, max_value=100, places=2),
    base=st.sampled_from(list(QuotaBase)),
)
def test_inside_the_quota_never_exceeds_floor_of_base_times_percent(people, percent, base):
    context = Context(cutoff=CUTOFF)
    evaluate(LDTT, people, context)
    terms = TitleTerms(
        "CSTDCS",
        TitleKind.INDIVIDUAL,
        (Check("rating_at_least", {"level": "excellent"}),),
        quota_percent=percent,
        quota_base=base,
        base_title="LDTT",
    )
    result = evaluate(terms, people, context)
    counted = {
        QuotaBase.ELIGIBLE: len(result.eligible),
        QuotaBase.CANDIDATES: len(people),
        QuotaBase.TITLE: len(context.inside["LDTT"]),
    }[base]
    limit = math.floor(Decimal(counted) * percent / 100)
    assert result.base == counted and result.quota == limit
    assert len(result.inside) == min(limit, len(result.eligible)) <= limit
    # those inside are the first eligible ones in the tie-break order
    assert result.inside == result.eligible[: len(result.inside)]
    assert all(c.eligible for c in result.inside)
