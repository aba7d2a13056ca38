"""What a round runs against: the database (SQLite or PostgreSQL) and the gunicorn server."""
from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import time
from pathlib import Path

import sqlalchemy as sa

from . import LOCKED_TEXT, PASSWORD, ROOT, VENV_BIN

# --- databases -------------------------------------------------------------------------

class SqliteTarget:
    """A SQLite file in the round's temp dir (the app turns WAL on at connect)."""

    name = "sqlite"

    def __init__(self, workdir: Path):
        self.url = f"sqlite:///{workdir / 'lms.sqlite3'}"

    def create(self) -> None:
        pass  # the file appears on first connect

    def drop(self) -> None:
        pass  # removed with the temp dir

    def describe(self) -> str:
        engine = sa.create_engine(self.url)
        try:
            with engine.connect() as connection:
                return "journal_mode=" + connection.exec_driver_sql("PRAGMA journal_mode").scalar()
        finally:
            engine.dispose()


class PostgresTarget:
    """A fresh database `lms_bench_<random>` on the local server, dropped afterwards."""

    name = "postgresql"

    def __init__(self, admin_url: str):
        self.admin_url = admin_url
        self.db_name = f"lms_bench_{secrets.token_hex(4)}"
        self.url = sa.make_url(admin_url).set(database=self.db_name).render_as_string(
            hide_password=False)
        self.created = False

    def _admin(self, statement: str) -> None:
        engine = sa.create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                connection.exec_driver_sql(statement)
        finally:
            engine.dispose()

    def create(self) -> None:
        self._admin(f'CREATE DATABASE "{self.db_name}"')
        self.created = True

    def drop(self) -> None:
        if self.created:
            # FORCE (PostgreSQL 13+): a stray connection must not keep the database alive.
            self._admin(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')
            self.created = False

    def describe(self) -> str:
        return self.db_name


def server_env(database_url: str, instance_path: Path) -> dict[str, str]:
    """The environment of the server and of the setup commands.

    Inherited FLASK_* variables are dropped so a developer's shell cannot change the run.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLASK_")}
    env.update({
        "FLASK_SECRET_KEY": secrets.token_urlsafe(48),
        "FLASK_LMS_DATABASE_URL": database_url,
        "FLASK_LMS_INSTANCE_PATH": str(instance_path),
        # Cheap hashes: the benchmark is about the quiz engine, not scrypt.
        "FLASK_LMS_PASSWORD_HASH_METHOD": json.dumps("pbkdf2:sha256:1000"),
        # All simulated learners share one IP; the default limit would throttle them.
        "FLASK_LMS_LOGIN_LIMIT_PER_IP": json.dumps("100000 per minute"),
        # The simulated learners go straight to the quiz, without reading the lessons.
        "FLASK_LMS_QUIZ_REQUIRES_LESSONS": json.dumps(False),
    })
    return env


def flask_cli(env: dict[str, str], *args: str) -> None:
    """Run `flask --app wsgi lms ...`; its output is shown only if it fails."""
    command = [str(VENV_BIN / "flask"), "--app", "wsgi", "lms", *args]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")


@contextlib.contextmanager
def patched_environ(env: dict[str, str]):
    """Run in-process code (account creation) with exactly the server's environment."""
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def create_learners(env: dict[str, str], count: int) -> list[str]:
    """Learner accounts through the Python API; returns their usernames."""
    from lms import create_app
    from lms.accounts import operations
    from lms.db import get_session
    from lms.extension import get_state

    usernames = [f"bench{i:04d}" for i in range(1, count + 1)]  # the last ones warm up
    with patched_environ(env):
        app = create_app()
    with app.app_context():
        for username in usernames:
            learner = operations.create_learner(full_name=f"Bench Learner {username}",
                                                staff_code=username.upper())
            operations.create_account(learner, username, PASSWORD)
        get_session().commit()
    get_state(app).database.dispose()  # no idle connection may outlive the round
    return usernames


# --- the server ------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Gunicorn:
    """gunicorn as a subprocess; :meth:`stop` is safe to call more than once."""

    def __init__(self, env: dict[str, str], workers: int, workdir: Path):
        self.port = free_port()
        self.workers = workers
        self.log_path = workdir / "gunicorn.log"
        self.access_path = workdir / "access.log"
        self.ready_dir = workdir / "ready"
        self.ready_dir.mkdir()
        self._log = open(self.log_path, "w")
        command = [str(VENV_BIN / "gunicorn"),
                   "--config", str(ROOT / "bench" / "gunicorn_ready.py"),
                   "--workers", str(workers), "--worker-class", "sync",
                   "--bind", f"127.0.0.1:{self.port}",
                   # Time spent inside the worker (%(D)s µs), without the wait in the listen
                   # queue: the client's latency under load is mostly that wait.
                   "--access-logfile", str(self.access_path),
                   "--access-logformat", "%(m)s %(U)s %(s)s %(D)s", "wsgi:app"]
        self.process = subprocess.Popen(
            command, cwd=ROOT, env={**env, "LMS_BENCH_READY_DIR": str(self.ready_dir)},
            stdout=self._log, stderr=subprocess.STDOUT)

    def wait_healthy(self, timeout: float = 60) -> None:
        """Until every worker has loaded the app (marker files) and /healthz answers 200."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited early:\n{self.log_tail()}")
            if len(list(self.ready_dir.iterdir())) >= self.workers and self._healthz_ok():
                return
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn not healthy after {timeout}s:\n{self.log_tail()}")

    def _healthz_ok(self) -> bool:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        try:
            connection.request("GET", "/healthz")
            return connection.getresponse().status == 200
        except OSError:
            return False
        finally:
            connection.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # graceful: the master stops its workers
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def server_times(self) -> dict[str, list[float]]:
        """Seconds spent in the worker per request kind, from the access log."""
        times: dict[str, list[float]] = {}
        for line in self.access_path.read_text(errors="replace").splitlines():
            method, path, _status, micros = line.split()
            kind = server_kind(method, path)
            if kind:
                times.setdefault(kind, []).append(int(micros) / 1e6)
        return times

    def log_counts(self) -> tuple[int, int]:
        """(tracebacks, "database is locked" mentions) in the server log."""
        text = self.log_path.read_text(errors="replace")
        return text.count("Traceback (most recent call last)"), text.lower().count(LOCKED_TEXT)


SERVER_KINDS = [  # (kind, method, path pattern) for the requests compared server-side
    ("healthz", "GET", re.compile(r"^/healthz$")),
    ("save_answer", "POST", re.compile(r"^/attempts/\d+/questions/\d+$")),
    ("submit", "POST", re.compile(r"^/attempts/\d+/submit$")),
]


def server_kind(method: str, path: str) -> str | None:
    return next((kind for kind, m, pattern in SERVER_KINDS
                 if m == method and pattern.match(path)), None)
