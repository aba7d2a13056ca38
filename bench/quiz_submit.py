"""Quiz-engine benchmark: concurrent learners take the CYBER01 final quiz through gunicorn.

For every database (SQLite file in WAL mode, fresh PostgreSQL database) and every gunicorn
worker count (sync workers), one *round*:

1. builds a fresh database (``flask lms db upgrade`` + ``import-pack --shipped``) and
   creates the round's learner accounts with the Python API;
2. starts gunicorn on a free 127.0.0.1 port and waits for ``/healthz``;
3. measures the trivial endpoint ``GET /healthz`` with the same concurrency (the baseline:
   these machines differ in CPU speed, so only ratios to a baseline measured in the same
   round are comparable between runs);
4. runs N concurrent learners (threads, one cookie jar each): sign in, enrol, start the
   quiz, answer every question, submit; ~20 % submit twice at the same moment (double
   click, two tabs);
5. checks the database directly: one attempt per learner, submitted and scored, one
   ``lms_responses`` row per saved answer, no "database is locked", no 5xx.

CSRF stays ON (the production setting): the client scrapes ``csrf_token`` from each page
it would have in a browser anyway, so the numbers include the real form handling.

Run:  .venv/bin/python bench/quiz_submit.py [--learners 40] [--quick]
Exit status: 0 when every integrity check passed in every round, 1 otherwise.
"""
from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import math
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
COURSE = "CYBER01"
PASSWORD = "bench-password-0123"
DEFAULT_PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
LOCKED_TEXT = "database is locked"
# Seconds; above gunicorn's 30 s worker timeout, so a killed worker shows up as an error.
HTTP_TIMEOUT = 90


# --- recording requests ----------------------------------------------------------------

@dataclass
class RequestRecord:
    """One HTTP exchange as the client saw it."""

    kind: str            # e.g. "save_answer", "submit", "healthz"
    status: int | None   # None: connection-level failure
    latency: float       # seconds, connect → last body byte
    error: str | None = None      # connection error or unexpected status, if any
    locked: bool = False          # the body mentioned "database is locked"


class Recorder:
    """Thread-safe list of request records."""

    def __init__(self):
        self._lock = threading.Lock()
        self.records: list[RequestRecord] = []

    def add(self, record: RequestRecord) -> None:
        with self._lock:
            self.records.append(record)

    def of_kind(self, kind: str) -> list[RequestRecord]:
        return [r for r in self.records if r.kind == kind]


# --- a minimal browser: http.client + one cookie jar -----------------------------------

@dataclass
class Response:
    status: int
    location: str | None  # path part of the Location header, if any
    body: str


class HttpFailure(Exception):
    """The request did not produce the expected response; the flow of that learner stops."""


