"""Shared fixtures, in the style of flaskr and indico.

- ``database_url`` (session): a fresh, migrated database. SQLite file by default;
  with ``LMS_TEST_DATABASE_URL=postgresql://…/test`` a new PostgreSQL database is
  created on that server for the run and dropped at the end.
- ``app``: a standalone LMS app on that database; ``db``: its session, rolled back
  after each test; ``client``: the test client.
- factories ``create_unit``, ``create_learner``; helper ``login``.
- fixtures shared by test modules of this folder: ``empty_database`` (migration tests),
  ``portal`` (the host app), ``world`` (the access matrix's), ``units`` and ``admin_client``
  (learner imports). Their helpers are plain modules (tests/host_portal.py,
  tests/access_world.py, tests/learner_import_files.py): no test module imports another.
"""
from __future__ import annotations

import os
import re
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from lms.migrations_runner import upgrade
from tests import route_builders
from tests.access_world import _archive, _certificates, _export_and_token, _external
from tests.host_portal import (HOST_LAYOUT, OVERRIDDEN_HOME, README, PortalUser,
                               readme_python_example)

from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

# Property tests must not fail because a shared CI machine is slow for a moment; in CI
# the examples are derandomised so a red run can be repeated exactly.
hypothesis_settings.register_profile(
    "lms", deadline=None, suppress_health_check=[HealthCheck.too_slow],
    derandomize=bool(os.environ.get("CI")), print_blob=True)
hypothesis_settings.load_profile("lms")

route_builders.install()  # a new app per test, its routes compiled once per run

#: The longest test files (about a third of a run), started first: ``make test`` hands
#: whole files to the workers (``--dist loadfile --no-loadscope-reorder``) in collection
#: order, and one of these started last kept a worker busy alone for minutes while the
#: other had finished.
LONG_FILES_FIRST = ("test_hostile_input.py", "test_blind_learner.py", "test_streaming.py",
                    "test_quickstart.py", "test_access_matrix.py", "test_browser_auth.py")


def pytest_collection_modifyitems(config, items):
    rank = {name: index for index, name in enumerate(LONG_FILES_FIRST)}
    # A stable sort: the files moved keep their tests' order, the rest keep theirs.
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))


TEST_SECRET = "test-secret-key-that-is-long-enough-0123456789"
PASSWORD = "correct horse battery"


# --- database --------------------------------------------------------------------------

def _server_url() -> str | None:
    return os.environ.get("LMS_TEST_DATABASE_URL") or None


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    server = _server_url()
    if server is None:
        path = tmp_path_factory.mktemp("db") / "lms-test.sqlite3"
        url = f"sqlite:///{path}"
        _migrate(url)
        yield url
        return
    url, drop = _create_postgres_database(server)
    try:
        _migrate(url)
        yield url
    finally:
        drop()


def _migrate(url: str) -> None:
    engine = sa.create_engine(url)
    upgrade("head", engine=engine)
    engine.dispose()


def _create_postgres_database(server_url: str):
    """Create ``lms_test_<random>`` on the server of ``server_url``; return (url, drop)."""
    server_url = server_url.replace("postgresql://", "postgresql+psycopg://", 1)
    name = f"lms_test_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = sa.engine.make_url(server_url).set(database=name).render_as_string(hide_password=False)

    def drop():
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()

    return url, drop


@pytest.fixture(scope="session")
def engine(database_url):
    engine = sa.create_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def is_postgres(database_url) -> bool:
    return database_url.startswith("postgresql")


@pytest.fixture
def empty_database(tmp_path):
    """A database with no tables, for the migration tests: SQLite file, or a new
    PostgreSQL database when the suite runs on PostgreSQL."""
    server = _server_url()
    if server is None:
        engine = sa.create_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
        yield engine
        engine.dispose()
        return
    url, drop = _create_postgres_database(server)
    engine = sa.create_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()
        drop()


# --- app, db, client -------------------------------------------------------------------

def make_test_config(**overrides) -> dict:
    config = {
        "TESTING": True,
        "SECRET_KEY": TEST_SECRET,
        "WTF_CSRF_ENABLED": False,
        "LMS_PASSWORD_MIN_LENGTH": 10,
        # Fast hashing for tests only (production keeps scrypt): hundreds of accounts are made.
        "LMS_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        # Tasks run at once after commit, in the committing process (no worker needed).
        "LMS_TASK_QUEUE_IMMEDIATE": True,
        # Most tests mark lessons done at once and start quizzes straight away; the tests
        # of learning time (tests/courses/test_learning_time.py) set these back on.
        "LMS_MIN_LESSON_SHARE": 0,
        "LMS_QUIZ_REQUIRES_LESSONS": False,
    }
    config.update(overrides)
    return config


