"""Certificate writes: issue on completion, store the rendered PDF, revoke
(mutate → flush → signal; never commit)."""
from __future__ import annotations

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from certificates import codes, storage
from certificates.models import Certificate, CertificateFile, SerialCounter
from lms import signals
from lms.dates import local_date
from lms.db import get_session, utcnow
from lms.tasks import outbox

#: The outbox task that renders a new certificate's PDF after commit.
RENDER_TASK = "certificates.render"


class CertificateError(Exception):
    """A refused certificate operation; the message is translated for the person."""


def next_serial_number(year: int) -> int:
    """Take the next sequence number of ``year``, holding its counter row until the
    transaction ends (see :class:`SerialCounter`). Atomic SQL, never read-modify-write."""
    session = get_session()
    _ensure_counter(year)
    return session.execute(
        sa.update(SerialCounter).where(SerialCounter.year == year)
        .values(last_seq=SerialCounter.last_seq + 1)
        .returning(SerialCounter.last_seq)
        .execution_options(synchronize_session=False)).scalar_one()


def _ensure_counter(year: int) -> None:
    session = get_session()
    if session.get(SerialCounter, year) is not None:
        return
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    # Two first-of-the-year completions may both try: one row wins, both then update it.
    session.execute(insert(SerialCounter).values(year=year, last_seq=0)
                    .on_conflict_do_nothing(index_elements=["year"]))


def issue_certificate(completion, learner) -> Certificate:
    """The certificate of ``completion``, created with the next serial of the issue year
    if it has none yet (a repeat, or a backfill racing the live receiver, gets the
    existing row). Sends ``certificate_issued`` and asks for the PDF after commit."""
    existing = certificate_of_completion(completion.id)
    if existing is not None:
        return existing
    session = get_session()
    now = utcnow()
    year = local_date(now).year
    try:
        # The savepoint holds the serial too: a refused insert gives its number back.
        with session.begin_nested():
            seq = next_serial_number(year)
            certificate = Certificate(
                completion_id=completion.id, learner_id=learner.id, year=year, seq=seq,
                serial=codes.format_serial(current_app.config["LMS_CERTIFICATE_SERIAL_PATTERN"],
                                           seq=seq, year=year),
                verification_code=codes.new_verification_code(), issued_dt=now,
                full_name=learner.full_name, birth_date=learner.birth_date)
            session.add(certificate)
    except IntegrityError:
        existing = certificate_of_completion(completion.id)
        if existing is None:
            raise  # not the completion's uniqueness: a code collision (p ≈ 2^-98), say so
        return existing
    outbox.enqueue(RENDER_TASK, certificate_id=certificate.id)
    signals.certificate_issued.send(current_app._get_current_object(), certificate=certificate)
    return certificate


def certificate_of_completion(completion_id: int) -> Certificate | None:
    return get_session().scalar(sa.select(Certificate)
                                .where(Certificate.completion_id == completion_id))


def on_course_completed(sender, *, completion, learner, course=None, **_extra) -> None:
    """``course_completed`` receiver: runs in the completion's transaction, writes rows
    only (the PDF is rendered by the outbox task after commit). A course taken elsewhere
    (an HR-verified external completion) gets none: its certificate is the provider's."""
    if (course or completion.course).is_external:
        return
    issue_certificate(completion, learner)


# --- the stored PDF ----------------------------------------------------------------------

def current_file(certificate: Certificate, locale: str) -> CertificateFile | None:
    return get_session().scalar(sa.select(CertificateFile).where(
        CertificateFile.certificate_id == certificate.id, CertificateFile.locale == locale,
        CertificateFile.superseded_dt.is_(None)))


def ensure_file(certificate: Certificate, locale: str = "vi") -> CertificateFile:
    """The current stored PDF of ``certificate`` in ``locale``, rendered and stored once
    if there is none yet (the task, or the first download before the task ran)."""
    existing = current_file(certificate, locale)
    if existing is not None:
        return existing
    return _store_rendering(certificate, locale)


def _store_rendering(certificate: Certificate, locale: str) -> CertificateFile:
    from certificates.pdf import sha256_hex
    from certificates.rendering import render_certificate

    data = render_certificate(certificate, locale)
    digest = sha256_hex(data)
    version = current_app.config["LMS_CERTIFICATE_TEMPLATE_VERSION"]
    row = CertificateFile(certificate_id=certificate.id, locale=locale, template_version=version,
                          sha256=digest, size=len(data))
    if storage.directory() is None:
        row.content = data
    else:
        row.storage_name = f"{certificate.id}-{locale}-v{version}-{digest[:16]}.pdf"
        storage.write(row.storage_name, data)
    session = get_session()
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        # Rendered twice at once (the task and a download): the first stored one stands.
        return current_file(certificate, locale)
    return row


def file_bytes(row: CertificateFile) -> bytes:
    return row.content if row.content is not None else storage.read(row.storage_name)


def regenerate_file(certificate: Certificate, locale: str) -> CertificateFile | None:
    """Render again when the current file is of an older template version: the old row is
    marked superseded (its hash stays in the history) and a new one becomes current.
    Returns the new row, or None when the file is current already."""
    version = current_app.config["LMS_CERTIFICATE_TEMPLATE_VERSION"]
    existing = current_file(certificate, locale)
    if existing is not None and existing.template_version == version:
        return None
    if existing is not None:
        changed = get_session().execute(
            sa.update(CertificateFile)
            .where(CertificateFile.id == existing.id, CertificateFile.superseded_dt.is_(None))
            .values(superseded_dt=utcnow())
            .execution_options(synchronize_session=False)).rowcount
        if changed != 1:
            return None  # another regeneration got there first
        get_session().expire(existing)
    return _store_rendering(certificate, locale)


# --- revocation --------------------------------------------------------------------------

def revoke_certificate(certificate: Certificate, *, reason: str, actor) -> bool:
    """Revoke with the admin's reason; audited, ``certificate_revoked`` sent (credits
    reverse theirs). False, and nothing written, when it was revoked already."""
    from lms.audit.operations import record_event
    from lms.i18n import nfc

    reason = nfc(reason or "").strip()
    if not reason:
        from lms.i18n import _

        raise CertificateError(_("Give the reason for the revocation."))
    now = utcnow()
    session = get_session()
    changed = session.execute(
        sa.update(Certificate).where(Certificate.id == certificate.id,
                                     Certificate.revoked_dt.is_(None))
        .values(revoked_dt=now, revoked_reason=reason[:500], revoked_by_id=actor.id)
        .execution_options(synchronize_session=False)).rowcount
    if changed != 1:
        return False
    session.refresh(certificate)
    record_event("certificate.revoked", actor=actor, object_type="certificate",
                 object_id=certificate.id,
                 details={"serial": certificate.serial, "reason": certificate.revoked_reason,
                          "completion_id": certificate.completion_id})
    signals.certificate_revoked.send(current_app._get_current_object(), certificate=certificate,
                                     completion_id=certificate.completion_id,
                                     reason=certificate.revoked_reason, actor_id=actor.id)
    return True
