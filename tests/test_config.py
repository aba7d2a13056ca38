"""Settings: defaults in one place, environment and instance file, start-up validation."""
from pathlib import Path

import pytest
from flask import Flask

import lms.config
from lms import LMS, create_app
from lms.config import DEFAULTS, ConfigurationError


def test_every_default_has_a_comment():
    source = Path(lms.config.__file__).read_text(encoding="utf-8")
    for key in DEFAULTS:
        line_before = source.split(f'"{key}"')[0].rstrip().splitlines()[-1].strip()
        assert line_before.startswith("#:"), f"{key} has no #: comment"


def test_production_refuses_missing_secret_key(tmp_path, monkeypatch):
    monkeypatch.delenv("FLASK_SECRET_KEY", raising=False)
    monkeypatch.setenv("FLASK_LMS_INSTANCE_PATH", str(tmp_path))
    with pytest.raises(ConfigurationError, match="SECRET_KEY is missing or shorter"):
        create_app()


def test_production_refuses_short_secret_key(tmp_path, monkeypatch):
    monkeypatch.setenv("FLASK_LMS_INSTANCE_PATH", str(tmp_path))
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        create_app({"SECRET_KEY": "short"})


def test_testing_app_starts_without_secret(tmp_path, monkeypatch):
    monkeypatch.setenv("FLASK_LMS_INSTANCE_PATH", str(tmp_path))
    app = create_app({"TESTING": True, "LMS_DATABASE_URL": "sqlite://"})
    assert app.extensions["lms"].database.engine.url.drivername == "sqlite"


def test_environment_and_instance_file(tmp_path, monkeypatch):
    (tmp_path / "lms.cfg").write_text(
        "SECRET_KEY = 'k' * 40\nLMS_PAGE_SIZE = 7\nLMS_URL_PREFIX = '/from-file'\n", encoding="utf-8")
    monkeypatch.setenv("FLASK_LMS_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("FLASK_LMS_URL_PREFIX", "/from-env")
    monkeypatch.setenv("FLASK_LMS_DATABASE_URL", f"sqlite:///{tmp_path}/x.sqlite3")
    app = create_app()
    assert app.config["LMS_PAGE_SIZE"] == 7          # instance file
    assert app.config["LMS_URL_PREFIX"] == "/from-env"  # environment beats the file
    assert str(app.extensions["lms"].database.engine.url).endswith("x.sqlite3")
    assert app.url_map.bind("localhost").match("/from-env/healthz")[0] == "lms.health"


def test_default_database_is_sqlite_file_in_instance_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("FLASK_LMS_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("FLASK_LMS_DATABASE_URL", raising=False)
    app = create_app({"TESTING": True})
    assert app.extensions["lms"].database.engine.url.database == str(tmp_path / "lms.sqlite3")


@pytest.mark.parametrize("prefix", ["learn", "/learn/"])
def test_bad_prefix_refused(prefix):
    app = Flask("host")
    app.config.update(TESTING=True, LMS_URL_PREFIX=prefix, LMS_DATABASE_URL="sqlite://")
    with pytest.raises(ConfigurationError, match="LMS_URL_PREFIX"):
        LMS(app)


def test_cookie_flags_default_safe():
    app = Flask("host")
    app.config.update(TESTING=True, LMS_DATABASE_URL="sqlite://")
    LMS(app)
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_init_twice_refused():
    app = Flask("host")
    app.config.update(TESTING=True, LMS_DATABASE_URL="sqlite://")
    LMS(app)
    with pytest.raises(RuntimeError, match="already"):
        LMS(app)
