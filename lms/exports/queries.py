"""Reads of the exports: recent records, the check by hash, API tokens, unit choices."""
from __future__ import annotations

import sqlalchemy as sa

from lms.accounts.models import OrgUnit
from lms.db import get_session
from lms.exports.models import ApiToken, ExportFile, ExportRecord, ExportState
from lms.pagination import Page, paginate


def records_page(page: int, page_size: int) -> Page:
    return paginate(sa.select(ExportRecord), page, page_size,
                    order_by=(ExportRecord.created_dt.desc(), ExportRecord.id.desc()))


def recent_records_of(learner_id: int, limit: int = 10) -> list[ExportRecord]:
    return list(get_session().scalars(
        sa.select(ExportRecord).where(ExportRecord.actor_id == learner_id)
        .order_by(ExportRecord.id.desc()).limit(limit)))


def sealed_records_with_hash(sha256: str) -> list[ExportRecord]:
    """The sealed exports whose delivered bytes have this SHA-256 (several when the same
    rows were exported twice: identical files)."""
    return list(get_session().scalars(
        sa.select(ExportRecord).where(ExportRecord.sha256 == sha256,
                                      ExportRecord.state == ExportState.SEALED)
        .order_by(ExportRecord.id)))


def stored_file(record_id: int) -> ExportFile | None:
    return get_session().scalar(sa.select(ExportFile).where(ExportFile.record_id == record_id))


def file_bytes(file_id: int) -> bytes | None:
    return get_session().scalar(sa.select(ExportFile.data).where(ExportFile.id == file_id))


def units_in_scope(scope) -> list[OrgUnit]:
    """Open units the asker may filter by, in tree order."""
    return list(get_session().scalars(
        sa.select(OrgUnit).where(scope.unit_condition(OrgUnit.path), OrgUnit.closed_on.is_(None))
        .order_by(OrgUnit.path)))


def api_tokens() -> list[tuple[ApiToken, OrgUnit | None]]:
    return list(get_session().execute(
        sa.select(ApiToken, OrgUnit).outerjoin(OrgUnit, OrgUnit.id == ApiToken.org_unit_id)
        .order_by(ApiToken.revoked_dt.is_not(None), ApiToken.id.desc())).all())


def token_by_hash(secret_sha256: str) -> tuple[ApiToken, OrgUnit | None] | None:
    row = get_session().execute(
        sa.select(ApiToken, OrgUnit).outerjoin(OrgUnit, OrgUnit.id == ApiToken.org_unit_id)
        .where(ApiToken.secret_sha256 == secret_sha256)).first()
    return tuple(row) if row else None
