"""The certificate serial as a column of the completion records export
(``lms.datasets.CompletionColumns``): HR files completions with "Số giấy chứng nhận"."""
from __future__ import annotations

import sqlalchemy as sa

from lms.datasets import Column, CompletionColumns

SERIAL_COLUMN = Column("certificate_serial", {"vi": "Số giấy chứng nhận",
                                              "en": "Certificate number"})


def load_serials(session, completion_ids: list[int], locale: str) -> dict[int, tuple]:
    """``{completion_id: (serial,)}`` for one batch, one query; a revoked certificate's
    serial is marked so, since HR must not file it as valid."""
    from certificates.models import Certificate

    if not completion_ids:
        return {}
    rows = session.execute(sa.select(Certificate.completion_id, Certificate.serial,
                                     Certificate.revoked_dt)
                           .where(Certificate.completion_id.in_(completion_ids)))
    from flask_babel import force_locale

    from lms.i18n import _

    with force_locale(locale):
        revoked = _("revoked")
    return {row.completion_id: (f"{row.serial} ({revoked})" if row.revoked_dt else row.serial,)
            for row in rows}


def has_certificate(completion_id):
    """SQL: the completion has a certificate (its serial is worth loading)."""
    from certificates.models import Certificate

    return sa.exists().where(Certificate.completion_id == completion_id)


def completion_columns() -> CompletionColumns:
    return CompletionColumns(columns=(SERIAL_COLUMN,), load=load_serials,
                             present=has_certificate)