class Browser:
    """One simulated learner's browser: its own cookies, a new connection per request.

    gunicorn's sync workers close the connection after every response, so keep-alive
    would buy nothing. Redirects are not followed automatically: the flow follows the
    ones a browser would, so each request is timed and classified on its own.
    """

    def __init__(self, port: int, recorder: Recorder):
        self.port = port
        self.recorder = recorder
        self.cookies: dict[str, str] = {}
        self._cookie_lock = threading.Lock()  # two "tabs" share the jar when double-submitting

    def get(self, path: str, kind: str, expect: int = 200) -> Response:
        return self.request("GET", path, kind, expect=expect)

    def post(self, path: str, form: list[tuple[str, str]], kind: str,
             expect: int = 302) -> Response:
        return self.request("POST", path, kind, form=form, expect=expect)

    def request(self, method: str, path: str, kind: str, *, form=None, expect: int) -> Response:
        """Send one request, record it, raise :class:`HttpFailure` on anything unexpected."""
        body = urllib.parse.urlencode(form).encode() if form is not None else None
        headers = {"Host": f"127.0.0.1:{self.port}", "Accept": "text/html",
                   "Accept-Language": "en"}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        with self._cookie_lock:
            if self.cookies:
                headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=HTTP_TIMEOUT)
        try:
            connection.request(method, path, body=body, headers=headers)
            raw = connection.getresponse()
            text = raw.read().decode("utf-8", errors="replace")
            set_cookies = raw.headers.get_all("Set-Cookie") or []
            location = raw.headers.get("Location")
            status = raw.status
        except (OSError, http.client.HTTPException) as error:
            latency = time.perf_counter() - started
            message = f"{method} {path}: {type(error).__name__}: {error}"
            self.recorder.add(RequestRecord(kind, None, latency, error=message))
            raise HttpFailure(message) from None
        finally:
            connection.close()
        latency = time.perf_counter() - started
        self._store_cookies(set_cookies)
        locked = LOCKED_TEXT in text.lower()
        error = None if status == expect else f"{method} {path}: HTTP {status} (expected {expect})"
        self.recorder.add(RequestRecord(kind, status, latency, error=error, locked=locked))
        if error:
            raise HttpFailure(error)
        path_only = urllib.parse.urlsplit(location).path if location else None
        return Response(status, path_only, text)

    def _store_cookies(self, headers: list[str]) -> None:
        with self._cookie_lock:
            for header in headers:
                for name, morsel in SimpleCookie(header).items():
                    # Flask deletes a cookie by sending it empty with an expiry in the past.
                    if not morsel.value or morsel["max-age"] == "0":
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value


# --- reading the pages -----------------------------------------------------------------

