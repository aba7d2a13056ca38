"""Statistics (percentiles, same-round ratios) and the printed report."""
from __future__ import annotations

import math
from dataclasses import dataclass

from .integrity import Integrity
from .learners import PhaseResult

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
