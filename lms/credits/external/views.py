"""Pages of the external completions (load → authorize → act; the parent blueprint
commits): the learner's list and form, HR's queue, one submission, its evidence file,
and HR's two decisions."""
from __future__ import annotations

import unicodedata
from urllib.parse import quote

import sqlalchemy as sa
from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for

from lms.accounts.models import Learner
from lms.accounts.text_rules import REFUSED_CATEGORIES
from lms.auth.access import load_or_404, require
from lms.auth.principal import current_principal
from lms.config import evidence_max_bytes
from lms.credits.external import operations, providers, queries
from lms.credits.external.evidence import TYPES
from lms.credits.external.forms import RejectForm, SubmissionForm, size_text as _size
from lms.credits.external.labels import FILTER_LABELS, STATUS_LABELS
from lms.credits.external.models import ExternalCompletion
from lms.db import get_session, write_during_read_request
from lms.forms import ButtonForm, page_argument
from lms.i18n import _
from lms.policy import can


@require("learn")
def mine():
    learner = current_principal().learner
    return render_template("lms/credits/external/mine.html", status_labels=STATUS_LABELS,
                           submissions=queries.of_learner(learner.id))


@require("learn")
def submit():
    principal = current_principal()
    form = SubmissionForm(with_staff_code=can(principal, "external.review"))
    if form.validate_on_submit():
        learner = _learner_of(form, principal)
        if learner is not None and _not_listed_twice(form, learner):
            submission = operations.submit(
                learner, principal.learner, source_code=form.source.data,
                provider_name=_provider_name(form), course_title=_text(form.course_title.data),
                periods=form.periods.data, completed_on=form.completed_on.data,
                evidence=form.checked_evidence, evidence_name=_file_name(form.evidence.data.filename))
            flash(_("Submitted. HR of the unit will check the evidence and verify the course."),
                  "success")
            return redirect(url_for(".detail", submission_id=submission.id))
    status = 400 if request.method == "POST" else 200
    return render_template("lms/credits/external/submit.html", form=form, evidence_limit=_size(
        evidence_max_bytes(current_app.config))), status


def _learner_of(form, principal) -> Learner | None:
    """Who the course is for: oneself, or the learner of the staff code in one's units
    (a code outside them reads like a code nobody has)."""
    code = _text(form.staff_code.data) if "staff_code" in form else ""
    if not code:
        return principal.learner
    learner = get_session().scalar(sa.select(Learner).where(Learner.staff_code == code))
    if learner is None or not learner.is_active or not can(principal, "external.submit_for", learner):
        form.staff_code.errors.append(_("No active learner with this staff code in your units."))
        return None
    return learner


def _not_listed_twice(form, learner) -> bool:
    """A listed course is completed once: a second submission while one waits or is
    verified is refused here (HR would only have to reject it)."""
    if providers.catalogue().course(form.source.data) is None:
        return True
    existing = queries.open_or_verified_of_course(learner.id, form.source.data)
    if existing is None:
        return True
    form.source.errors.append(_("This course is already submitted for %(name)s (%(status)s).",
                                name=learner.full_name, status=status_label(existing.status)))
    return False


def _provider_name(form) -> str:
    listed = providers.catalogue().course(form.source.data)
    if listed is not None:
        return listed.provider["vi"]
    return _text(form.provider_other.data)


def _text(value: str | None) -> str:
    return unicodedata.normalize("NFC", (value or "").strip())


def _file_name(name: str | None) -> str:
    """The uploaded name, for people to read: no folders, no invisible characters."""
    name = _text(name).replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(ch for ch in name if unicodedata.category(ch) not in REFUSED_CATEGORIES)[:200]


