"""Reads of external completions: a learner's own list, HR's queue (scoped), one for
the completion requirement."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from lms.accounts.models import Learner
from lms.credits.external.models import ExternalCompletion, ExternalStatus
from lms.db import get_session
from lms.pagination import Page, paginate
from lms.policy import learner_scope

#: The queue's status filter: ``?status=`` values, pending first (what waits for HR).
STATUS_FILTERS = ("pending", "verified", "rejected", "all")


def of_learner(learner_id: int) -> list[ExternalCompletion]:
    return list(get_session().scalars(
        sa.select(ExternalCompletion).where(ExternalCompletion.learner_id == learner_id)
        .order_by(ExternalCompletion.submitted_dt.desc(), ExternalCompletion.id.desc())))


def queue(principal, status: str, page: int, size: int) -> Page:
    """The submissions of the learners in the principal's subtrees (everyone's for an
    admin), oldest pending first; decided ones newest first."""
    query = (sa.select(ExternalCompletion).join(Learner, Learner.id == ExternalCompletion.learner_id)
             .where(learner_scope(principal)))
    if status != "all":
        query = query.where(ExternalCompletion.status == ExternalStatus(status))
    if status == "pending":
        order = (ExternalCompletion.submitted_dt, ExternalCompletion.id)
    else:
        order = (ExternalCompletion.submitted_dt.desc(), ExternalCompletion.id.desc())
    return paginate(query, page, size, order_by=order,
                    options=(selectinload(ExternalCompletion.learner).selectinload(Learner.org_unit),))


def verified_unrecorded(learner_id: int, course_code: str,
                        since: dt.date | None) -> ExternalCompletion | None:
    """A verified submission of the course not made a completion yet (the one being
    verified), completed on or after ``since`` when a new cycle is asked for."""
    query = sa.select(ExternalCompletion).where(
        ExternalCompletion.learner_id == learner_id,
        ExternalCompletion.course_code == course_code,
        ExternalCompletion.status == ExternalStatus.VERIFIED,
        ExternalCompletion.completion_id.is_(None))
    if since is not None:
        query = query.where(ExternalCompletion.completed_on >= since)
    return get_session().scalar(query.order_by(ExternalCompletion.id).limit(1))


def open_or_verified_of_course(learner_id: int, source_code: str) -> ExternalCompletion | None:
    """The learner's pending or verified submission of a listed course, if any (a listed
    course is completed once)."""
    return get_session().scalar(
        sa.select(ExternalCompletion).where(
            ExternalCompletion.learner_id == learner_id,
            ExternalCompletion.source_code == source_code,
            ExternalCompletion.status.in_((ExternalStatus.PENDING, ExternalStatus.VERIFIED)))
        .order_by(ExternalCompletion.id).limit(1))


def evidence_bytes(submission_id: int) -> bytes:
    return get_session().scalar(
        sa.select(ExternalCompletion.evidence_data).where(ExternalCompletion.id == submission_id))


def providers_of_completions(session, completion_ids: list[int], locale: str) -> dict[int, str]:
    """``{completion_id: provider name}`` of the verified external completions among
    ``completion_ids`` (the completion export's source column), in one query."""
    if not completion_ids:
        return {}
    return dict(session.execute(
        sa.select(ExternalCompletion.completion_id, ExternalCompletion.provider_name)
        .where(ExternalCompletion.completion_id.in_(completion_ids))).all())
