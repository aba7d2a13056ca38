"""Benchmark of the credit standings (issue 9, point 9), one command:

    .venv/bin/python bench/standings.py [--learners 30000] [--units 200] [--seed 1]

Generates its own SQLite database: ``--units`` org units (a province, departments,
divisions), ``--learners`` people with 5 completions each (one ledger entry per
completion), 10 % of them transferred mid-period, 5 % hired less than six months before
the cut-off. Then times ``lms.credits.standings.standings`` for the whole tree as the
standings page asks for it (every unit's numbers, everyone ranked, the first page of 50
people built) next to a plain SQL aggregate of the unit numbers in the same run (best of
3 each), checks the numbers are equal, and prints the ratio. Targets: standings under 1 s and within 3×
the aggregate. Each time is reported as wall-clock and as this process's CPU time: SQLite
runs in the process, so on a shared machine the CPU time stands for a quiet run (the load
average is printed). Exit status 0 only when the numbers are equal (the timings are
reported, and their targets said met or not).
"""

from __future__ import annotations

import argparse
import os
import datetime as dt
import random
import sys
import tempfile
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

START, CUTOFF, END = dt.date(2026, 1, 1), dt.date(2026, 11, 30), dt.date(2026, 12, 31)
MINIMUM = 8

AGGREGATE = """
WITH members AS (
  SELECT m.learner_id, m.org_unit_id, l.hired_on, l.is_active FROM lms_org_unit_memberships m
  JOIN lms_learners l ON l.id = m.learner_id
  WHERE m.valid_from <= :cutoff AND (m.valid_to IS NULL OR m.valid_to > :cutoff)),
totals AS (
  SELECT learner_id, SUM(awarded_value) AS total FROM lms_credit_entries
  WHERE period_id = :period GROUP BY learner_id),
unit_credits AS (
  SELECT org_unit_id, SUM(awarded_value) AS credits FROM lms_credit_entries
  WHERE period_id = :period GROUP BY org_unit_id)
SELECT u.code,
  (SELECT COUNT(*) FROM members m WHERE m.org_unit_id = u.id AND m.is_active
     AND (m.hired_on IS NULL OR m.hired_on <= :newest)) AS counted,
  (SELECT COUNT(*) FROM members m JOIN totals t ON t.learner_id = m.learner_id
     WHERE m.org_unit_id = u.id AND m.is_active AND (m.hired_on IS NULL OR m.hired_on <= :newest)
     AND t.total >= :minimum) AS meeting,
  COALESCE((SELECT credits FROM unit_credits c WHERE c.org_unit_id = u.id), 0) AS credits
FROM lms_org_units u ORDER BY u.code
"""


