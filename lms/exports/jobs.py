"""The queue's side of the exports: the job task, the purge of expired files, and the
scheduled exports (``LMS_EXPORT_SCHEDULES``)."""
from __future__ import annotations

import os

import sqlalchemy as sa
from flask import current_app

from lms.db import get_session, utcnow
from lms.exports import operations
from lms.exports.filters import filters_from_json, scope_from_json
from lms.exports.models import ExportFile, ExportRecord, ExportState
from lms.exports.producing import produce_to_storage

TASK = "exports.produce"


def run_job(record_id: int) -> None:
    """Task: produce the file of a queued export (a retry after a failure starts again;
    a sealed record is left alone, so a second delivery does nothing)."""
    state = current_app.extensions["lms"]
    with state.database.new_session(for_write=False) as session:
        record = session.get(ExportRecord, record_id)
        if record is None or record.state == ExportState.SEALED:
            return
        values = (record.dataset, record.file_format, record.filters, record.scope, record.locale)
    name, file_format, filters, scope, locale = values
    operations.progress_now(record_id, 0)
    produce_to_storage(record_id, state.export_datasets.get(name),
                       state.export_formats.get(file_format), filters_from_json(filters),
                       scope_from_json(scope), locale)


def purge_expired() -> None:
    """Periodic: delete the stored files whose download link has expired (the record and
    its hash stay: the file can still be checked)."""
    session = get_session()
    now = utcnow()
    expired = session.execute(
        sa.select(ExportFile.id, ExportFile.path).join(ExportRecord)
        .where(ExportRecord.expires_dt < now)).all()
    directory = current_app.config["LMS_EXPORT_DIRECTORY"]
    for file_id, path in expired:
        if path and directory:
            try:
                os.unlink(os.path.join(directory, path))
            except FileNotFoundError:
                pass
        session.execute(sa.delete(ExportFile).where(ExportFile.id == file_id))


def scheduled_export(schedule: dict) -> None:
    """Periodic: one configured export, recorded like any other (channel ``schedule``,
    every unit), produced as a job."""
    from lms.datasets import ExportScope
    from lms.tasks.outbox import enqueue

    state = current_app.extensions["lms"]
    dataset = state.export_datasets.get(schedule["dataset"])
    filters = filters_from_json(schedule.get("filters") or {})
    scope = ExportScope(everything=True)
    record = operations.start_export(
        dataset, schedule.get("format", "csv"), filters, scope, schedule.get("locale", "vi"),
        actor=None, actor_label=f"schedule:{schedule['name']}", channel="schedule",
        rows_expected=dataset.count(get_session(), filters, scope), queued=True)
    enqueue(TASK, record_id=record.id)


def register(state, app) -> None:
    state.tasks.register(TASK, run_job)
    state.tasks.periodic("exports.purge_expired", purge_expired, minute="*/30")
    for schedule in app.config["LMS_EXPORT_SCHEDULES"]:
        state.tasks.periodic(f"exports.schedule.{schedule['name']}",
                             lambda schedule=schedule: scheduled_export(schedule),
                             **schedule.get("cron", {"minute": "0", "hour": "2"}))