class PageParser(HTMLParser):
    """Collects what the client needs from a page: a CSRF token, answer inputs, nav buttons."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.csrf_token: str | None = None
        self.answer_inputs: list[dict[str, str]] = []
        self.nav_positions: list[int] = []

    def handle_starttag(self, tag, attrs):
        attributes = {k: v or "" for k, v in attrs}
        name = attributes.get("name")
        if tag == "input" and name == "csrf_token" and self.csrf_token is None:
            # Every form of the page carries a token valid for this session; any will do.
            self.csrf_token = attributes.get("value")
        elif tag == "input" and name == "answer":
            self.answer_inputs.append(attributes)
        elif tag == "button" and name == "go" and attributes.get("value", "").isdigit():
            self.nav_positions.append(int(attributes["value"]))


def parse_page(html: str) -> PageParser:
    parser = PageParser()
    parser.feed(html)
    return parser


def csrf_of(response: Response) -> str:
    token = parse_page(response.body).csrf_token
    if not token:
        raise HttpFailure("no csrf_token on the page")
    return token


def pick_answer(inputs: list[dict[str, str]], rng: random.Random) -> list[tuple[str, str]]:
    """Form pairs for a plausible answer: one radio, a non-empty set of checkboxes, or text."""
    if not inputs:
        raise HttpFailure("question page has no answer input")
    kind = inputs[0].get("type", "text")
    values = [i.get("value", "") for i in inputs]
    if kind == "radio":
        return [("answer", rng.choice(values))]
    if kind == "checkbox":
        return [("answer", v) for v in rng.sample(values, rng.randint(1, len(values)))]
    # Text input: numeric questions say so with inputmode; anything else gets a word.
    text = str(rng.randint(1, 100)) if inputs[0].get("inputmode") == "decimal" else "password"
    return [("answer", text)]


# --- one learner's flow ----------------------------------------------------------------

ATTEMPT_PATH = re.compile(r"^/attempts/(\d+)/questions/1$")


@dataclass
class LearnerOutcome:
    """What the client believes happened; the database check compares against it."""

    username: str
    double_submit: bool
    attempt_id: int | None = None
    questions: int = 0
    saved_positions: set[int] = field(default_factory=set)
    submitted: bool = False
    error: str | None = None


def learner_flow(port: int, recorder: Recorder, outcome: LearnerOutcome, rng: random.Random,
                 start_gate: threading.Barrier) -> None:
    """Sign in, enrol, start, answer every question, submit (twice, for some learners)."""
    browser = Browser(port, recorder)
    start_gate.wait()
    try:
        page = browser.get("/auth/login", "login_page")
        browser.post("/auth/login", [("csrf_token", csrf_of(page)), ("username", outcome.username),
                                     ("password", PASSWORD), ("next", "")], "login")
        page = browser.get(f"/courses/{COURSE}", "course_page")
        browser.post(f"/courses/{COURSE}/enrol", [("csrf_token", csrf_of(page))], "enrol")
        page = browser.get(f"/courses/{COURSE}/quiz", "quiz_overview")
        started = browser.post(f"/courses/{COURSE}/quiz/start", [("csrf_token", csrf_of(page))],
                               "start")
        match = ATTEMPT_PATH.match(started.location or "")
        if not match:
            raise HttpFailure(f"start redirected to {started.location!r}, not question 1")
        outcome.attempt_id = int(match.group(1))
        submit_path = answer_questions(browser, outcome, rng)
        submit(browser, outcome, submit_path)
    except HttpFailure as failure:
        outcome.error = str(failure)
    except Exception as error:  # a bug in the client must not pass for a server error
        outcome.error = f"client error: {type(error).__name__}: {error}"


def answer_questions(browser: Browser, outcome: LearnerOutcome, rng: random.Random) -> str:
    """Answer positions 1..N with go=next; return the submit page path the last save led to."""
    base = f"/attempts/{outcome.attempt_id}"
    position = 1
    while True:
        page = browser.get(f"{base}/questions/{position}", "question_page")
        parsed = parse_page(page.body)
        outcome.questions = max(parsed.nav_positions or [0])
        form = [("csrf_token", parsed.csrf_token or "")] + pick_answer(parsed.answer_inputs, rng)
        saved = browser.post(f"{base}/questions/{position}", form + [("go", "next")], "save_answer")
        outcome.saved_positions.add(position)
        if position == outcome.questions:
            if saved.location != f"{base}/submit":
                raise HttpFailure(f"last save redirected to {saved.location!r}, not submit")
            return saved.location
        expected = f"{base}/questions/{position + 1}"
        if saved.location != expected:
            raise HttpFailure(f"save redirected to {saved.location!r}, expected {expected}")
        position += 1


def submit(browser: Browser, outcome: LearnerOutcome, submit_path: str) -> None:
    """POST the submit form once, or twice at the same instant (two tabs, one session)."""
    token = csrf_of(browser.get(submit_path, "submit_page"))
    result_path = f"/attempts/{outcome.attempt_id}/result"
    copies = 2 if outcome.double_submit else 1
    gate = threading.Barrier(copies)
    errors: list[str] = []

    def one_submit() -> None:
        try:
            gate.wait()
            done = browser.post(submit_path, [("csrf_token", token)], "submit")
            if done.location != result_path:
                raise HttpFailure(f"submit redirected to {done.location!r}, not {result_path}")
            browser.get(result_path, "result_page")
        except HttpFailure as failure:
            errors.append(str(failure))

    threads = [threading.Thread(target=one_submit) for _ in range(copies)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise HttpFailure("; ".join(errors))
    outcome.submitted = True


# --- load phases -----------------------------------------------------------------------

@dataclass
class PhaseResult:
    recorder: Recorder
    seconds: float

    @property
    def rate(self) -> float:
        return len(self.recorder.records) / self.seconds if self.seconds else 0.0


def run_threads(targets: list, gate: threading.Barrier) -> float:
    """Start every thread, release them together, return the wall time until the last ends."""
    threads = [threading.Thread(target=target, daemon=True) for target in targets]
    for thread in threads:
        thread.start()
    gate.wait()  # the main thread is the last party: timing starts when all are ready
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - began


def run_baseline(port: int, concurrency: int, per_thread: int) -> PhaseResult:
    """GET /healthz from `concurrency` threads, `per_thread` times each."""
    recorder = Recorder()
    gate = threading.Barrier(concurrency + 1)

    def hammer() -> None:
        browser = Browser(port, recorder)
        gate.wait()
        for _ in range(per_thread):
            try:
                browser.get("/healthz", "healthz")
            except HttpFailure:
                pass  # already recorded; keep measuring

    seconds = run_threads([hammer] * concurrency, gate)
    return PhaseResult(recorder, seconds)


def run_learners(port: int, usernames: list[str], double_ratio: float,
                 seed: int) -> tuple[PhaseResult, list[LearnerOutcome]]:
    """All learners at once; a seeded choice of who double-submits keeps runs comparable."""
    chooser = random.Random(seed)
    doubles = set(chooser.sample(usernames, round(len(usernames) * double_ratio)))
    outcomes = [LearnerOutcome(name, name in doubles) for name in usernames]
    recorder = Recorder()
    gate = threading.Barrier(len(outcomes) + 1)
    targets = [
        (lambda o=o, i=i: learner_flow(port, recorder, o, random.Random(seed * 1000 + i), gate))
        for i, o in enumerate(outcomes)
    ]
    seconds = run_threads(targets, gate)
    return PhaseResult(recorder, seconds), outcomes


def warm_up(port: int, usernames: list[str], seed: int) -> None:
    """One untimed learner per worker: templates, catalogs and caches load before timing.

    Their accounts are separate, so the timed learners still start from scratch.
    """
    _, outcomes = run_learners(port, usernames, 0.0, seed + 7919)
    failed = [f"{o.username}: {o.error}" for o in outcomes if o.error]
    if failed:
        raise RuntimeError("warm-up learners failed: " + "; ".join(failed))


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


# --- the database check ----------------------------------------------------------------

@dataclass
class Integrity:
    """Result of comparing the client's outcomes with the database."""

    learners: int = 0
    completed: int = 0
    flow_failures: list[str] = field(default_factory=list)
    duplicate_attempts: list[str] = field(default_factory=list)
    not_submitted_or_unscored: list[str] = field(default_factory=list)
    lost_answers: int = 0
    extra_answers: int = 0
    answers_saved: int = 0
    answers_in_db: int = 0

    @property
    def ok(self) -> bool:
        return not (self.flow_failures or self.duplicate_attempts
                    or self.not_submitted_or_unscored or self.lost_answers or self.extra_answers)


