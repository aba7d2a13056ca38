"""HR exports: any registered dataset (``lms.datasets``) as CSV, XLSX or xAPI, scoped to
the asker's units, counted before it runs, sealed with the SHA-256 of what was delivered,
streamed in constant memory or produced by a job; the ``flask lms export`` command, and a
read API for HR systems.

The exports never import the features that own the rows: those register datasets on
``state.export_datasets``; this feature registers the completion records itself (they
belong to courses, which it needs).
"""
from __future__ import annotations

#: Features that must be enabled before this one.
REQUIRES: tuple[str, ...] = ("courses",)


def load_models() -> None:
    from lms.exports import models  # noqa: F401


def init_app(app, state) -> None:
    from lms.exports import setup

    setup.init_app(app, state)
