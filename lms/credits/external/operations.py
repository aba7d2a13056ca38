"""Writes of external completions (mutate → flush → audit; never commit).

Deciding is a conditional UPDATE from ``pending`` (the database picks one winner when
two HR tabs, or a double click, decide at once: the other changes nothing), and both
decisions are final: a rejected submission is followed by a new one, never reopened;
a verified one stays verified (its credits can only be reversed in the ledger).

A verified submission becomes a completion the normal way: the learner is enrolled in
the catalogue course the submission stands for and ``courses.operations.
complete_course_if_done`` asks the completion requirements, of which
``requirement.VerifiedExternalCompletion`` is now met; ``course_completed`` follows, and
the credit ledger listens to it like to any other completion.

Which catalogue course: each listed course of ``providers.yaml`` has one (its code, the
topic "external", never published), made the first time one of its completions is
verified, so the completion table keeps its rule that every completion names a course
version and credit rules can name it by code. A listed course is completed once per
learner (the completion's unique key). An "other" completion is a course nobody
listed: it gets a course of its own, ``NGOAI-<submission number>``, so two different
outside courses are two completions, and credits under the rule for the topic.
"""
from __future__ import annotations

import hashlib

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from courses import operations as course_operations
from courses.models import Course, Topic
from lms.audit.operations import record_event
from lms.credits.external import providers
from lms.credits.external.evidence import Evidence
from lms.credits.external.models import ExternalCompletion, ExternalStatus
from lms.db import get_session, utcnow
from lms.i18n import _


class ExternalRefused(ValueError):
    """The verification cannot make a completion (message translated); nothing changed."""


def submit(learner, submitter, *, source_code: str, provider_name: str, course_title: str,
           periods: int, completed_on, evidence: Evidence, evidence_name: str) -> ExternalCompletion:
    """Record a submission, pending HR's decision."""
    submission = ExternalCompletion(
        learner_id=learner.id, submitted_by_id=submitter.id, source_code=source_code,
        provider_name=provider_name, course_title=course_title, periods=periods,
        completed_on=completed_on, evidence_name=evidence_name[:200] or "-",
        evidence_type=evidence.content_type, evidence_size=len(evidence.data),
        evidence_sha256=evidence.sha256, evidence_data=evidence.data)
    session = get_session()
    session.add(submission)
    session.flush()
    _audit("credits.external_submitted", submission, submitter)
    return submission


def verify(submission_id: int, actor) -> bool:
    """Verify a pending submission and record its completion; True when this call did
    it, False when it was decided already (a second click, another tab: no change).
    Raises :class:`ExternalRefused`, having changed nothing, when the learner already
    holds a current completion of that course."""
    session = get_session()
    with session.begin_nested():  # a refusal below takes the claim back with it
        if not _decide(submission_id, actor, ExternalStatus.VERIFIED):
            return False
        submission = session.get(ExternalCompletion, submission_id)
        session.refresh(submission)
        course = catalogue_course(submission)
        submission.course_code = course.code
        session.flush()
        learner = submission.learner
        enrollment = course_operations.enrol(learner, course)
        completion = course_operations.complete_course_if_done(enrollment, learner)
        if completion is None:
            raise ExternalRefused(_(
                "%(name)s already has a completion of this course; a listed course is "
                "recorded once. Reject this submission as a duplicate.", name=learner.full_name))
        submission.completion_id = completion.id
        session.flush()
        _audit("credits.external_verified", submission, actor,
               completion_id=completion.id, course_code=course.code)
    return True


def reject(submission_id: int, actor, reason: str) -> bool:
    """Reject a pending submission with its reason; False when decided already."""
    if not _decide(submission_id, actor, ExternalStatus.REJECTED, reason=reason):
        return False
    submission = get_session().get(ExternalCompletion, submission_id)
    get_session().refresh(submission)
    _audit("credits.external_rejected", submission, actor, reason=reason)
    return True


def record_evidence_view(submission: ExternalCompletion, viewer, session) -> None:
    """A read of someone's evidence file (personal data): one audit event per view."""
    _audit("credits.external_evidence_viewed", submission, viewer, session=session)


def _decide(submission_id: int, actor, status: ExternalStatus, *, reason: str | None = None) -> bool:
    changed = get_session().execute(
        sa.update(ExternalCompletion)
        .where(ExternalCompletion.id == submission_id,
               ExternalCompletion.status == ExternalStatus.PENDING)
        .values(status=status, decided_by_id=actor.id, decided_dt=utcnow(), reject_reason=reason)
        .execution_options(synchronize_session=False)).rowcount
    return changed == 1


def catalogue_course(submission: ExternalCompletion) -> Course:
    """The catalogue course the submission stands for (made on first use). A course
    taken off the list since it was submitted is treated as "other"."""
    catalogue = providers.catalogue()
    listed = catalogue.course(submission.source_code)
    if listed is not None:
        return ensure_course(listed.code, listed.title, listed.provider)
    return ensure_course(catalogue.other_course_code(submission.id),
                         {"vi": submission.course_title, "en": submission.course_title},
                         {"vi": submission.provider_name, "en": submission.provider_name})


def ensure_course(code: str, title: dict[str, str], provider: dict[str, str]) -> Course:
    """The hidden catalogue course ``code`` (topic external, unpublished, no lessons)."""
    session = get_session()
    found = _course(code)
    if found is not None:
        return found
    try:
        with session.begin_nested():
            session.add(Course(
                code=code, version=1, topic=Topic.EXTERNAL, title_vi=title["vi"][:300],
                title_en=title["en"][:300], summary_vi=provider["vi"], summary_en=provider["en"],
                periods=0, minutes=0, pass_mark=0, search_text="", is_published=False,
                # Not a pack: the fingerprint only says so, for anyone reading the table.
                pack_sha256=hashlib.sha256(f"external:{code}".encode()).hexdigest()))
    except IntegrityError:
        pass  # made by a parallel verification: use its row
    return _course(code)


def _course(code: str) -> Course | None:
    return get_session().scalar(sa.select(Course).where(Course.code == code)
                                .order_by(Course.version.desc()).limit(1))


def _audit(action: str, submission: ExternalCompletion, actor, *, session=None, **extra) -> None:
    learner = submission.learner
    record_event(action, actor=actor, object_type="external_completion", object_id=submission.id,
                 session=session, details={
                     "learner_id": learner.id, "full_name": learner.full_name,
                     "provider": submission.provider_name, "title": submission.course_title,
                     "periods": submission.periods,
                     "completed_on": submission.completed_on.isoformat(), **extra})