def check_database(url: str, outcomes: list[LearnerOutcome]) -> Integrity:
    """Read lms_attempts / lms_responses directly and compare with what the client saw."""
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    result = Integrity(learners=len(outcomes))
    try:
        with engine.connect() as connection:
            learner_ids = {name: learner_id for name, learner_id in connection.execute(sa.text(
                "SELECT u.username, l.id FROM lms_users u"
                " JOIN lms_learners l ON l.user_id = u.id"))}
            attempts: dict[int, list] = {}
            for row in connection.execute(sa.text(
                    "SELECT id, learner_id, state, score FROM lms_attempts")):
                attempts.setdefault(row.learner_id, []).append(row)
            responses = {attempt_id: count for attempt_id, count in connection.execute(sa.text(
                "SELECT attempt_id, COUNT(*) FROM lms_responses GROUP BY attempt_id"))}
    finally:
        engine.dispose()
    for outcome in outcomes:
        compare_one(outcome, attempts.get(learner_ids.get(outcome.username), []), responses, result)
    return result


def compare_one(outcome: LearnerOutcome, rows: list, responses: dict[int, int],
                result: Integrity) -> None:
    name = outcome.username
    if outcome.error:
        result.flow_failures.append(f"{name}: {outcome.error}")
    if outcome.submitted:
        result.completed += 1
    if len(rows) > 1:
        result.duplicate_attempts.append(f"{name}: {len(rows)} attempts {[r.id for r in rows]}")
    if outcome.submitted and not any(r.state == "submitted" and r.score is not None for r in rows):
        result.not_submitted_or_unscored.append(
            f"{name}: {[(r.id, r.state, r.score) for r in rows]}")
    if outcome.attempt_id is not None:
        saved, stored = len(outcome.saved_positions), responses.get(outcome.attempt_id, 0)
        result.answers_saved += saved
        result.answers_in_db += stored
        result.lost_answers += max(saved - stored, 0)
        result.extra_answers += max(stored - saved, 0)


