"""The benchmark's database: the shipped packs imported for real, then learners, units,
enrolments with lesson progress, completions and credit-ledger entries in bulk (SQLAlchemy
Core, the models' tables), then the three signed-in people through the Python API.

Cached as a SQLite file per size under ``~/.cache/lms-bench-pages`` (rebuilt when the
generator version or the migration head changes); each run works on a copy."""
from __future__ import annotations

import datetime as dt
import json
import random
import shutil
import time
from pathlib import Path

import sqlalchemy as sa

from . import GENERATOR_VERSION, PASSWORD

FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi",
          "Đỗ", "Hồ", "Ngô", "Dương", "Lý")
MIDDLE = ("Văn", "Thị", "Hữu", "Minh", "Thanh", "Ngọc", "Đức", "Thu", "Quang", "Hoài")
GIVEN = ("An", "Bình", "Cường", "Dung", "Giang", "Hải", "Hạnh", "Hoa", "Hùng", "Hương", "Khánh",
         "Lan", "Linh", "Long", "Mai", "Nam", "Nga", "Phong", "Phúc", "Quân", "Sơn", "Tâm",
         "Thảo", "Trang", "Tuấn", "Vân", "Việt", "Yến")
PERIOD_START, PERIOD_END = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
USERS = {"learner": "bench.learner", "hr": "bench.hr", "admin": "bench.admin"}


def cache_path(learners: int, head: str) -> Path:
    folder = Path.home() / ".cache" / "lms-bench-pages"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"lms-{learners}-g{GENERATOR_VERSION}-m{head}.sqlite3"


def prepared_database(learners: int, workdir: Path, app_factory, setup) -> tuple[Path, dict, bool]:
    """A working copy of the cached database of ``learners`` people (generated first if
    needed), what ``setup(app)`` returned when it was generated (kept beside it as JSON:
    the learner's page paths), and True when it was generated in this run."""
    from lms.migrations_runner import upgrade

    head = _head_revision()
    cached = cache_path(learners, head)
    made = False
    if not cached.exists():
        started = time.perf_counter()
        partial = cached.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        engine = sa.create_engine(f"sqlite:///{partial}")
        upgrade("head", engine=engine)
        engine.dispose()
        app = app_factory(f"sqlite:///{partial}")
        _import_packs(app)
        _bulk(f"sqlite:///{partial}", learners)
        _people_who_sign_in(app)
        cached.with_suffix(".json").write_text(json.dumps(setup(app)))
        from lms.extension import get_state

        get_state(app).database.dispose()
        partial.rename(cached)
        made = True
        print(f"  generated {learners:,} learners in {time.perf_counter() - started:.0f} s → {cached}")
    copy = workdir / f"lms-{learners}.sqlite3"
    shutil.copyfile(cached, copy)
    return copy, json.loads(cached.with_suffix(".json").read_text()), made


def _head_revision() -> str:
    from lms.migrations_runner import head_revisions

    return "-".join(head_revisions())


def _import_packs(app) -> None:
    result = app.test_cli_runner().invoke(args=["lms", "import-pack", "--shipped"])
    if result.exit_code != 0:
        raise RuntimeError(f"import-pack --shipped failed:\n{result.output}")


