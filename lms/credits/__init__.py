"""Credits toward the emulation criteria: periods, criteria, rules, targets, the
append-only ledger, the learner's progress and the standings.

A feature (``lms.features``), although it sits inside ``lms``: it reads the completions
of ``courses``. It listens to ``course_completed`` (awards, inside the transaction) and
``certificate_revoked`` (reversing entries), and sends ``credits_awarded``.
"""

from __future__ import annotations

#: Features that must be enabled before this one.
REQUIRES: tuple[str, ...] = ("courses",)


def load_models() -> None:
    import lms.credits.external.models  # noqa: F401  (the imports define the tables)
    import lms.credits.models  # noqa: F401


def init_app(app, state) -> None:
    """Receivers, the ``flask lms credits`` group, pages, menu, home section, datasets."""
    from lms.credits import wiring

    wiring.init_app(app, state)
