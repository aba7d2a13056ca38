"""/healthz answers 200 when the database does and 503 when it does not."""
import sqlalchemy as sa
from flask import Flask

from lms import LMS


def test_health_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_health_reports_an_unreachable_database(tmp_path):
    app = Flask("broken", static_folder=None)
    app.config.update(TESTING=True)
    # A SQLite file inside a folder that does not exist cannot be opened.
    LMS(app, engine=sa.create_engine(f"sqlite:///{tmp_path}/missing/folder/lms.sqlite3"))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json == {"status": "unavailable", "database": "error"}
