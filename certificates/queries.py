"""Certificate reads (every list scoped to the asker)."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from certificates.codes import normalize_code
from certificates.models import Certificate, CertificateFile
from lms.db import get_session
from lms.i18n import strip_diacritics


def certificate_by_code(text: str | None) -> Certificate | None:
    """The certificate whose verification code is ``text`` (as typed), or None."""
    code = normalize_code(text)
    if code is None:
        return None
    return get_session().scalar(sa.select(Certificate).where(Certificate.verification_code == code))


def certificate_by_serial_and_name(serial: str, name: str) -> Certificate | None:
    """The lookup form: the serial exactly, and the printed name with case and
    diacritics ignored (both must match, so a serial alone reveals no name)."""
    certificate = get_session().scalar(sa.select(Certificate)
                                       .where(Certificate.serial == serial.strip()))
    if certificate is None or strip_diacritics(certificate.full_name) != strip_diacritics(name):
        return None
    return certificate


def certificates_of_learner(learner_id: int) -> list[Certificate]:
    """A learner's certificates, newest first, with their completion (one query each)."""
    return list(get_session().scalars(
        sa.select(Certificate).where(Certificate.learner_id == learner_id)
        .options(selectinload(Certificate.completion))
        .order_by(Certificate.issued_dt.desc(), Certificate.id.desc())))


def files_of(certificate: Certificate) -> list[CertificateFile]:
    """Every rendering ever stored (current and superseded), oldest first, without bytes."""
    return list(get_session().scalars(
        sa.select(CertificateFile).where(CertificateFile.certificate_id == certificate.id)
        .options(sa.orm.defer(CertificateFile.content)).order_by(CertificateFile.id)))


def served_file(certificate_id: int, locale: str, *, with_content: bool):
    """The current file of a certificate in ``locale`` for a download, as one row of plain
    columns (no ORM object: nothing to track, nothing to expire), or None. The bytes are
    read only ``with_content``: a browser asking "still the same?" gets its 304 from the
    hash and the date alone, without the database handing over the PDF."""
    columns = [CertificateFile.sha256, CertificateFile.size, CertificateFile.created_dt,
               CertificateFile.storage_name]
    if with_content:
        columns.append(CertificateFile.content)
    return get_session().execute(sa.select(*columns).where(
        CertificateFile.certificate_id == certificate_id, CertificateFile.locale == locale,
        CertificateFile.superseded_dt.is_(None))).one_or_none()