def generate(engine, learners: int, units: int, seed: int) -> int:
    """Bulk inserts with Core; returns the period id."""
    rng = random.Random(seed)
    now = dt.datetime(2025, 12, 1, tzinfo=dt.UTC)
    from lms.db import metadata
    from lms.models_registry import load_all_models

    load_all_models()
    with engine.begin() as connection:

        def insert(table, rows):
            if rows:  # the models' tables, so JSON, dates and enums bind as the app binds them
                connection.execute(metadata.tables[table].insert(), rows)

        unit_rows, paths = [], {}
        departments = max(1, units // 10)
        for unit_id in range(1, units + 1):
            parent = (
                None
                if unit_id == 1
                else (1 if unit_id <= 1 + departments else rng.randint(2, 1 + departments))
            )
            paths[unit_id] = (paths[parent] if parent else "/") + f"{unit_id}/"
            unit_rows.append(
                {
                    "id": unit_id,
                    "code": f"U{unit_id:04d}",
                    "name_vi": f"Đơn vị {unit_id}",
                    "name_en": f"Unit {unit_id}",
                    "parent_id": parent,
                    "path": paths[unit_id],
                    "created_dt": now,
                }
            )
        insert("lms_org_units", unit_rows)
        insert(
            "lms_org_unit_parents",
            [
                {
                    "org_unit_id": row["id"],
                    "parent_id": row["parent_id"],
                    "valid_from": dt.date(2020, 1, 1),
                }
                for row in unit_rows
            ],
        )
        insert(
            "lms_credit_periods",
            [
                {
                    "id": 1,
                    "code": "2026",
                    "name_vi": "2026",
                    "name_en": "2026",
                    "starts_on": START,
                    "ends_on": END,
                    "cutoff_on": CUTOFF,
                    "is_locked": False,
                    "new_member_months": 6,
                    "reference": "bench",
                }
            ],
        )
        insert(
            "lms_credit_criteria",
            [
                {
                    "id": 1,
                    "code": "ND6",
                    "content_group": "awareness",
                    "name_vi": "x",
                    "name_en": "x",
                    "applies_to": "both",
                    "reference": "bench",
                }
            ],
        )
        insert(
            "lms_credit_rules",
            [
                {
                    "id": 1,
                    "code": "R",
                    "criterion_id": 1,
                    "topic": "ai",
                    "value_kind": "periods",
                    "factor": 1,
                    "on_time_bonus": 0,
                    "valid_from": START,
                    "reference": "bench",
                    "created_dt": now,
                }
            ],
        )
        insert(
            "lms_credit_targets",
            [
                {
                    "id": 1,
                    "period_id": 1,
                    "scope_key": "*:*",
                    "min_credits": MINIMUM,
                    "reference": "bench",
                }
            ],
        )
        insert(
            "lms_courses",
            [
                {
                    "id": 1,
                    "code": "AI01",
                    "version": 1,
                    "topic": "ai",
                    "title_vi": "x",
                    "title_en": "x",
                    "summary_vi": "x",
                    "summary_en": "x",
                    "periods": 2,
                    "minutes": 90,
                    "pass_mark": 70,
                    "is_mandatory": False,
                    "competences": {},
                    "legal_references": [],
                    "search_text": "x",
                    "is_published": True,
                    "pack_sha256": "0" * 64,
                    "imported_dt": now,
                }
            ],
        )
        people, memberships, completions, entries = [], [], [], []
        completion_id = 0
        for learner_id in range(1, learners + 1):
            first = rng.randint(1, units)
            recent = rng.random() < 0.05
            hired = dt.date(2026, 8, 1) if recent else dt.date(2015, 1, 1)
            people.append(
                {
                    "id": learner_id,
                    "full_name": f"Người {learner_id}",
                    "search_name": f"nguoi {learner_id}",
                    "given_name_key": f"{learner_id}",  # the last word, as Learner keeps it
                    "org_unit_id": first,
                    "hired_on": hired,
                    "is_active": True,
                    "created_dt": now,
                    "updated_dt": now,
                }
            )
            move = START + dt.timedelta(days=rng.randint(30, 300)) if rng.random() < 0.10 else None
            second = rng.randint(1, units) if move else None
            if move:
                memberships += [
                    {
                        "learner_id": learner_id,
                        "org_unit_id": first,
                        "valid_from": dt.date(2020, 1, 1),
                        "valid_to": move,
                        "source": "admin",
                        "recorded_dt": now,
                    },
                    {
                        "learner_id": learner_id,
                        "org_unit_id": second,
                        "valid_from": move,
                        "valid_to": None,
                        "source": "admin",
                        "recorded_dt": now,
                    },
                ]
                people[-1]["org_unit_id"] = second
            else:
                memberships.append(
                    {
                        "learner_id": learner_id,
                        "org_unit_id": first,
                        "valid_from": dt.date(2020, 1, 1),
                        "valid_to": None,
                        "source": "admin",
                        "recorded_dt": now,
                    }
                )
            for cycle in range(1, 6):
                completion_id += 1
                day = START + dt.timedelta(days=rng.randint(0, 333))
                unit = second if move and day >= move else first
                value = rng.choice((1, 2, 2, 3))
                completions.append(
                    {
                        "id": completion_id,
                        "learner_id": learner_id,
                        "course_code": "AI01",
                        "cycle": cycle,
                        "course_id": 1,
                        "course_version": 1,
                        "periods": value,
                        "title_vi": "x",
                        "title_en": "x",
                        "org_unit_id": unit,
                        "completed_dt": dt.datetime.combine(day, dt.time(3), dt.UTC),
                    }
                )
                entries.append(
                    {
                        "kind": "award",
                        "learner_id": learner_id,
                        "period_id": 1,
                        "criterion_id": 1,
                        "rule_id": 1,
                        "completion_id": completion_id,
                        "generation": 1,
                        "course_code": "AI01",
                        "earned_on": day,
                        "org_unit_id": unit,
                        "is_mandatory": False,
                        "raw_value": value,
                        "bonus_value": 0,
                        "awarded_value": value,
                        "reasons": [],
                        "created_dt": now,
                    }
                )
        for table, rows in (
            ("lms_learners", people),
            ("lms_org_unit_memberships", memberships),
            ("lms_course_completions", completions),
            ("lms_credit_entries", entries),
        ):
            for start in range(0, len(rows), 20000):
                insert(table, rows[start : start + 20000])
        connection.exec_driver_sql("ANALYZE")
    return 1


@dataclass(frozen=True)
class Timing:
    """Best of several runs: wall-clock time, and the CPU time of this process. SQLite
    runs inside the process, so on a machine shared with other work the CPU time is
    what the same run would take on a quiet one; the wall time is what a user waits."""

    wall: float
    cpu: float


def best_of(runs: int, function) -> tuple[Timing, object]:
    walls, cpus, result = [], [], None
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        result = function()
        cpus.append(time.process_time() - cpu)
        walls.append(time.perf_counter() - wall)
    return Timing(min(walls), min(cpus)), result


def report(label: str, timing: Timing, note: str = "") -> None:
    print(f"{label:<36}{timing.wall * 1000:>7.0f} ms wall {timing.cpu * 1000:>7.0f} ms CPU{note}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=30000)
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    from flask import g

    from lms import create_app
    from lms.migrations_runner import upgrade

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        engine = sa.create_engine(url)
        upgrade("head", engine=engine)
        started = time.perf_counter()
        period_id = generate(engine, args.learners, args.units, args.seed)
        print(
            f"generated {args.learners} learners, {args.units} units, {args.learners * 5} completions "
            f"in {time.perf_counter() - started:.1f} s"
        )
        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "bench-secret-0123456789-abcdefghijklmnop",
                "LMS_DATABASE_URL": url,
            }
        )
        from lms.accounts.models import OrgUnit
        from lms.credits.models import EmulationPeriod
        from lms.credits.standings import standings

        with app.app_context():
            session = app.extensions["lms"].database.new_session(for_write=False)
            g._lms_session = session
            period = session.get(EmulationPeriod, period_id)
            root = session.get(OrgUnit, 1)

            def run_standings():
                session.expire_all()
                table = standings(period, root, months=False, people_page=1)
                return sorted(
                    (row.unit.code, row.members, row.meeting, Decimal(row.credits))
                    for row in table.units
                )

            def run_aggregate():
                rows = session.execute(
                    sa.text(AGGREGATE),
                    {
                        "cutoff": CUTOFF,
                        "period": period_id,
                        "minimum": MINIMUM,
                        "newest": dt.date(2026, 5, 30),
                    },
                ).all()
                return sorted(
                    (code, counted, meeting, Decimal(str(credits)))
                    for code, counted, meeting, credits in rows
                )

            standings_time, ours = best_of(3, run_standings)
            months_time, _months = best_of(
                3, lambda: standings(period, root, people_page=1).month_rows
            )
            everyone_time, _everyone = best_of(3, lambda: standings(period, root, months=False))
            aggregate_time, plain = best_of(3, run_aggregate)
            session.close()
            g.pop("_lms_session")
        app.extensions["lms"].database.dispose()
        engine.dispose()
    equal = ours == plain
    load = os.getloadavg()[0]
    print(f"load average while measuring: {load:.1f} on {os.cpu_count()} cores")
    report(
        "standings (lms.credits.standings):",
        standings_time,
        f"  (target < 1000 ms: {'met' if standings_time.cpu < 1 else 'NOT met'}, on CPU time)",
    )
    report("plain SQL aggregate:", aggregate_time)
    for kind in ("cpu", "wall"):
        ours_time, theirs = getattr(standings_time, kind), getattr(aggregate_time, kind)
        ratio = ours_time / theirs if theirs else float("inf")
        print(
            f"ratio standings / aggregate ({kind}):".ljust(36)
            + f"{ratio:.2f}×  (target ≤ 3×: {'met' if ratio <= 3 else 'NOT met'})"
        )
    report("standings with the month chart:", months_time, "  (the page; not in the ratio)")
    report(
        "standings with everyone listed:", everyone_time, "  (the shortlist's input; not in the ratio)"
    )
    print(
        f"numbers equal: {'yes' if equal else 'NO'} ({len(ours)} units, "
        f"{sum(row[1] for row in ours)} members counted, {sum(row[2] for row in ours)} meeting the target)"
    )
    if not equal:
        for mine, theirs in zip(ours, plain):
            if mine != theirs:
                print("  differs:", mine, theirs)
                break
    return 0 if equal else 1


if __name__ == "__main__":
    sys.exit(main())
