"""HR's ZIP of a unit subtree's certificates for a date range: the selection (scoped by
the completion's unit of the day, inside the asker's subtrees), and building the ZIP."""
from __future__ import annotations

import datetime as dt
import io
import zipfile

import sqlalchemy as sa

from certificates.models import Certificate, CertificateArchive
from lms.dates import start_of_day
from lms.db import get_session, utcnow


def selection(unit, date_from: dt.date, date_to: dt.date) -> sa.Select:
    """Valid certificates whose completion was counted under ``unit`` or below, completed
    from ``date_from`` to ``date_to`` (inclusive, organisation's calendar)."""
    from courses.models import CourseCompletion
    from lms.accounts.models import OrgUnit

    units = sa.select(OrgUnit.id).where(OrgUnit.path.startswith(unit.path, autoescape=True))
    return (sa.select(Certificate.id)
            .join(CourseCompletion, CourseCompletion.id == Certificate.completion_id)
            .where(CourseCompletion.org_unit_id.in_(units.scalar_subquery()),
                   CourseCompletion.completed_dt >= start_of_day(date_from),
                   CourseCompletion.completed_dt < start_of_day(date_to + dt.timedelta(days=1)),
                   Certificate.revoked_dt.is_(None))
            .order_by(Certificate.year, Certificate.seq))


def build_zip(certificate_ids: list[int], *, progress=None) -> bytes:
    """The ZIP of the certificates' current Vietnamese PDFs (rendered once if missing);
    ``progress(n)`` is called after each file."""
    from certificates.operations import ensure_file, file_bytes
    from certificates.views import download_name

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for certificate_id in certificate_ids:
            certificate = get_session().get(Certificate, certificate_id)
            stored = ensure_file(certificate, "vi")
            archive.writestr(download_name(certificate, "vi"), file_bytes(stored))
            if progress is not None:
                progress(1)
    return buffer.getvalue()


def build_archive(archive_id: int) -> None:
    """The outbox task: fill a queued archive, moving its progress as it goes."""
    archive = get_session().get(CertificateArchive, archive_id)
    if archive is None or archive.finished_dt is not None:
        return  # done already (delivery is at least once)
    from lms.accounts.models import OrgUnit

    unit = get_session().get(OrgUnit, archive.org_unit_id)
    ids = get_session().scalars(selection(unit, archive.date_from, archive.date_to)).all()
    from flask import current_app

    database = current_app.extensions["lms"].database

    def set_progress(**values) -> None:
        # Its own short transaction, so the page sees the count while the task runs.
        with database.unit_of_work() as session:
            session.execute(sa.update(CertificateArchive)
                            .where(CertificateArchive.id == archive_id).values(**values))

    set_progress(total=len(ids), done=0)  # what is selected now (one may have been revoked)
    content = build_zip(ids, progress=lambda count: set_progress(
        done=CertificateArchive.done + count))
    get_session().execute(sa.update(CertificateArchive).where(CertificateArchive.id == archive_id)
                          .values(content=content, finished_dt=utcnow()))
