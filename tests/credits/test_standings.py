"""Standings on a generated org tree equal a brute-force computation in Python
(hypothesis), membership taken from history: credits stay with the unit of the
completion date, denominators are the members on the cut-off, recent hires left out,
and a person meets the target only with every mandatory course of it completed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from courses.models import Course, CourseCompletion, Topic
from lms.accounts.models import (
    Learner,
    LearnerCategory,
    MembershipSource,
    OrgUnit,
    OrgUnitMembership,
    OrgUnitParentPeriod,
)
from lms.credits.models import (
    AppliesTo,
    ContentGroup,
    CreditEntry,
    CreditRule,
    Criterion,
    EmulationPeriod,
    EntryKind,
    Target,
    TargetCourse,
)

START, CUTOFF, END = dt.date(2030, 1, 1), dt.date(2030, 11, 30), dt.date(2030, 12, 31)
DAYS = st.integers(0, (END - START).days)
MANDATORY = st.sets(st.sampled_from(["MAN01", "MAN02"]), max_size=2)


@st.composite
def worlds(draw):
    """A tree of 2–6 units; people who may move once (on a day of the period); entries
    on days of the period; a minimum of 2–6 credits."""
    units = draw(st.integers(2, 6))
    parents = [None] + [draw(st.integers(0, index - 1)) for index in range(1, units)]
    people = []
    for _ in range(draw(st.integers(1, 8))):
        first = draw(st.integers(0, units - 1))
        move = draw(st.none() | st.tuples(DAYS, st.integers(0, units - 1)))
        hired = draw(st.none() | st.dates(dt.date(2020, 1, 1), END))
        entries = draw(st.lists(st.tuples(DAYS, st.integers(0, 4)), max_size=4))
        people.append({"first": first, "move": move, "hired": hired, "entries": entries,
                       "done": draw(MANDATORY)})
    return {"parents": parents, "people": people, "minimum": draw(st.integers(2, 6)),
            "mandatory": draw(MANDATORY)}


def unit_on(person, day: dt.date) -> int:
    if person["move"] is not None and day >= START + dt.timedelta(days=person["move"][0]):
        return person["move"][1]
    return person["first"]


def brute_force(world):
    """Every number of the standings, by plain loops over the generated facts."""
    counted = {index: 0 for index in range(len(world["parents"]))}
    meeting, credits = dict(counted), {index: Decimal("0") for index in counted}
    six_months_before = dt.date(2030, 5, 30)
    totals = []
    for person in world["people"]:
        total = Decimal(sum(value for _day, value in person["entries"]))
        totals.append(total)
        for day, value in person["entries"]:
            credits[unit_on(person, START + dt.timedelta(days=day))] += value
        unit = unit_on(person, CUTOFF)
        if person["hired"] is None or person["hired"] <= six_months_before:
            counted[unit] += 1
            meeting[unit] += total >= world["minimum"] and world["mandatory"] <= person["done"]
    rows = []
    for index in counted:
        if counted[index]:
            key = (
                0,
                -Decimal(meeting[index]) / counted[index],
                -credits[index] / counted[index],
                -counted[index],
                f"G{index}",
            )
        else:
            key = (1, 0, 0, 0, f"G{index}")
        rows.append((key, (f"G{index}", counted[index], meeting[index], credits[index])))
    return [row for _key, row in sorted(rows)], sorted(totals, reverse=True)


def build(db, world):
    """The generated world in the database (inside the test's transaction)."""
    units = []
    for index, parent in enumerate(world["parents"]):
        unit = OrgUnit(
            code=f"G{index}",
            name_vi=f"Đơn vị {index}",
            name_en=f"Unit {index}",
            parent_id=units[parent].id if parent is not None else None,
            path="/",
        )
        db.add(unit)
        db.flush()
        unit.path = (units[parent].path if parent is not None else "/") + f"{unit.id}/"
        db.add(
            OrgUnitParentPeriod(
                org_unit_id=unit.id, parent_id=unit.parent_id, valid_from=dt.date(2020, 1, 1)
            )
        )
        units.append(unit)
    period = EmulationPeriod(
        code="G2030",
        name_vi="2030",
        name_en="2030",
        starts_on=START,
        ends_on=END,
        cutoff_on=CUTOFF,
        new_member_months=6,
    )
    criterion = Criterion(
        code="GX",
        content_group=ContentGroup.AWARENESS,
        name_vi="x",
        name_en="x",
        applies_to=AppliesTo.BOTH,
    )
    db.add_all([period, criterion])
    db.flush()
    rule = CreditRule(code="GR", criterion_id=criterion.id, topic="ai", valid_from=START)
    course = Course(
        code="GEN01",
        version=1,
        topic=Topic.AI,
        title_vi="x",
        title_en="x",
        summary_vi="x",
        summary_en="x",
        periods=1,
        minutes=45,
        pass_mark=50,
        search_text="x",
        pack_sha256="0" * 64,
    )
    target = Target(period_id=period.id, scope_key="*:*", min_credits=world["minimum"])
    db.add_all([rule, course, target])
    db.flush()
    mandatory = {}
    for code in ("MAN01", "MAN02"):
        mandatory[code] = Course(code=code, version=1, topic=Topic.CYBERSECURITY, title_vi=code,
                                 title_en=code, summary_vi="x", summary_en="x", periods=1,
                                 minutes=45, pass_mark=50, search_text="x", pack_sha256="0" * 64)
        db.add(mandatory[code])
    db.add_all([TargetCourse(target_id=target.id, course_code=code, due_on=END)
                for code in sorted(world["mandatory"])])
    db.flush()
    for number, person in enumerate(world["people"]):
        learner = Learner(
            full_name=f"Người {number}", search_name=f"nguoi {number}", hired_on=person["hired"]
        )
        db.add(learner)
        db.flush()
        since = dt.date(2020, 1, 1)
        if person["move"] is None:
            spans = [(person["first"], since, None)]
        else:
            moved = START + dt.timedelta(days=person["move"][0])
            spans = [(person["first"], since, moved), (person["move"][1], moved, None)]
        for unit_index, valid_from, valid_to in spans:
            db.add(
                OrgUnitMembership(
                    learner_id=learner.id,
                    org_unit_id=units[unit_index].id,
                    valid_from=valid_from,
                    valid_to=valid_to,
                    source=MembershipSource.ADMIN,
                )
            )
        learner.org_unit_id = units[spans[-1][0]].id
        for code in sorted(person["done"]):  # mandatory courses, credited nothing here
            db.add(CourseCompletion(
                learner_id=learner.id, course_code=code, cycle=1, course_id=mandatory[code].id,
                course_version=1, periods=0, title_vi=code, title_en=code,
                completed_dt=dt.datetime.combine(START + dt.timedelta(days=40), dt.time(5), dt.UTC),
                org_unit_id=units[unit_on(person, START + dt.timedelta(days=40))].id))
        for cycle, (day, value) in enumerate(person["entries"], start=1):
            earned = START + dt.timedelta(days=day)
            unit = units[unit_on(person, earned)]
            completion = CourseCompletion(
                learner_id=learner.id,
                course_code="GEN01",
                cycle=cycle,
                course_id=course.id,
                course_version=1,
                periods=value,
                title_vi="x",
                title_en="x",
                completed_dt=dt.datetime.combine(earned, dt.time(5), dt.UTC),
                org_unit_id=unit.id,
            )
            db.add(completion)
            db.flush()
            db.add(
                CreditEntry(
                    kind=EntryKind.AWARD,
                    learner_id=learner.id,
                    period_id=period.id,
                    criterion_id=criterion.id,
                    rule_id=rule.id,
                    completion_id=completion.id,
                    course_code="GEN01",
                    earned_on=earned,
                    org_unit_id=unit.id,
                    raw_value=value,
                    awarded_value=value,
                )
            )
    db.flush()
    return units, period


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(world=worlds())
def test_standings_equal_a_brute_force_computation(app, db, app_context, world):
    from lms.credits.standings import standings

    with app_context(), app.test_request_context("/"):
        nested = db.begin_nested()
        try:
            units, period = build(db, world)
            table = standings(period, units[0])
            got = [(row.unit.code, row.members, row.meeting, row.credits) for row in table.units]
            expected_units, expected_totals = brute_force(world)
            assert got == expected_units
            members_on_cutoff = sorted((row.total for row in table.people), reverse=True)
            assert members_on_cutoff == expected_totals  # everyone is in some unit of the tree
            ranks = [row.rank for row in table.people]
            assert ranks[:1] in ([], [1]) and all(
                b == a or b == position
                for position, (a, b) in enumerate(zip(ranks, ranks[1:]), start=2)
            )
        finally:
            nested.rollback()


def test_a_transfer_mid_period_leaves_the_credits_with_the_old_unit(app, db, app_context):
    """Credits earned in G1 before moving to G2 stay in G1's credits; the person counts in
    G2's denominator (their unit on the cut-off), with all their credits for the target."""
    from lms.credits.standings import standings

    world = {
        "parents": [None, 0, 0],
        "minimum": 3,
        "mandatory": {"MAN01"},
        "people": [{"first": 1, "move": (100, 2), "hired": None, "entries": [(10, 2), (200, 1)],
                    "done": {"MAN01"}}],
    }
    with app_context(), app.test_request_context("/"):
        nested = db.begin_nested()
        try:
            units, period = build(db, world)
            rows = {row.unit.code: row for row in standings(period, units[0]).units}
            assert (rows["G1"].credits, rows["G1"].members) == (2, 0)
            assert (rows["G2"].credits, rows["G2"].members, rows["G2"].meeting) == (1, 1, 1)
            assert [row.code for row in [r.unit for r in standings(period, units[0]).units]][
                0
            ] == "G2"
        finally:
            nested.rollback()


CATEGORIES = st.sampled_from([None, "can_bo", "cong_chuc", "vien_chuc", "nguoi_lao_dong"])


@settings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(world=worlds(), categories=st.lists(CATEGORIES, min_size=8, max_size=8))
def test_each_person_is_judged_by_their_own_target(app, db, app_context, world, categories):
    """With targets for a subtree, a category, and both, the status the standings give
    each person (in SQL) is the one their own target gives in Python
    (``queries.pick_target`` and ``rules.target_status``), and the pages of people put
    together are the whole ranked list."""
    from lms.credits import queries
    from lms.credits.rules import target_status
    from lms.credits.standings import standings

    with app_context(), app.test_request_context("/"):
        nested = db.begin_nested()
        try:
            units, period = build(db, world)
            learners = db.query(Learner).filter(Learner.search_name.like("nguoi %")).all()
            for learner in learners:
                drawn = categories[int(learner.search_name.split()[1])]
                learner.category = LearnerCategory(drawn) if drawn else None
            sub = units[1]
            extra = [
                Target(period_id=period.id, org_unit_id=sub.id, scope_key=f"{sub.id}:*",
                       min_credits=1, exceeding_credits=3),
                Target(period_id=period.id, category="cong_chuc", scope_key="*:cong_chuc",
                       min_credits=Decimal("5.5")),
                Target(period_id=period.id, org_unit_id=sub.id, category="vien_chuc",
                       scope_key=f"{sub.id}:vien_chuc", min_credits=0, exceeding_credits=2),
            ]
            db.add_all(extra)
            db.flush()
            db.add(TargetCourse(target_id=extra[0].id, course_code="MAN02", due_on=END))
            db.flush()
            done = {f"nguoi {number}": person["done"] for number, person in enumerate(world["people"])}
            table = standings(period, units[0])
            by_id = {learner.id: learner for learner in learners}
            for row in table.people:
                learner = by_id[row.learner_id]
                category = learner.category.value if learner.category else None
                target = queries.target_for(period.id, row.unit, category)
                codes = {course.course_code for course in target.mandatory_courses}
                expected = target_status(row.total, target.min_credits, target.exceeding_credits,
                                         codes <= done[row.search_name])
                assert row.status == expected, (row.full_name, category, row.unit.code)
            pages = []
            for number in range(1, max(-(-len(table.people) // 3), 1) + 1):
                part = standings(period, units[0], people_page=number, page_size=3)
                assert part.people_total == len(table.people)
                pages.extend(part.people)
            assert [(r.learner_id, r.rank) for r in pages] == [
                (r.learner_id, r.rank) for r in table.people
            ]
        finally:
            nested.rollback()
            db.expunge_all()  # objects loaded inside the savepoint would clash next time
