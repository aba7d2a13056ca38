"""The pure credit rules, with property tests (hypothesis): whatever the completions,
rules and caps, awards stay within raw + bonus and within every cap, totals are the
ledger's sums, the monthly cap spares mandatory courses, and a course credits once per
period — a recurring course once per cycle."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from lms.credits import rules as R

COURSES = {"AI01": "ai", "DATA01": "big-data", "ATTT01": "cybersecurity", "IOT01": "iot"}
MONEY = st.decimals(min_value=0, max_value=20, places=2, allow_nan=False, allow_infinity=False)


@st.composite
def rule_sets(draw):
    """1–4 rules over 1–2 criteria, naming courses or topics, with optional caps."""
    count = draw(st.integers(1, 4))
    rules = []
    for rule_id in range(1, count + 1):
        by_course = draw(st.booleans())
        code = draw(st.sampled_from(sorted(COURSES)))
        kind = draw(st.sampled_from(["periods", "fixed"]))
        rules.append(
            R.RuleTerms(
                rule_id=rule_id,
                criterion_id=draw(st.integers(1, 2)),
                course_code=code if by_course else None,
                topic=None if by_course else COURSES[code],
                value_kind=kind,
                factor=draw(st.sampled_from([Decimal("1"), Decimal("0.5"), Decimal("1.25")])),
                fixed_value=draw(MONEY) if kind == "fixed" else None,
                rule_cap=draw(st.none() | MONEY),
                monthly_cap=draw(st.none() | st.integers(0, 3)),
                on_time_bonus=draw(MONEY),
            )
        )
    caps = {1: draw(st.none() | MONEY), 2: draw(st.none() | MONEY)}
    return rules, caps


@st.composite
def completions(draw, *, year=2026):
    """A learner's completions in one period, in date order (ids in that order)."""
    items = draw(
        st.lists(
            st.tuples(
                st.sampled_from(sorted(COURSES)),
                st.integers(1, 6),
                st.dates(dt.date(year, 1, 1), dt.date(year, 12, 31)),
                st.booleans(),
                st.booleans(),
            ),
            max_size=12,
        )
    )
    items.sort(key=lambda item: item[2])
    return [
        R.CompletionFacts(
            completion_id=number,
            course_code=code,
            topic=COURSES[code],
            periods=periods,
            completed_on=day,
            is_mandatory=mandatory,
            due_on=dt.date(year, 6, 30) if on_list and mandatory else None,
        )
        for number, (code, periods, day, mandatory, on_list) in enumerate(items, start=1)
    ]


def replay(facts_list, rules, caps):
    """Credit each completion in turn against the ledger so far, as the receiver does."""
    ledger, written = [], []
    for facts in facts_list:
        for entry in R.compute_entries(facts, rules, caps, ledger):
            written.append((facts, entry))
            ledger.append(
                R.LedgerLine(
                    facts.completion_id,
                    facts.course_code,
                    entry.rule_id,
                    entry.criterion_id,
                    entry.awarded,
                    facts.completed_on,
                    facts.is_mandatory,
                )
            )
    return ledger, written


@given(rule_sets(), completions())
def test_awarded_is_never_more_than_raw_plus_bonus_nor_negative(rule_set, facts_list):
    rules, caps = rule_set
    _ledger, written = replay(facts_list, rules, caps)
    for _facts, entry in written:
        assert Decimal("0") <= entry.awarded <= entry.raw + entry.bonus
        if entry.awarded < entry.raw + entry.bonus:
            assert entry.reasons, "every reduction carries its reason"
            assert all(
                reason.vi and reason.en and reason.code in R.REASONS for reason in entry.reasons
            )


@given(rule_sets(), completions())
def test_caps_are_never_exceeded(rule_set, facts_list):
    rules, caps = rule_set
    ledger, _written = replay(facts_list, rules, caps)
    for criterion_id, total in R.totals_by_criterion(ledger).items():
        if caps.get(criterion_id) is not None:
            assert total <= caps[criterion_id]
    for rule in rules:
        if rule.rule_cap is not None:
            assert (
                sum((line.awarded for line in ledger if line.rule_id == rule.rule_id), Decimal("0"))
                <= rule.rule_cap
            )


@given(rule_sets(), completions())
def test_totals_equal_the_ledger_sums(rule_set, facts_list):
    rules, caps = rule_set
    ledger, written = replay(facts_list, rules, caps)
    expected: dict[int, Decimal] = {}
    for _facts, entry in written:
        expected[entry.criterion_id] = (
            expected.get(entry.criterion_id, Decimal("0")) + entry.awarded
        )
    assert R.totals_by_criterion(ledger) == expected


@given(rule_sets(), completions())
def test_the_monthly_cap_counts_only_non_mandatory_completions(rule_set, facts_list):
    rules, caps = rule_set
    _ledger, written = replay(facts_list, rules, caps)
    for rule in rules:
        if rule.monthly_cap is None:
            continue
        counted: dict[tuple[int, int], set[int]] = {}
        for facts, entry in written:
            if entry.rule_id == rule.rule_id and entry.awarded > 0 and not facts.is_mandatory:
                month = (facts.completed_on.year, facts.completed_on.month)
                counted.setdefault(month, set()).add(facts.completion_id)
        assert all(len(ids) <= rule.monthly_cap for ids in counted.values())
    for facts, entry in written:
        if facts.is_mandatory:
            assert "monthly_cap" not in {reason.code for reason in entry.reasons}