def _bulk(url: str, learners: int, seed: int = 14) -> None:
    from lms.accounts.models import given_name_of
    from lms.db import metadata
    from lms.i18n import strip_diacritics
    from lms.models_registry import load_all_models

    load_all_models()
    rng = random.Random(seed)
    now = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
    units = max(learners // 100, 20)  # 200 units at 20,000 people, 2,000 at 200,000
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        tables = metadata.tables

        def insert(name, rows):
            for start in range(0, len(rows), 20000):
                connection.execute(tables[name].insert(), rows[start:start + 20000])

        courses = connection.execute(sa.text(
            "SELECT id, code, version, periods, title_vi, title_en FROM lms_courses "
            "WHERE is_published")).all()
        lessons = {}
        for course_id, lesson_id in connection.execute(sa.text(
                "SELECT course_id, id FROM lms_lessons ORDER BY course_id, number")):
            lessons.setdefault(course_id, []).append(lesson_id)
        unit_rows, paths = [], {}
        departments = max(1, units // 10)
        for unit_id in range(1, units + 1):
            parent = None if unit_id == 1 else (1 if unit_id <= 1 + departments
                                                else rng.randint(2, 1 + departments))
            paths[unit_id] = (paths[parent] if parent else "/") + f"{unit_id}/"
            unit_rows.append({"id": unit_id, "code": f"U{unit_id:04d}", "name_vi": f"Đơn vị {unit_id}",
                              "name_en": f"Unit {unit_id}", "parent_id": parent,
                              "path": paths[unit_id], "created_dt": now})
        insert("lms_org_units", unit_rows)
        insert("lms_org_unit_parents", [{"org_unit_id": row["id"], "parent_id": row["parent_id"],
                                         "valid_from": dt.date(2020, 1, 1)} for row in unit_rows])
        insert("lms_credit_periods", [{
            "id": 1, "code": "2026", "name_vi": "Năm 2026", "name_en": "2026",
            "starts_on": PERIOD_START, "ends_on": PERIOD_END, "cutoff_on": dt.date(2026, 11, 30),
            "is_locked": False, "new_member_months": 6, "reference": "bench"}])
        insert("lms_credit_criteria", [{
            "id": 1, "code": "ND6", "content_group": "awareness", "name_vi": "Học tập",
            "name_en": "Learning", "applies_to": "both", "reference": "bench"}])
        insert("lms_credit_rules", [{
            "id": 1, "code": "R1", "criterion_id": 1, "topic": "ai", "value_kind": "periods",
            "factor": 1, "on_time_bonus": 0, "valid_from": PERIOD_START, "reference": "bench",
            "created_dt": now}])
        insert("lms_credit_targets", [{"id": 1, "period_id": 1, "scope_key": "*:*",
                                       "min_credits": 8, "reference": "bench"}])
        people, memberships, enrolments, progress, completions, entries = [], [], [], [], [], []
        for learner_id in range(1, learners + 1):
            name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
            search = strip_diacritics(name)
            unit = rng.randint(1, units)
            people.append({"id": learner_id, "full_name": name, "search_name": search,
                           "given_name_key": given_name_of(search), "staff_code": f"S{learner_id:07d}",
                           "org_unit_id": unit, "hired_on": dt.date(2015, 1, 1), "is_active": True,
                           "created_dt": now, "updated_dt": now})
            memberships.append({"learner_id": learner_id, "org_unit_id": unit,
                                "valid_from": dt.date(2020, 1, 1), "valid_to": None,
                                "source": "admin", "recorded_dt": now})
            for course_id, code, version, periods, title_vi, title_en in rng.sample(courses, 3):
                course_lessons = lessons.get(course_id, [])
                done = rng.randint(0, len(course_lessons))
                enrolments.append({"id": len(enrolments) + 1, "learner_id": learner_id,
                                   "course_id": course_id, "course_code": code, "enrolled_dt": now,
                                   "lessons_done": done, "last_activity_dt": now})
                for lesson_id in course_lessons[:done]:
                    progress.append({"enrollment_id": len(enrolments), "lesson_id": lesson_id,
                                     "first_opened_dt": now, "last_seen_dt": now,
                                     "active_seconds": 600, "done_dt": now})
                if done == len(course_lessons) and rng.random() < 0.8:
                    day = PERIOD_START + dt.timedelta(days=rng.randint(0, 150))
                    completions.append({
                        "id": len(completions) + 1, "learner_id": learner_id, "course_code": code,
                        "cycle": 1, "course_id": course_id, "course_version": version,
                        "periods": periods, "title_vi": title_vi, "title_en": title_en,
                        "org_unit_id": unit, "score_percent": 85.0,
                        "completed_dt": dt.datetime.combine(day, dt.time(3), dt.UTC)})
                    entries.append({
                        "kind": "award", "learner_id": learner_id, "period_id": 1, "criterion_id": 1,
                        "rule_id": 1,
                        "completion_id": len(completions), "generation": 1, "course_code": code,
                        "earned_on": day, "org_unit_id": unit, "is_mandatory": False,
                        "raw_value": periods, "bonus_value": 0, "awarded_value": periods,
                        "reasons": [], "created_dt": now})
        for name, rows in (("lms_learners", people), ("lms_org_unit_memberships", memberships),
                           ("lms_enrollments", enrolments), ("lms_lesson_progress", progress),
                           ("lms_course_completions", completions), ("lms_credit_entries", entries)):
            insert(name, rows)
        connection.exec_driver_sql("ANALYZE")
    engine.dispose()


def _people_who_sign_in(app) -> None:
    """A learner in a small unit, an HR officer of the whole province (the widest list)
    and an admin, with accounts, through the app's own operations."""
    from lms.accounts import operations
    from lms.accounts.models import OrgUnit, Role
    from lms.db import get_session

    with app.app_context():
        session = get_session()
        province = session.get(OrgUnit, 1)
        unit = session.get(OrgUnit, 2)
        for role, username in USERS.items():
            person = operations.create_learner(full_name=f"Người Đo {role.title()}",
                                               staff_code=username.upper(), org_unit=unit)
            operations.create_account(person, username, PASSWORD)
            if role == "hr":
                operations.grant_role(person, Role.HR, province, actor=None)
            elif role == "admin":
                operations.grant_role(person, Role.ADMIN, None, actor=None)
        session.commit()
