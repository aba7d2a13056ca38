"""One learner's flow through the quiz, and the load phases built from it."""
from __future__ import annotations

import random
import re
import threading
import time
from dataclasses import dataclass, field

from . import COURSE, PASSWORD
from .http_client import Browser, HttpFailure, Recorder
from .pages import csrf_of, parse_page, pick_answer

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