# --- statistics and reporting ----------------------------------------------------------

def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile (no interpolation: it is an observed latency)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass
class RoundReport:
    database: str
    workers: int
    detail: str
    baseline: PhaseResult
    learners: PhaseResult
    integrity: Integrity
    log_tracebacks: int
    log_locked: int
    baseline_after: PhaseResult
    #: Worker-side seconds per kind (healthz includes both baselines and the warm-up).
    server_times: dict[str, list[float]]

    def server_p50(self, kind: str) -> float:
        return percentile(self.server_times.get(kind, []), 50)

    def latencies(self, phase: PhaseResult, kind: str) -> list[float]:
        return [r.latency for r in phase.recorder.of_kind(kind) if r.error is None]

    def stats(self, kind: str) -> tuple[float, float]:
        values = self.latencies(self.learners, kind)
        return percentile(values, 50), percentile(values, 95)

    def baseline_stats(self, phase: PhaseResult | None = None) -> tuple[float, float]:
        values = self.latencies(phase or self.baseline, "healthz")
        return percentile(values, 50), percentile(values, 95)

    def errors(self, phase: PhaseResult) -> dict[str, int]:
        records = phase.recorder.records
        return {
            "5xx": sum(1 for r in records if r.status is not None and r.status >= 500),
            "other_http": sum(1 for r in records
                              if r.error and r.status is not None and r.status < 500),
            "connection": sum(1 for r in records if r.status is None),
            "locked": sum(1 for r in records if r.locked),
        }

    @property
    def ok(self) -> bool:
        phases = (self.baseline, self.learners, self.baseline_after)
        return (self.integrity.ok and self.log_locked == 0
                and not any(any(self.errors(phase).values()) for phase in phases))


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f}"


def print_round(report: RoundReport) -> None:
    """Details of one round, printed as soon as it ends."""
    b50, b95 = report.baseline_stats()
    print(f"  baseline GET /healthz: {len(report.baseline.recorder.records)} req, "
          f"{report.baseline.rate:.0f} req/s, p50 {ms(b50)} ms, p95 {ms(b95)} ms, "
          f"errors {report.errors(report.baseline)}")
    a50, a95 = report.baseline_stats(report.baseline_after)
    print(f"  baseline again after the learners: {report.baseline_after.rate:.0f} req/s, "
          f"p50 {ms(a50)} ms, p95 {ms(a95)} ms (p50 drift {(a50 / b50 - 1) * 100:+.0f} %), "
          f"errors {report.errors(report.baseline_after)}")
    print(f"  learner phase: {len(report.learners.recorder.records)} req in "
          f"{report.learners.seconds:.1f} s = {report.learners.rate:.0f} req/s, "
          f"errors {report.errors(report.learners)}")
    for kind in ("login", "enrol", "start", "question_page", "save_answer", "submit_page",
                 "submit", "result_page"):
        p50, p95 = report.stats(kind)
        count = len(report.learners.recorder.of_kind(kind))
        print(f"    {kind:<14} n={count:<4} p50 {ms(p50):>5} ms ({p50 / b50:4.1f}x)  "
              f"p95 {ms(p95):>5} ms ({p95 / b95:4.1f}x)")
    h = report.server_p50("healthz")
    print(f"  time inside the worker, p50: healthz {h * 1000:.1f} ms, "
          f"save_answer {report.server_p50('save_answer') * 1000:.1f} ms "
          f"({report.server_p50('save_answer') / h:.1f}x), "
          f"submit {report.server_p50('submit') * 1000:.1f} ms "
          f"({report.server_p50('submit') / h:.1f}x)")
    i = report.integrity
    print(f"  integrity: completed {i.completed}/{i.learners}, answers saved {i.answers_saved}, "
          f"rows {i.answers_in_db}, lost {i.lost_answers}, extra {i.extra_answers}, "
          f"duplicate attempts {len(i.duplicate_attempts)}, "
          f"unscored {len(i.not_submitted_or_unscored)}, "
          f"server log: {report.log_tracebacks} tracebacks, {report.log_locked} 'locked'")
    for problem in (i.flow_failures + i.duplicate_attempts + i.not_submitted_or_unscored)[:10]:
        print(f"    ! {problem}")
    print(f"  => {'PASS' if report.ok else 'FAIL'}", flush=True)


