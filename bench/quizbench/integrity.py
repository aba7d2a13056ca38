"""The database check: compare what the client saw with what the database holds."""
from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from .learners import LearnerOutcome

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
