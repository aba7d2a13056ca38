"""Export pages (load → authorize → act). Every dataset query is given the asker's
scope; the unit choices are only the asker's units, and a unit outside them posted by
hand is refused by the form (and would match nothing anyway)."""
from __future__ import annotations

import hashlib

from flask import (abort, current_app, redirect, render_template, request,
                   send_file, url_for)
from wtforms.fields.choices import SelectChoice

from courses.forms import TOPIC_LABELS
from courses.models import Topic
from lms.admin.forms import CATEGORY_LABELS
from lms.auth.access import load_or_404, require
from lms.auth.principal import current_principal
from lms.datasets import Dataset, ExportFilters
from lms.db import get_session, utcnow
from lms.exports import operations, queries
from lms.exports.completions import CATEGORY_FILTERS
from lms.exports.filters import only_honoured, scope_of
from lms.exports.formats import file_name
from lms.exports.forms import CheckExportForm, ExportFilterForm, ExportRunForm
from lms.exports.jobs import TASK
from lms.exports.models import ExportRecord, ExportState
from lms.exports.producing import streamed_response
from lms.extension import get_state
from lms.forms import page_argument
from lms.i18n import _, _l, current_locale, localized
from lms.tasks.outbox import enqueue

#: The topic filter names topics as the catalogue does, plus the courses HR verified
#: from elsewhere (lms.credits.external), which only exports list.
_TOPICS = {**TOPIC_LABELS, Topic.EXTERNAL: _l("Courses taken elsewhere")}


def _dataset(name: str) -> Dataset:
    datasets = get_state().export_datasets
    if name not in datasets:
        abort(404)
    return datasets.get(name)


def _prepare(form, dataset: Dataset, scope) -> None:
    every = [SelectChoice("", _("All"))]
    form.unit.choices = [SelectChoice(0, _("All my units") if not scope.everything else _("All units"))] + [
        SelectChoice(unit.id, f"{'— ' * unit.depth}{unit.code} · {unit.name(current_locale())}")
        for unit in queries.units_in_scope(scope)]
    form.topic.choices = every + [SelectChoice(topic.value, label) for topic, label in _TOPICS.items()]
    form.status.choices = every + [SelectChoice(value, localized(labels))
                                   for value, labels in dataset.statuses]
    form.category.choices = every + [SelectChoice(code, CATEGORY_LABELS[category])
                                     for code, category in CATEGORY_FILTERS.items()]
    formats = get_state().export_formats
    form.format.choices = [SelectChoice(name, formats.get(name).label) for name in formats
                           if dataset.statements is not None or not formats.get(name).needs_statements]
    form.locale.choices = [SelectChoice("vi", "Tiếng Việt"), SelectChoice("en", "English")]
    for name in ("date_from", "date_to", "period", "code", "topic", "status", "category", "unit"):
        if _FIELD_FILTER[name] not in dataset.filters:
            delattr(form, name)


#: Form field → the ExportFilters field it fills.
_FIELD_FILTER = {"unit": "unit_id", "date_from": "date_from", "date_to": "date_to",
                 "period": "period_code", "code": "course_code", "topic": "topic",
                 "status": "status", "category": "category"}


def _filters(form, dataset: Dataset) -> ExportFilters:
    values = {}
    for name, key in _FIELD_FILTER.items():
        field = getattr(form, name, None)
        if field is not None and field.data not in (None, "", 0):
            values[key] = field.data.strip() if isinstance(field.data, str) else field.data
    return only_honoured(dataset, ExportFilters(**values))


@require("exports.run")
def index():
    datasets = get_state().export_datasets.values()
    records = queries.recent_records_of(current_principal().learner.id)
    return render_template("lms/exports/index.html", datasets=datasets, records=records)


@require("exports.run")
def dataset_page(name: str):
    dataset = _dataset(name)
    scope = scope_of(current_principal())
    form = ExportFilterForm(request.args, format="csv", locale=current_locale())
    _prepare(form, dataset, scope)
    count = None
    if request.args and form.validate():
        count = dataset.count(get_session(), _filters(form, dataset), scope)
    run_form = ExportRunForm(formdata=None, data={key: field.data for key, field in form._fields.items()})
    _prepare(run_form, dataset, scope)
    return render_template("lms/exports/dataset.html", dataset=dataset, form=form,
                           run_form=run_form, count=count, job_rows=_job_threshold)


