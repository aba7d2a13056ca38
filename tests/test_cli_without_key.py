"""`flask lms …` without a SECRET_KEY: every command's help, and the commands that serve
no request, run; serving (gunicorn's import of wsgi.py, `flask run`) still refuses."""
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from flask.cli import cli as flask_cli

from lms import create_app
from lms.config import ConfigurationError

ROOT = Path(__file__).resolve().parent.parent
SHIPPED_PACK = ROOT / "courses" / "content" / "cybersecurity-officials"


@pytest.fixture
def keyless(tmp_path, monkeypatch):
    """An instance folder with no lms.cfg and an environment with no key."""
    monkeypatch.delenv("FLASK_SECRET_KEY", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    monkeypatch.setenv("FLASK_LMS_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("FLASK_LMS_TASK_QUEUE_IMMEDIATE", "true")
    return tmp_path


def flask(*args: str):
    """Run ``flask --app <factory> ARGS`` in this process, as the `flask` script does."""
    return CliRunner().invoke(flask_cli, ["--app", "lms:create_app", *args], catch_exceptions=True)


def all_command_paths() -> list[list[str]]:
    app = create_app({"TESTING": True, "LMS_DATABASE_URL": "sqlite://"})
    paths = []

    def walk(command, path):
        paths.append(path)
        if isinstance(command, click.Group):
            for name, sub in command.commands.items():
                walk(sub, [*path, name])

    walk(app.cli.commands["lms"], ["lms"])
    app.extensions["lms"].database.dispose()
    return paths


def test_every_command_help_works_without_a_key(keyless):
    paths = all_command_paths()
    assert ["lms", "validate-pack"] in paths and ["lms", "db", "upgrade"] in paths
    for path in paths:
        result = flask(*path, "--help")
        assert result.exit_code == 0, (path, result.output, result.exception)
        assert "Usage:" in result.output


def test_commands_that_serve_no_request_run_without_a_key(keyless, tmp_path):
    checked = flask("lms", "validate-pack", str(SHIPPED_PACK))
    assert checked.exit_code == 0, checked.output
    assert flask("lms", "db", "upgrade").exit_code == 0
    imported = flask("lms", "import-pack", str(SHIPPED_PACK))
    assert imported.exit_code == 0, imported.output
    exported_file = tmp_path / "cyber01.zip"
    exported = flask("lms", "export-pack", "CYBER01", "--output", str(exported_file))
    assert exported.exit_code == 0, exported.output
    assert exported_file.stat().st_size > 0


def test_serving_still_refuses_without_a_key(keyless):
    # gunicorn imports wsgi.py: no command line of Flask's, the factory refuses.
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        create_app()
    env = {key: value for key, value in os.environ.items() if key != "FLASK_SECRET_KEY"}
    served = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "run", "--port", "0"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert served.returncode != 0
    assert "SECRET_KEY is missing" in served.stderr


def test_help_of_the_real_entry_point_without_a_key(keyless):
    env = {key: value for key, value in os.environ.items() if key != "FLASK_SECRET_KEY"}
    shown = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "lms", "--help"],
                           cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert shown.returncode == 0, shown.stderr
    assert "validate-pack" in shown.stdout and "export-pack" in shown.stdout


def test_an_app_loaded_for_a_command_answers_no_page(keyless):
    from flask.cli import ScriptInfo

    # As `flask lms …` loads it: the root context of Flask's command line.
    with click.Context(flask_cli, obj=ScriptInfo(create_app=create_app)) as context:
        app = context.obj.load_app()
    response = app.test_client().get("/auth/login")
    assert response.status_code == 503
    assert "SECRET_KEY" not in response.get_data(as_text=True)
    app.extensions["lms"].database.dispose()
