"""xAPI 1.0.3 statements of completed courses, and a streamed JSON array of them.

Pure: no Flask. The rules followed (xAPI 1.0.3, Part Two "Statements"):
- the actor is an Agent with exactly one inverse functional identifier; an ``account``
  (``homePage`` of the LMS + the staff code) is used rather than an e-mail address, so
  a statement names no personal mailbox;
- verbs are the ADL ``completed`` and, when the final quiz was passed, ``passed``;
- ``result.score.scaled`` lies in [-1, 1] (a percent divided by 100, clamped),
  ``raw`` between ``min`` and ``max``; ``success`` and ``completion`` are booleans;
- ``timestamp`` is ISO 8601 with a time zone; ``context.registration`` is a UUID;
- statement ids are UUIDs derived from the record (``uuid5``), so exporting the same
  completion twice gives the same ids and a learning record store deduplicates them.
"""
from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

VERB_COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
VERB_PASSED = "http://adlnet.gov/expapi/verbs/passed"
ACTIVITY_COURSE = "http://adlnet.gov/expapi/activities/course"
XAPI_VERSION = "1.0.3"

VERB_DISPLAY = {
    VERB_COMPLETED: {"vi-VN": "đã hoàn thành", "en-US": "completed"},
    VERB_PASSED: {"vi-VN": "đã đạt", "en-US": "passed"},
}

#: Namespace of the derived statement and registration ids (a fixed random UUID: the
#: ids of one LMS stay stable across exports and releases).
NAMESPACE = uuid.UUID("8a4f3c1e-5b7d-4e2a-9f61-3c0d2b8e7a15")


@dataclass(frozen=True)
class CompletionFacts:
    """What a completion statement says, already read from the record."""

    record_id: int
    #: Staff code, or another identifier unique in the LMS for people without one.
    account_name: str
    full_name: str
    course_code: str
    #: The course title by language tag ({"vi-VN": …, "en-US": …}).
    titles: dict
    completed_at: dt.datetime
    #: Percent of the final quiz, None for a course without one.
    score_percent: float | None
    #: Where the learning happened (``context.platform``): the LMS, or the provider of a
    #: course taken outside it.
    platform: str = "LMS"


def _scaled(percent: float) -> float:
    return round(max(-1.0, min(1.0, percent / 100.0)), 4)


def _timestamp(moment: dt.datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("xAPI timestamps need a time zone")
    return moment.isoformat(timespec="milliseconds")


def completion_statements(facts: CompletionFacts, home_page: str) -> list[dict]:
    """``completed`` for every completion, then ``passed`` when a quiz was passed."""
    home_page = home_page.rstrip("/")
    registration = str(uuid.uuid5(NAMESPACE, f"registration:{facts.record_id}"))
    base = {
        "actor": {"objectType": "Agent", "name": facts.full_name,
                  "account": {"homePage": home_page, "name": facts.account_name}},
        "object": {"objectType": "Activity", "id": f"{home_page}/courses/{facts.course_code}",
                   "definition": {"type": ACTIVITY_COURSE,
                                  "name": dict(facts.titles)}},
        "context": {"registration": registration, "platform": facts.platform,
                    "language": "vi-VN"},
        "timestamp": _timestamp(facts.completed_at),
        "version": XAPI_VERSION,
    }
    verbs = [VERB_COMPLETED] + ([VERB_PASSED] if facts.score_percent is not None else [])
    statements = []
    for verb in verbs:
        result: dict = {"completion": True, "success": True}
        if facts.score_percent is not None:
            raw = max(0.0, min(100.0, float(facts.score_percent)))
            result["score"] = {"scaled": _scaled(raw), "raw": raw, "min": 0, "max": 100}
        statements.append({"id": str(uuid.uuid5(NAMESPACE, f"{verb}:{facts.record_id}")),
                           **base, "verb": {"id": verb, "display": VERB_DISPLAY[verb]},
                           "result": result})
    return statements


class XapiWriter:
    """Streams a JSON array of statements, one chunk per batch of rows;
    :attr:`rows_written` counts the rows (not the statements) written."""

    def __init__(self, statements_of, *, batch_rows: int = 1000):
        self.statements_of = statements_of
        self.batch_rows = batch_rows
        self.rows_written = 0
        self.statements_written = 0

    def chunks(self, rows: Iterable) -> Iterator[bytes]:
        from itertools import islice

        yield b"["
        iterator = iter(rows)
        first = True
        while batch := list(islice(iterator, self.batch_rows)):
            parts = []
            for row in batch:
                for statement in self.statements_of(row):
                    parts.append(("\n" if first else ",\n")
                                 + json.dumps(statement, ensure_ascii=False, separators=(",", ":")))
                    first = False
                    self.statements_written += 1
            self.rows_written += len(batch)
            if parts:
                yield "".join(parts).encode("utf-8")
        yield b"\n]\n"