def print_summary(reports: list[RoundReport]) -> None:
    """Two tables: speed as same-round ratios, then the integrity checks."""
    print("\nPERFORMANCE (ratios = value / same-round GET /healthz; throughput ratio = "
          "learner req/s / healthz req/s)")
    header = (f"{'database':<11}{'wk':>3} {'healthz r/s':>11} {'p50/p95 ms':>11} "
              f"{'learner r/s':>12} {'save p50':>14} {'save p95':>14} "
              f"{'submit p50':>14} {'submit p95':>14}")
    print(header)
    print("-" * len(header))
    for r in reports:
        b50, b95 = r.baseline_stats()
        s50, s95 = r.stats("save_answer")
        u50, u95 = r.stats("submit")
        print(f"{r.database:<11}{r.workers:>3} {r.baseline.rate:>11.0f} "
              f"{ms(b50) + '/' + ms(b95):>11} "
              f"{f'{r.learners.rate:.0f} ({r.learners.rate / r.baseline.rate:.2f}x)':>12} "
              f"{f'{ms(s50)}ms {s50 / b50:.1f}x':>14} {f'{ms(s95)}ms {s95 / b95:.1f}x':>14} "
              f"{f'{ms(u50)}ms {u50 / b50:.1f}x':>14} {f'{ms(u95)}ms {u95 / b95:.1f}x':>14}")
    print("\nTIME INSIDE THE WORKER (gunicorn access log, p50; no queueing; ratio to healthz)")
    header = f"{'database':<11}{'wk':>3} {'healthz':>9} {'save_answer':>16} {'submit':>16}"
    print(header)
    print("-" * len(header))
    for r in reports:
        h, sv, sb = (r.server_p50(k) for k in ("healthz", "save_answer", "submit"))
        print(f"{r.database:<11}{r.workers:>3} {f'{h * 1000:.1f}ms':>9} "
              f"{f'{sv * 1000:.1f}ms {sv / h:.1f}x':>16} {f'{sb * 1000:.1f}ms {sb / h:.1f}x':>16}")
    print("\nINTEGRITY")
    header = (f"{'database':<11}{'wk':>3} {'completed':>10} {'dup att':>8} {'unscored':>9} "
              f"{'saved/rows':>11} {'lost':>5} {'5xx':>4} {'http':>5} {'conn':>5} "
              f"{'locked':>7} {'result':>7}")
    print(header)
    print("-" * len(header))
    for r in reports:
        i, e = r.integrity, r.errors(r.learners)
        eb = {k: r.errors(r.baseline)[k] + r.errors(r.baseline_after)[k] for k in e}
        print(f"{r.database:<11}{r.workers:>3} {f'{i.completed}/{i.learners}':>10} "
              f"{len(i.duplicate_attempts):>8} {len(i.not_submitted_or_unscored):>9} "
              f"{f'{i.answers_saved}/{i.answers_in_db}':>11} {i.lost_answers:>5} "
              f"{e['5xx'] + eb['5xx']:>4} {e['other_http'] + eb['other_http']:>5} "
              f"{e['connection'] + eb['connection']:>5} {e['locked'] + r.log_locked:>7} "
              f"{'PASS' if r.ok else 'FAIL':>7}")


# --- one round and the main loop -------------------------------------------------------

