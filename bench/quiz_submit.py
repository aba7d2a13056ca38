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
import os
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

# The pieces live in the package bench/quizbench/, next to this file. bench/ is not an
# installed package: running `.venv/bin/python bench/quiz_submit.py` puts bench/ on sys.path,
# but loading this file any other way (runpy.run_path, a debugger, an import) does not.
sys.path.insert(0, str(Path(__file__).resolve().parent))

from quizbench import DEFAULT_PG_ADMIN_URL
from quizbench.integrity import check_database
from quizbench.learners import run_baseline, run_learners, warm_up
from quizbench.report import RoundReport, print_round, print_summary
from quizbench.targets import (
    Gunicorn,
    PostgresTarget,
    SqliteTarget,
    create_learners,
    flask_cli,
    server_env,
)

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
