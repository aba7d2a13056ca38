"""A test feature offering a dataset whose rows come slowly ("slow"), to show that a
long export through the shipped gunicorn configuration arrives whole; also the proof
that a second dataset, registered by another feature, goes through the same path."""
from __future__ import annotations

import os
import time

from lms.datasets import Column, Dataset

REQUIRES: tuple[str, ...] = ()


def load_models() -> None:
    """No tables."""


def _total() -> int:
    return int(os.environ.get("SLOW_ROWS", "50"))


def rows(session, filters, scope, locale):
    pause = float(os.environ.get("SLOW_PAUSE", "0"))
    for number in range(_total()):
        if pause and number % 1000 == 0:
            time.sleep(pause)
        yield (number, f"Dòng số {number}", "=1+1" if number == 0 else "bình thường")


def count(session, filters, scope) -> int:
    return _total()


DATASET = Dataset(
    name="slow", title={"vi": "Dữ liệu chậm", "en": "Slow data"},
    columns=(Column("number", {"vi": "Số", "en": "Number"}, "integer"),
             Column("label", {"vi": "Nhãn", "en": "Label"}),
             Column("note", {"vi": "Ghi chú", "en": "Note"})),
    rows=rows, count=count)


def init_app(app, state) -> None:
    state.export_datasets.register("slow", DATASET)