def test_the_monthly_cap_example():
    """Cap 2 a month: the third optional course of March gets 0 with the reason; the
    mandatory one that month still counts; April starts again."""
    rule = R.RuleTerms(rule_id=1, criterion_id=1, topic="ai", monthly_cap=2)
    march = [R.CompletionFacts(n, f"AI0{n}", "ai", 2, dt.date(2026, 3, n)) for n in (1, 2, 3)]
    mandatory = R.CompletionFacts(4, "AI04", "ai", 2, dt.date(2026, 3, 20), is_mandatory=True)
    april = R.CompletionFacts(5, "AI05", "ai", 2, dt.date(2026, 4, 1))
    _ledger, written = replay([*march, mandatory, april], [rule], {1: None})
    assert [entry.awarded for _f, entry in written] == [2, 2, 0, 2, 2]
    assert written[2][1].reasons[0].code == "monthly_cap"
    assert "2 khóa" in written[2][1].reasons[0].vi


@given(rule_sets(), completions())
def test_a_course_credits_once_per_period(rule_set, facts_list):
    rules, caps = rule_set
    _ledger, written = replay(facts_list, rules, caps)
    credited: dict[str, set[int]] = {}
    for facts, entry in written:
        if entry.awarded > 0:
            credited.setdefault(facts.course_code, set()).add(facts.completion_id)
    assert all(len(ids) == 1 for ids in credited.values())


@given(st.integers(1, 6), st.integers(2, 4), st.data())
def test_a_recurring_course_credits_once_per_cycle(periods, cycles, data):
    """A yearly course completed in consecutive years (one cycle a year, each period its
    own ledger) credits every cycle; a second completion inside one period does not."""
    rule = R.RuleTerms(rule_id=1, criterion_id=1, course_code="ATTT01")
    for number in range(1, cycles + 1):
        year = 2025 + number
        day = data.draw(st.dates(dt.date(year, 1, 1), dt.date(year, 11, 30)))
        first = R.CompletionFacts(number * 10, "ATTT01", "cybersecurity", periods, day)
        again = R.CompletionFacts(
            number * 10 + 1, "ATTT01", "cybersecurity", periods, day + dt.timedelta(days=1)
        )
        _ledger, written = replay([first, again], [rule], {1: None})  # one period's ledger
        assert [entry.awarded for _f, entry in written] == [periods, 0]
        assert written[1][1].reasons[0].code == "already_credited"


def test_a_course_rule_wins_over_a_topic_rule_and_a_split_is_explicit():
    topic_rule = R.RuleTerms(rule_id=1, criterion_id=1, topic="cybersecurity")
    split = [
        R.RuleTerms(rule_id=2, criterion_id=1, course_code="ATTT01", factor=Decimal("0.5")),
        R.RuleTerms(rule_id=3, criterion_id=2, course_code="ATTT01", factor=Decimal("0.5")),
    ]
    facts = R.CompletionFacts(1, "ATTT01", "cybersecurity", 4, dt.date(2026, 5, 1))
    entries = R.compute_entries(facts, [topic_rule, *split], {1: None, 2: None}, [])
    assert [(e.rule_id, e.criterion_id, e.awarded) for e in entries] == [(2, 1, 2), (3, 2, 2)]


def test_rules_apply_only_in_their_effective_dates():
    old = R.RuleTerms(rule_id=1, criterion_id=1, topic="ai", valid_to=dt.date(2026, 7, 1))
    new = R.RuleTerms(
        rule_id=2, criterion_id=1, topic="ai", factor=Decimal("2"), valid_from=dt.date(2026, 7, 1)
    )
    june = R.CompletionFacts(1, "AI01", "ai", 3, dt.date(2026, 6, 30))
    july = R.CompletionFacts(2, "AI02", "ai", 3, dt.date(2026, 7, 1))
    assert [(e.rule_id, e.awarded) for e in R.compute_entries(june, [old, new], {}, [])] == [(1, 3)]
    assert [(e.rule_id, e.awarded) for e in R.compute_entries(july, [old, new], {}, [])] == [(2, 6)]


def test_on_time_bonus_only_by_the_due_date_and_caps_cut_with_reasons():
    rule = R.RuleTerms(rule_id=1, criterion_id=1, course_code="ATTT01", on_time_bonus=Decimal("2"))
    on_time = R.CompletionFacts(
        1,
        "ATTT01",
        "cybersecurity",
        5,
        dt.date(2026, 6, 30),
        is_mandatory=True,
        due_on=dt.date(2026, 6, 30),
    )
    late = R.CompletionFacts(
        1,
        "ATTT01",
        "cybersecurity",
        5,
        dt.date(2026, 7, 1),
        is_mandatory=True,
        due_on=dt.date(2026, 6, 30),
    )
    [entry] = R.compute_entries(on_time, [rule], {1: Decimal("6")}, [])
    assert (entry.raw, entry.bonus, entry.awarded) == (5, 2, 6)
    assert entry.reasons[0].code == "criterion_cap" and "6 điểm" in entry.reasons[0].vi
    [entry] = R.compute_entries(late, [rule], {1: None}, [])
    assert (entry.bonus, entry.awarded) == (0, 5)


def test_status_against_a_target():
    assert R.target_status(Decimal("7.5"), Decimal("8"), Decimal("12"), True) == R.NOT_MET
    assert R.target_status(Decimal("9"), Decimal("8"), Decimal("12"), False) == R.NOT_MET
    assert R.target_status(Decimal("8"), Decimal("8"), Decimal("12"), True) == R.MET
    assert R.target_status(Decimal("12"), Decimal("8"), Decimal("12"), True) == R.EXCEEDED
    assert R.target_status(Decimal("30"), Decimal("8"), None, True) == R.MET