@pytest.fixture
def app_config() -> dict:
    """Override in a module (or parametrize) to change the app's settings."""
    return {}


@pytest.fixture
def app(engine, app_config, tmp_path):
    from flask import Flask

    from lms.extension import LMS

    flask_app = Flask("lms", instance_path=str(tmp_path / "instance"), static_folder=None)
    flask_app.config.update(make_test_config(**app_config))
    LMS(flask_app, engine=engine)
    return flask_app


@pytest.fixture
def db(app, engine):
    """A session on the test's database; everything the test and its requests wrote is
    rolled back at the end, commits included (they become savepoint releases).

    No app context stays pushed: Flask would reuse it (and its ``g``) for every test
    request, hiding bugs. Code that needs one uses the ``app_context`` fixture.
    """
    connection = engine.connect()
    transaction = connection.begin()
    database = app.extensions["lms"].database
    database.bind_sessions_to(connection)
    session = database.new_session(for_write=True)
    yield session
    session.close()
    transaction.rollback()
    connection.close()


@pytest.fixture
def app_context(app, db):
    """``with app_context(): ...`` runs LMS code with ``db`` as its session."""
    from contextlib import contextmanager

    from flask import g

    @contextmanager
    def pushed():
        with app.app_context():
            g._lms_session = db
            try:
                yield db
            finally:
                g.pop("_lms_session", None)  # the test owns db: teardown must not close it

    return pushed


@pytest.fixture
def client(app, db):
    return app.test_client()


# --- factories -------------------------------------------------------------------------

@pytest.fixture
def create_unit(db, app_context):
    from lms.accounts import operations

    counter = iter(range(1, 10_000))

    def create(code: str | None = None, *, parent=None, name_vi: str | None = None,
               name_en: str | None = None):
        number = next(counter)
        code = code or f"U{number:03d}"
        with app_context():
            unit = operations.create_org_unit(code, name_vi or f"Đơn vị {number}",
                                              name_en or f"Unit {number}", parent)
            db.commit()
        return unit

    return create


@pytest.fixture
def create_learner(db, app_context):
    from lms.accounts import operations
    from lms.accounts.models import Role

    counter = iter(range(1, 10_000))

    def create(full_name: str = "Nguyễn Văn An", *, username: str | None = None,
               password: str = PASSWORD, unit=None, roles=(), hr_unit=None, staff_code=None,
               **fields):
        number = next(counter)
        with app_context():
            learner = operations.create_learner(full_name=full_name,
                                                staff_code=staff_code or f"T{number:04d}",
                                                org_unit=unit, **fields)
            if username:
                operations.create_account(learner, username, password)
            for role in roles:
                role = Role(role)
                operations.grant_role(learner, role, hr_unit if role == Role.HR else None,
                                      actor=None)
            db.commit()
        return learner

    return create


