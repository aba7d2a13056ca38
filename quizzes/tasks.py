"""The quiz engine's background work: attempts whose time ran out are graded every minute
(a learner who closed the tab still gets a result, and the course completes)."""
from __future__ import annotations


def register_tasks(queue) -> None:
    queue.periodic("quizzes.close_overdue", _close_overdue, minute="*")


def _close_overdue() -> None:
    from quizzes.operations import close_overdue_attempts

    close_overdue_attempts()