def run_round(database: str, workers: int, args) -> RoundReport:
    """Fresh database + fresh server for one (database, workers) pair; always cleans up."""
    workdir = Path(tempfile.mkdtemp(prefix=f"lms_bench_{database}_{workers}_"))
    target = SqliteTarget(workdir) if database == "sqlite" else PostgresTarget(args.pg_admin_url)
    server = None
    try:
        target.create()
        env = server_env(target.url, workdir / "instance")
        flask_cli(env, "db", "upgrade")
        flask_cli(env, "import-pack", "--shipped")
        everyone = create_learners(env, args.learners + workers)
        usernames, warmup_names = everyone[:args.learners], everyone[args.learners:]
        server = Gunicorn(env, workers, workdir)
        server.wait_healthy()
        warm_up(server.port, warmup_names, args.seed)
        load = os.getloadavg()[0]
        baseline = run_baseline(server.port, args.learners, args.healthz_per_thread)
        learners, outcomes = run_learners(server.port, usernames, args.double_ratio, args.seed)
        # The same baseline again: if it moved a lot, something else shared the CPU.
        baseline_after = run_baseline(server.port, args.learners, args.healthz_per_thread)
        server.stop()  # every response is in: the database is quiet before it is read
        tracebacks, locked = server.log_counts()
        integrity = check_database(target.url, outcomes)
        return RoundReport(database, workers, f"{target.describe()}, load avg {load:.2f}",
                           baseline, learners, integrity, tracebacks, locked, baseline_after,
                           server.server_times())
    finally:
        if server is not None:
            server.stop()
        target.drop()
        shutil.rmtree(workdir, ignore_errors=True)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=40,
                        help="concurrent simulated learners (and baseline threads); default 40")
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: 10 learners, fewer baseline requests")
    parser.add_argument("--workers", default="2,4", help="gunicorn worker counts; default 2,4")
    parser.add_argument("--databases", default="sqlite,postgresql",
                        help="comma-separated: sqlite, postgresql")
    parser.add_argument("--double-ratio", type=float, default=0.2,
                        help="share of learners who submit twice concurrently; default 0.2")
    parser.add_argument("--healthz-per-thread", type=int, default=25,
                        help="baseline GET /healthz requests per thread; default 25")
    parser.add_argument("--pg-admin-url", default=DEFAULT_PG_ADMIN_URL,
                        help="database used to CREATE/DROP the bench database")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.quick:
        args.learners = min(args.learners, 10)
        args.healthz_per_thread = min(args.healthz_per_thread, 10)
    args.worker_counts = [int(w) for w in args.workers.split(",")]
    args.database_list = [d.strip() for d in args.databases.split(",")]
    unknown = set(args.database_list) - {"sqlite", "postgresql"}
    if unknown:
        parser.error(f"unknown database(s): {sorted(unknown)}")
    return args


def exit_on_signal(signum, _frame):
    """SIGTERM (and SIGINT) unwind the stack, so every round's `finally` cleans up."""
    raise SystemExit(128 + signum)


def main(argv=None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, exit_on_signal)
    signal.signal(signal.SIGINT, exit_on_signal)  # also when started with SIGINT ignored (&)
    print(f"quiz_submit: {args.learners} learners, workers {args.worker_counts}, "
          f"databases {args.database_list}, {args.double_ratio:.0%} double submits, "
          f"CSRF on (tokens scraped), {os.cpu_count()} CPUs")
    reports, broken, began = [], [], time.perf_counter()
    for database in args.database_list:
        for workers in args.worker_counts:
            print(f"\n[{database}, {workers} sync workers]", flush=True)
            try:
                report = run_round(database, workers, args)
            except Exception as error:  # setup or server failure: report it, try the next round
                broken.append(f"{database}/{workers} workers: {type(error).__name__}: {error}")
                print(f"  ROUND FAILED: {broken[-1]}", flush=True)
                continue
            print(f"  database: {report.detail}")
            print_round(report)
            reports.append(report)
    if reports:
        print_summary(reports)
    for problem in broken:
        print(f"ROUND NOT RUN: {problem.splitlines()[0]}")
    passed = bool(reports) and not broken and all(r.ok for r in reports)
    print(f"\n{'ALL INTEGRITY CHECKS PASSED' if passed else 'INTEGRITY CHECKS FAILED'} "
          f"({time.perf_counter() - began:.0f} s)")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