def csrf_token_from(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert match, "page has no CSRF token"
    return match.group(1)


@pytest.fixture
def login(client):
    def do_login(username: str, password: str = PASSWORD, *, follow_redirects: bool = False):
        return client.post("/auth/login", data={"username": username, "password": password},
                           follow_redirects=follow_redirects)

    return do_login


@pytest.fixture
def project_root() -> Path:
    return Path(__file__).resolve().parent.parent


# --- courses ---------------------------------------------------------------------------

#: A 1×1 PNG, enough to be a real image for the pack loader.
TINY_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6300010000050001a5f645400000000049454e44ae426082")


#: The self-check of pack_files(self_check=True): question, wrong choice, right choice.
SELF_CHECK_TEXT = {"vi": ("Mã OTP có được đưa cho người khác không?", "Có, nếu người đó là đồng nghiệp",
                          "Không bao giờ đưa cho ai"),
                   "en": ("May a one-time code be given to someone else?", "Yes, to a colleague",
                          "Never, to anyone")}


def pack_files(code="TEST01", version=1, lessons=2, quiz=False, media=True, topic="cybersecurity",
               title_vi="An toàn thông tin thử nghiệm", title_en="Test cybersecurity",
               self_check=False) -> dict:
    """The files of a small valid content pack, for tests to build on (or break)."""
    import yaml

    course = {"code": code, "version": version, "topic": topic,
              "title": {"vi": title_vi, "en": title_en},
              "summary": {"vi": "Khóa học ngắn để kiểm thử phần mềm.", "en": "A short course for tests."},
              "periods": 1, "minutes": 23, "pass_mark": 70, "mandatory": False,
              "competences": {"digcomp": ["4.1"], "tt02": ["4.1", "6.2"]}}
    files = {"course.yaml": yaml.safe_dump(course, allow_unicode=True).encode()}
    for number in range(1, lessons + 1):
        image = "\n![Sơ đồ minh họa](media/pic.png)\n" if media and number == 1 else ""
        # Lesson 1 teaches the course's 6.2 too: a course claims only what its lessons teach.
        lesson_tags = '["4.1", "6.2"]' if number == 1 else '["4.1"]'
        files[f"lessons/{number:02d}-bai-{number}.vi.md"] = (
            f"---\ntitle: Bài học số {number}\nminutes: 8\ncompetences: {lesson_tags}\n---\n\n"
            f"## Nội dung chính\n\nĐây là bài học số {number} về bảo vệ dữ liệu của cơ quan.\n{image}"
        ).encode()
        files[f"lessons/{number:02d}-bai-{number}.en.md"] = (
            f"---\ntitle: Lesson {number}\nminutes: 8\ncompetences: {lesson_tags}\n---\n\n"
            f"## Main points\n\nThis is lesson {number} about protecting the agency's data.\n{image}"
        ).encode()
    if media:
        files["media/pic.png"] = TINY_PNG
    if self_check:  # lesson 1 ends with one self-check question, key second (docs/content-packs.md)
        for lang, (question, wrong, right) in SELF_CHECK_TEXT.items():
            name = f"lessons/01-bai-1.{lang}.md"
            files[name] += (f"\n```self-check\n- question: \"{question}\"\n  choices:\n"
                            f"    - text: \"{wrong}\"\n      feedback: \"{wrong} ✗\"\n"
                            f"    - text: \"{right}\"\n      correct: true\n      feedback: \"{right} ✓\"\n"
                            "```\n").encode()
    if quiz:
        files["quiz.yaml"] = yaml.safe_dump({
            "settings": {"questions_per_attempt": 1, "review": "after_passing"},
            "questions": [{"id": "q1", "type": "true_false", "text": {"vi": "Đúng không?", "en": "True?"},
                           "answer": True, "explanation": {"vi": "Vì đúng.", "en": "Because."}}]},
            allow_unicode=True).encode()
    return files


@pytest.fixture
def create_course(app, db, app_context):
    """Import a small pack (see pack_files) and return its Course."""
    from courses.pack_operations import import_pack
    from courses.pack_validation import validate_pack

    def create(*, publish=True, **options):
        with app_context():
            pack, errors = validate_pack(pack_files(**options), app.extensions["lms"].pack_parts)
            assert errors == [], errors
            course = import_pack(pack, publish=publish).course
            db.commit()
        return course

    return create


# --- cleaning up after tests that commit for real ------------------------------------------

@pytest.fixture
def commits_for_real(app, engine):
    """For a test whose writes are really committed (threads, several connections), which
    the ``db`` fixture's rollback cannot undo: at the end every row added since the test
    began is deleted, the side effects of the code under test included (audit events,
    outbox messages, ledger entries, certificates), and the certificate serial counters
    are put back. Without it a later test that counts audit events or sweeps the outbox
    meets this one's. Request it before the fixture that commits (it must end last)."""
    from lms.db import metadata

    with_ids = [table for table in metadata.sorted_tables if "id" in table.c]
    without_ids = [table for table in metadata.sorted_tables if "id" not in table.c]
    with engine.connect() as connection:
        marks = {table.name: connection.scalar(sa.select(sa.func.coalesce(sa.func.max(table.c.id), 0)))
                 for table in with_ids}
        kept = {table.name: [dict(row) for row in connection.execute(sa.select(table)).mappings()]
                for table in without_ids}
    yield
    with engine.begin() as connection:
        for table in reversed(metadata.sorted_tables):  # dependents first
            if table.name in marks:
                connection.execute(sa.delete(table).where(table.c.id > marks[table.name]))
            else:
                connection.execute(sa.delete(table))
                if kept[table.name]:
                    connection.execute(sa.insert(table), kept[table.name])


def delete_with_dependents(session, model, condition) -> None:
    """Delete the ``model`` rows matching ``condition`` and, before them, the rows of any
    LMS table that references them, recursively (a completion's certificate and its
    files, credit entries …): a feature added later needs no change in the tests that
    clean up completions."""
    table = model.__table__
    ids = session.scalars(sa.select(table.c.id).where(condition)).all()
    _delete_rows(session, table, ids)


def _delete_rows(session, table, ids) -> None:
    from lms.db import metadata

    if not ids:
        return
    for other in metadata.sorted_tables:
        if other is table:
            continue
        for key in other.foreign_keys:
            if key.column.table is not table or key.ondelete in ("CASCADE", "SET NULL"):
                continue  # the database clears those itself
            if "id" in other.c:
                child_ids = session.scalars(sa.select(other.c.id).where(key.parent.in_(ids))).all()
                _delete_rows(session, other, child_ids)
            else:
                session.execute(sa.delete(other).where(key.parent.in_(ids)))
    session.execute(sa.delete(table).where(table.c.id.in_(ids)))


# --- the LMS inside a host app (tests/test_host_app.py, tests/test_security_headers.py) ----

@pytest.fixture
def portal(tmp_path, monkeypatch):
    """The README's host app, completed with what a real portal has around it."""
    from flask import request
    from flask_login import login_user

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FLASK_LMS_DATABASE_URL", f"sqlite:///{tmp_path / 'portal.sqlite3'}")
    (tmp_path / "templates" / "portal").mkdir(parents=True)
    (tmp_path / "templates" / "lms").mkdir()
    (tmp_path / "templates" / "portal" / "layout.html").write_text(HOST_LAYOUT, encoding="utf-8")
    (tmp_path / "templates" / "lms" / "home.html").write_text(OVERRIDDEN_HOME, encoding="utf-8")
    namespace: dict = {}
    exec(compile(readme_python_example(), str(README), "exec"), namespace)
    app = namespace["app"]
    app.config["TESTING"] = True
    users = {"7": PortalUser("7", "Trần Thị Mai", "NV007", "SVHTTDL")}
    login_manager = namespace["login_manager"]
    login_manager.user_loader(users.get)
    login_manager.login_view = "portal_login"

    @app.route("/login")
    def portal_login():
        login_user(users[request.args["as"]])
        return "signed in"

    @app.route("/")
    def portal_home():
        return "Trang chủ cổng thông tin"

    @app.errorhandler(404)
    def portal_not_found(_error):
        return "Cổng thông tin: không tìm thấy", 404

    with app.app_context():
        upgrade()
        from lms.accounts import operations
        from lms.db import get_session

        operations.create_org_unit("SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch",
                                   "Department of Culture, Sports and Tourism", None)
        get_session().commit()
    app.portal_users = users
    yield app
    app.extensions["lms"].database.dispose()


# --- the world of the access matrix (tests/test_access_matrix.py, tests/test_select_language.py)

@pytest.fixture
def world(create_unit, create_learner, create_course, app_context, db):
    """One person per role, plus objects for the URL placeholders."""
    from lms.accounts.models import Role

    unit = create_unit("MATRIX")
    people = {
        "learner": create_learner("Học Viên", username="m-learner", unit=unit),
        "author": create_learner("Tác Giả", username="m-author", unit=unit, roles=[Role.AUTHOR]),
        "hr": create_learner("Tổ Chức", username="m-hr", unit=unit, roles=[Role.HR], hr_unit=unit),
        "admin": create_learner("Quản Trị", username="m-admin", unit=unit, roles=[Role.ADMIN]),
    }
    target = create_learner("Đối Tượng", username="m-target", unit=unit, roles=[Role.AUTHOR])
    course = create_course(code="MATRIX01", quiz=True, self_check=True)
    from courses import operations
    from quizzes import operations as quiz_operations
    from quizzes.queries import quiz_of_course

    attempts = {}
    with app_context():  # the shipped credit defaults, for the credit admin pages
        import sqlalchemy as sa

        from lms.credits.defaults import seed_defaults
        from lms.credits.models import CreditRule, Criterion, Target, TitleRule

        period = seed_defaults(2026) and db.scalar(sa.text("SELECT id FROM lms_credit_periods"))
        credits = {"period": period, "criterion": db.scalar(sa.select(Criterion.id).limit(1)),
                   "rule": db.scalar(sa.select(CreditRule.id).limit(1)),
                   "target": db.scalar(sa.select(Target.id).limit(1)),
                   "title_rule": db.scalar(sa.select(TitleRule.id).limit(1))}
        db.commit()
    with app_context():  # enrolled, each with an attempt, so these routes answer
        quiz = quiz_of_course(course.id)
        for role, person in people.items():
            operations.enrol(person, course)
            attempts[role] = quiz_operations.start_attempt(quiz, person.id).id
        db.commit()
        certificates = _certificates(db, people, course)
    export, token = _export_and_token(app_context, db, people["hr"], unit)
    externals = {role: _external(db, person) for role, person in people.items()}
    return {"people": people, "unit": unit.id, "learner": target.id,
            "grant": target.role_grants[0].id, "code": course.code, "course": course.id,
            "attempts": attempts, **credits, "certificates": certificates,
            "verification": next(iter(certificates.values()))[1],
            "archive": _archive(db, people["hr"], unit), "export": export, "token": token,
            "externals": externals, "external_other": _external(db, target)}


# --- learner imports (tests/test_import_learners.py, tests/test_import_hostile.py) ----------

@pytest.fixture
def units(create_unit):
    department = create_unit("SVHTTDL")
    return {"SVHTTDL": department, "BT": create_unit("BT", parent=department)}


@pytest.fixture
def admin_client(client, create_learner, login):
    create_learner("Quản trị", username="boss", roles=["admin"])
    login("boss")
    return client
