"""/healthz answers 200 when the database answers and its schema is at the migration
head, and 503 with the reason when not (a server on an un-upgraded database must not
get traffic)."""
import pytest
import sqlalchemy as sa
from flask import Flask

from lms import LMS
from lms.migrations_runner import head_revisions, upgrade


def _health_of(engine):
    app = Flask("health", static_folder=None)
    app.config.update(TESTING=True)
    LMS(app, engine=engine)
    response = app.test_client().get("/healthz")
    engine.dispose()
    return response


def test_health_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok", "schema": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


def test_health_reports_an_unreachable_database(tmp_path):
    # A SQLite file inside a folder that does not exist cannot be opened.
    response = _health_of(sa.create_engine(f"sqlite:///{tmp_path}/missing/folder/lms.sqlite3"))
    assert response.status_code == 503
    assert response.json == {"status": "unavailable", "database": "error"}


@pytest.fixture
def empty_database_url(database_url, tmp_path):
    """An empty database of the kind the suite runs on: an empty SQLite file (which
    SQLite opens happily), or a new database on the PostgreSQL server."""
    if not database_url.startswith("postgresql"):
        path = tmp_path / "empty.sqlite3"
        path.touch()
        yield f"sqlite:///{path}"
        return
    from tests.conftest import _create_postgres_database

    url, drop = _create_postgres_database(database_url)
    try:
        yield url
    finally:
        drop()


def test_health_reports_an_empty_database(empty_database_url):
    response = _health_of(sa.create_engine(empty_database_url))
    assert response.status_code == 503
    assert response.json["schema"] == "missing"
    assert response.json["database"] == "ok"
    assert "flask lms db upgrade" in response.json["reason"]


def test_health_reports_a_schema_behind_the_head(empty_database_url):
    engine = sa.create_engine(empty_database_url)
    upgrade("0002", engine=engine)
    response = _health_of(engine)
    assert response.status_code == 503
    assert response.json["schema"] == "outdated"
    assert response.json["revision"] == "0002"
    assert response.json["expected"] == ", ".join(sorted(head_revisions()))
    assert "0002" in response.json["reason"]


def test_health_reads_the_migration_scripts_once_per_app(client, app, monkeypatch):
    from lms import core_views

    calls = []
    monkeypatch.setattr(core_views, "head_revisions", lambda: calls.append(1) or head_revisions())
    for _ in range(3):
        assert client.get("/healthz").status_code == 200
    assert calls == [1]
    assert app.extensions["lms"].migration_heads == frozenset(head_revisions())