def _job_threshold(file_format: str) -> int:
    config = current_app.config
    return config["LMS_EXPORT_XLSX_STREAM_MAX_ROWS" if file_format == "xlsx"
                  else "LMS_EXPORT_STREAM_MAX_ROWS"]


@require("exports.run")
def run(name: str):
    dataset = _dataset(name)
    principal = current_principal()
    scope = scope_of(principal)
    form = ExportRunForm()
    _prepare(form, dataset, scope)
    if not form.validate():
        return render_template("lms/exports/dataset.html", dataset=dataset, form=form,
                               run_form=form, count=None, job_rows=_job_threshold), 400
    filters = _filters(form, dataset)
    export_format = get_state().export_formats.get(form.format.data)
    locale = form.locale.data
    count = dataset.count(get_session(), filters, scope)
    as_job = count > _job_threshold(export_format.name)
    record = operations.start_export(dataset, export_format.name, filters, scope, locale,
                                     actor=principal.learner, channel="job" if as_job else "web",
                                     rows_expected=count, queued=as_job)
    if as_job:
        enqueue(TASK, record_id=record.id)
        return redirect(url_for(".job", record_id=record.id))
    # The view's commit (lms.routing) makes the record and its audit event durable before
    # the body below is produced.
    return streamed_response(record.id, dataset, export_format, filters, scope, locale)


@require("exports.run")
def job(record_id: int):
    record = load_or_404(ExportRecord, record_id, "exports.open_job")
    stored = queries.stored_file(record.id)
    expired = record.expires_dt is not None and record.expires_dt <= utcnow()
    running = record.state in (ExportState.QUEUED, ExportState.RUNNING)
    # Refreshed by the browser without JavaScript, through the Refresh header (a
    # <meta http-equiv="refresh"> is an axe-core "critical" finding), and the person can
    # stop it (WCAG 2.2.1): ?refresh=off.
    refresh = running and request.args.get("refresh") != "off"
    response = current_app.make_response(render_template(
        "lms/exports/job.html", record=record, has_file=stored is not None, expired=expired,
        running=running, refresh=refresh))
    if refresh:
        response.headers["Refresh"] = str(current_app.config["LMS_EXPORT_REFRESH_SECONDS"])
    return response


@require("exports.run")
def job_file(record_id: int):
    record = load_or_404(ExportRecord, record_id, "exports.open_job")
    stored = queries.stored_file(record.id)
    if (stored is None or not record.is_sealed or record.expires_dt is None
            or record.expires_dt <= utcnow()):
        abort(404)  # the link has expired, or there is no file (yet)
    export_format = get_state().export_formats.get(record.file_format)
    dataset = _dataset(record.dataset)
    name = file_name(dataset, export_format, record.id, record.created_dt.date())
    if stored.path:
        import os

        path = os.path.join(current_app.config["LMS_EXPORT_DIRECTORY"], stored.path)
        return send_file(path, mimetype=export_format.media_type, as_attachment=True,
                         download_name=name, max_age=0)
    import io

    return send_file(io.BytesIO(queries.file_bytes(stored.id) or b""),
                     mimetype=export_format.media_type, as_attachment=True, download_name=name,
                     max_age=0)


@require("exports.view_records")
def records():
    page = page_argument()
    result = queries.records_page(page, current_app.config["LMS_PAGE_SIZE"])
    return render_template("lms/exports/records.html", records=result.items, page=page,
                           pages=result.pages, total=result.total)


def check():
    """Anyone holding an export checks it: upload the file or paste its hash. Only the
    export's date, dataset, format and row count are shown: nothing personal."""
    form = CheckExportForm()
    matches, digest = None, None
    if request.method == "POST" and form.validate():
        if form.file.data:
            hasher = hashlib.sha256()
            while chunk := form.file.data.stream.read(1 << 16):
                hasher.update(chunk)
            digest = hasher.hexdigest()
        else:
            digest = form.sha256.data.strip().lower()
        matches = queries.sealed_records_with_hash(digest)
    elif request.method == "POST":
        return render_template("lms/exports/check.html", form=form, matches=None, digest=None), 400
    return render_template("lms/exports/check.html", form=form, matches=matches, digest=digest)



#: The states of an export in the people's words.
STATE_LABELS = {ExportState.QUEUED: _l("Waiting for the worker"),
                ExportState.RUNNING: _l("Being prepared"),
                ExportState.SEALED: _l("Complete and sealed"),
                ExportState.INTERRUPTED: _l("Stopped before the end")}


def template_context() -> dict:
    return {"state_label": lambda state: STATE_LABELS.get(state, state)}
