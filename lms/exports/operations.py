"""Writes of the exports: the record and its audit event, the seal, job progress, files,
API tokens. Operations flush; the caller commits (a view, a task, a CLI command), except
the ``*_now`` ones, which run their own short transaction because they happen while a
file is being produced, after the request's commit (see :mod:`lms.exports.producing`)."""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets

import sqlalchemy as sa
from flask import current_app

from lms.audit.operations import record_event
from lms.datasets import Dataset, ExportFilters, ExportScope
from lms.db import get_session, utcnow
from lms.exports.filters import filters_to_json, scope_to_json
from lms.exports.models import ApiToken, ExportFile, ExportRecord, ExportState


def start_export(dataset: Dataset, file_format: str, filters: ExportFilters, scope: ExportScope,
                 locale: str, *, actor, channel: str, rows_expected: int | None,
                 queued: bool = False, actor_label: str | None = None) -> ExportRecord:
    """The record of an export about to be produced, and its audit event, in the
    caller's transaction: committed before the first byte of the file exists."""
    record = ExportRecord(
        actor_id=actor.id if actor is not None else None,
        actor_label=actor_label or (actor.full_name if actor is not None else channel),
        channel=channel, dataset=dataset.name, file_format=file_format, locale=locale,
        filters=filters_to_json(filters), scope=scope_to_json(scope), rows_expected=rows_expected,
        state=ExportState.QUEUED if queued else ExportState.RUNNING, row_count=0)
    session = get_session()
    session.add(record)
    session.flush()
    record_event("exports.export_started", actor=actor, actor_label=record.actor_label,
                 object_type="export", object_id=record.id,
                 details={"dataset": dataset.name, "format": file_format,
                          "filters": record.filters, "scope": record.scope,
                          "rows_expected": rows_expected, "channel": channel})
    return record


def _short_write(statement) -> None:
    with current_app.extensions["lms"].database.unit_of_work() as session:
        session.execute(statement)


def seal_now(record_id: int, *, rows: int, sha256: str, size: int,
             expires_dt: dt.datetime | None = None) -> None:
    """The file is whole: record its row count, size and hash (its own transaction)."""
    _short_write(sa.update(ExportRecord).where(ExportRecord.id == record_id).values(
        state=ExportState.SEALED, row_count=rows, sha256=sha256, size_bytes=size,
        finished_dt=utcnow(), expires_dt=expires_dt))


def interrupt_now(record_id: int, *, rows: int, error: str | None = None) -> None:
    """The file stopped before its end: no hash is recorded, so no partial copy passes
    the check."""
    _short_write(sa.update(ExportRecord).where(ExportRecord.id == record_id).values(
        state=ExportState.INTERRUPTED, row_count=rows, finished_dt=utcnow(),
        error=(error or "")[:500] or None))


def progress_now(record_id: int, rows: int) -> None:
    """A job's progress, committed at once so the progress page (any server) sees it."""
    _short_write(sa.update(ExportRecord).where(ExportRecord.id == record_id).values(
        state=ExportState.RUNNING, row_count=rows))


def store_file_now(record_id: int, *, data: bytes | None, path: str | None) -> None:
    with current_app.extensions["lms"].database.unit_of_work() as session:
        session.add(ExportFile(record_id=record_id, data=data, path=path))


# --- API tokens ------------------------------------------------------------------------

def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_api_token(name: str, org_unit, *, actor) -> tuple[ApiToken, str]:
    """A new token and its secret (shown once; only its hash is stored)."""
    secret = "lms_" + secrets.token_urlsafe(32)
    token = ApiToken(name=name, prefix=secret[:12], secret_sha256=hash_secret(secret),
                     org_unit_id=org_unit.id if org_unit is not None else None,
                     created_by_id=actor.id if actor is not None else None)
    session = get_session()
    session.add(token)
    session.flush()
    record_event("exports.api_token_created", actor=actor, object_type="api_token",
                 object_id=token.id, details={"name": name, "unit": org_unit.code if org_unit else None})
    return token, secret


def revoke_api_token(token: ApiToken, *, actor) -> bool:
    """Revoke ``token`` (False when it already was); atomic, so two clicks revoke once."""
    changed = get_session().execute(
        sa.update(ApiToken).where(ApiToken.id == token.id, ApiToken.revoked_dt.is_(None))
        .values(revoked_dt=utcnow(), revoked_by_id=actor.id if actor else None)
        .execution_options(synchronize_session="fetch")).rowcount
    if changed:
        record_event("exports.api_token_revoked", actor=actor, object_type="api_token",
                     object_id=token.id, details={"name": token.name})
    return bool(changed)
