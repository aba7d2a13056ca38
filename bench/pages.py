"""Pages benchmark (issue 14), one command:

    .venv/bin/python bench/pages.py            # 20,000 and 200,000 learners, 3 rounds
    .venv/bin/python bench/pages.py --quick    # 20,000 only, shorter runs

For each size: a generated SQLite database (cached, pagesbench/data.py), the app under the
shipped gunicorn.conf.py (gthread, --workers/--threads) and a bare Flask "hello" served the
same way, wrk (or a bounded Python client when wrk is not installed) on 127.0.0.1 against
every page as the right signed-in role, interleaved with hello in the same rounds; then
CPU per request in-process with the test client. Prints req/s, × hello (medians of the
rounds), p50/p95, bytes per response, CPU per request, and the 200k/20k ratios. All
traffic stays on loopback; every load run is bounded in time. Exit status 1 when a page
answered anything but 2xx under load.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pagesbench import data, inprocess, serve  # noqa: E402

#: (label, role signed in, key of the path); None: anonymous.
PAGES = (("/healthz", None, "/healthz"), ("login page", None, "/auth/login"),
         ("learner home", "learner", "/"), ("catalog", "learner", "/courses"),
         ("course page", "learner", "course"), ("lesson page", "learner", "lesson"),
         ("my learning", "learner", "/my-learning"), ("question page", "learner", "question"),
         ("result page", "learner", "result"), ("HR learner list", "hr", "/reports/learners"),
         ("admin learner list", "admin", "/admin/learners"),
         ("standings page", "hr", "/credits/standings"))
LISTS = ("HR learner list", "admin learner list", "standings page", "HR list, counts recounted")


@contextlib.contextmanager
def environ(env: dict[str, str]):
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def run_size(learners: int, args, workdir: Path) -> dict:
    from lms import create_app
    from lms.extension import get_state

    folder = workdir / str(learners)
    folder.mkdir()
    def app_factory(url):
        with environ(serve.app_env(url, folder / "instance")):
            return create_app()

    database, paths, made = data.prepared_database(
        learners, folder, app_factory, lambda app: inprocess.learner_paths(app, data.USERS["learner"]))
    env = serve.app_env(f"sqlite:///{database}", folder / "instance")
    with environ(env):
        app = create_app()
    clients = {role: inprocess.signed_in(app, username) for role, username in data.USERS.items()}
    anonymous = app.test_client()
    pages = [(label, role, paths.get(key, key)) for label, role, key in PAGES]
    for label, role, path in pages:
        status = (clients[role] if role else anonymous).get(path).status_code
        if status != 200:
            raise RuntimeError(f"{label} {path} answers {status} as {role}")
    cookies = {role: inprocess.session_cookie(client) for role, client in clients.items()}

    print(f"\n[{learners:,} learners] load: {serve.LOAD_TOOL}, {args.connections} connections, "
          f"{args.seconds} s per run, gunicorn gthread {args.workers}×{args.threads}, "
          f"load avg {os.getloadavg()[0]:.2f}", flush=True)
    hello = serve.hello_server(folder, workers=args.workers, threads=args.threads)
    server = serve.Server("wsgi:app", env, folder, "lms", workers=args.workers, threads=args.threads)
    rounds = []
    try:
        for label, role, path in pages:  # warm every worker: templates, caches, statements
            serve.measure(server.port, path, cookies.get(role), 1, args.connections)
        for number in range(args.rounds):
            measured = {"hello": serve.measure(hello.port, "/hello", None, args.seconds,
                                               args.connections)}
            for label, role, path in pages:
                measured[label] = serve.measure(server.port, path, cookies.get(role), args.seconds,
                                                args.connections)
            rounds.append(measured)
            print(f"  round {number + 1}: hello {measured['hello']['rps']:.0f} req/s, "
                  f"load avg {os.getloadavg()[0]:.2f}", flush=True)
    finally:
        server.stop()
        hello.stop()
    cpu = {}
    for label, role, path in pages:
        cpu[label] = inprocess.cpu_per_request(clients[role] if role else anonymous, path,
                                               args.requests)
    app.config["LMS_LIST_COUNT_SECONDS"] = 0  # the cost of the page that counts again
    cpu["HR list, counts recounted"] = inprocess.cpu_per_request(
        clients["hr"], "/reports/learners", max(3, args.requests // 10), warm_up=1)
    get_state(app).database.dispose()
    return {"rounds": rounds, "cpu": cpu, "generated": made}


def median(values):
    return statistics.median(values) if values else float("nan")


def report(learners: int, result: dict) -> dict:
    rounds, cpu = result["rounds"], result["cpu"]
    print(f"\nPAGES at {learners:,} learners (medians of {len(rounds)} rounds; × hello = page "
          "req/s ÷ hello req/s of the same round)")
    print(f"{'page':28} {'req/s':>7} {'× hello':>8} {'p50 ms':>7} {'p95 ms':>7} {'bytes':>7} "
          f"{'CPU ms':>7} {'bad':>4}")
    hello = median([r["hello"]["rps"] for r in rounds])
    print(f"{'hello (bare Flask)':28} {hello:7.0f} {1:8.2f} "
          f"{median([r['hello']['p50'] for r in rounds]):7.1f} "
          f"{median([r['hello']['p95'] for r in rounds]):7.1f} "
          f"{median([r['hello']['bytes'] for r in rounds]):7.0f} {'':>7} "
          f"{sum(r['hello']['bad'] for r in rounds):4d}")
    summary = {}
    for label in [label for label, _, _ in PAGES] + ["HR list, counts recounted"]:
        if label not in rounds[0]:
            print(f"{label:28} {'':>7} {'':>8} {'':>7} {'':>7} {'':>7} {cpu[label]:7.2f}")
            summary[label] = {"cpu": cpu[label]}
            continue
        row = {key: median([r[label][key] for r in rounds]) for key in ("rps", "p50", "p95", "bytes")}
        row["ratio"] = median([r[label]["rps"] / r["hello"]["rps"] for r in rounds])
        row["bad"] = sum(r[label]["bad"] for r in rounds)
        row["cpu"] = cpu[label]
        summary[label] = row
        print(f"{label:28} {row['rps']:7.0f} {row['ratio']:8.2f} {row['p50']:7.1f} {row['p95']:7.1f} "
              f"{row['bytes']:7.0f} {row['cpu']:7.2f} {row['bad']:4d}")
    return summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20,000 learners only, shorter runs")
    parser.add_argument("--sizes", default=None, help="learner counts, e.g. 20000,200000")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=None, help="seconds per load run")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--requests", type=int, default=None, help="in-process requests per page")
    args = parser.parse_args()
    sizes = [int(s) for s in (args.sizes or ("20000" if args.quick else "20000,200000")).split(",")]
    args.seconds = args.seconds or (2 if args.quick else 3)
    args.requests = args.requests or (30 if args.quick else 60)
    started = time.monotonic()
    summaries = {}
    with tempfile.TemporaryDirectory(prefix="lms-bench-pages-") as workdir:
        for learners in sizes:
            result = run_size(learners, args, Path(workdir))
            summaries[learners] = report(learners, result)
    bad = sum(row.get("bad", 0) for summary in summaries.values() for row in summary.values())
    if len(sizes) > 1:
        small, large = min(sizes), max(sizes)
        print(f"\nLISTS: cost at {large:,} ÷ cost at {small:,} (target ≤ 1.3)")
        print(f"{'page':28} {'CPU ratio':>10} {'1/(req/s) ratio':>16}")
        for label in LISTS:
            a, b = summaries[small][label], summaries[large][label]
            throughput = (f"{a['rps'] / b['rps']:16.2f}" if "rps" in a else f"{'':>16}")
            print(f"{label:28} {b['cpu'] / a['cpu']:10.2f} {throughput}")
    print(f"\n{'ALL PAGES ANSWERED 2xx' if not bad else f'{bad} BAD RESPONSES'} "
          f"({time.monotonic() - started:.0f} s, load tool {serve.LOAD_TOOL})")
    return 0 if not bad else 1


if __name__ == "__main__":
    sys.exit(main())