@require("external.review")
def review():
    status = request.args.get("status")
    status = status if status in queries.STATUS_FILTERS else "pending"
    page = queries.queue(current_principal(), status, page_argument(),
                         current_app.config["LMS_PAGE_SIZE"])
    return render_template("lms/credits/external/review.html", rows=page.items, status=status,
                           filter_labels=FILTER_LABELS, status_labels=STATUS_LABELS,
                           page=page.number, pages=page.pages, total=page.total)


@require("learn")
def detail(submission_id: int):
    submission = load_or_404(ExternalCompletion, submission_id, "external.view")
    _record_view_by_someone_else(submission)
    return _detail_page(submission, RejectForm(formdata=None))


def _detail_page(submission, reject_form, status: int = 200):
    principal = current_principal()
    decidable = submission.is_pending and can(principal, "external.decide", submission)
    return render_template(
        "lms/credits/external/detail.html", submission=submission, decidable=decidable,
        is_reviewer=can(principal, "external.review"), button_form=ButtonForm(),
        status_labels=STATUS_LABELS,
        reject_form=reject_form), status


def _record_view_by_someone_else(submission) -> None:
    from lms.audit.record_views import record_record_view

    viewer = current_principal().learner
    if submission.learner_id != viewer.id:  # HR or an admin reading someone's record
        record_record_view(viewer, submission.learner_id, page="external_completion")


@require("learn")
def evidence(submission_id: int):
    """The evidence file, as the type its content was found to be; every view by someone
    other than the learner is audited (a read of personal data)."""
    submission = load_or_404(ExternalCompletion, submission_id, "external.view")
    viewer = current_principal().learner
    if submission.learner_id != viewer.id:
        with write_during_read_request() as session:
            operations.record_evidence_view(session.get(ExternalCompletion, submission.id),
                                            viewer, session)
        submission = get_session().get(ExternalCompletion, submission_id)
    return _evidence_response(submission, queries.evidence_bytes(submission.id))


def _evidence_response(submission, data: bytes) -> Response:
    known = {content_type: extension for content_type, extension in TYPES.values()}
    extension = known.get(submission.evidence_type)
    # Only the detected PDF and image types are shown in the browser; anything else (an
    # older row, a hand-edited one) is a download of bytes the browser must not read.
    content_type = submission.evidence_type if extension else "application/octet-stream"
    disposition = "inline" if extension else "attachment"
    name = f"minh-chung-{submission.id}.{extension or 'bin'}"
    response = Response(data, mimetype=content_type)
    response.headers["Content-Disposition"] = (
        f"{disposition}; filename=\"{name}\"; filename*=UTF-8''{quote(name)}")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    # Opened on its own, the file runs nothing and loads nothing else.
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'")
    return response


def _decidable_or_403(submission_id: int) -> ExternalCompletion:
    """The submission (404 outside one's units), and the policy's yes to deciding it:
    its own learner — HR or not — or whoever entered it gets a 403."""
    submission = load_or_404(ExternalCompletion, submission_id, "external.view")
    if not can(current_principal(), "external.decide", submission):
        abort(403)
    return submission


@require("external.review")
def verify(submission_id: int):
    submission = _decidable_or_403(submission_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        done = operations.verify(submission.id, current_principal().learner)
    except operations.ExternalRefused as refusal:
        flash(str(refusal), "error")
    else:
        if done:
            flash(_("Verified: the course is recorded as completed and credited."), "success")
        else:
            flash(_("This submission was decided already; nothing changed."), "info")
    return redirect(url_for(".detail", submission_id=submission.id))


@require("external.review")
def reject(submission_id: int):
    submission = _decidable_or_403(submission_id)
    form = RejectForm()
    if not form.validate_on_submit():
        return _detail_page(submission, form, 400)
    if operations.reject(submission.id, current_principal().learner, _text(form.reason.data)):
        flash(_("Rejected. The learner sees the reason."), "success")
    else:
        flash(_("This submission was decided already; nothing changed."), "info")
    return redirect(url_for(".detail", submission_id=submission.id))


def status_label(status) -> str:
    return str(STATUS_LABELS[status])
