"""HR's certificate ZIPs: ask, follow the progress, download (load → authorize → act).
Small selections are built in the request; large ones by the worker."""
from __future__ import annotations

import io

import sqlalchemy as sa
from flask import current_app, redirect, render_template, send_file, url_for

from certificates import archives
from certificates.forms import ArchiveForm
from certificates.models import CertificateArchive
from lms.accounts.models import OrgUnit
from lms.audit.operations import record_event
from lms.auth.access import load_or_404, require
from lms.auth.principal import current_principal
from lms import reporting_periods
from lms.dates import today
from lms.db import get_session
from lms.i18n import current_locale
from lms.tasks import outbox

ARCHIVE_TASK = "certificates.build_archive"


def _units_in_scope(principal) -> list[OrgUnit]:
    query = sa.select(OrgUnit).where(OrgUnit.closed_on.is_(None)).order_by(OrgUnit.path)
    if not principal.is_admin:
        query = query.where(sa.or_(sa.false(), *(OrgUnit.path.startswith(path, autoescape=True)
                                                 for path in principal.hr_unit_paths)))
    return list(get_session().scalars(query))


@require("reports.view")
def request_archive():
    principal = current_principal()
    form = ArchiveForm()
    form.use_periods(reporting_periods.all_periods(), today())
    units = _units_in_scope(principal)
    locale = current_locale()  # unit names in the page's language, as in every other list
    form.unit.choices = [(unit.id, f"{'— ' * unit.depth}{unit.code} · {unit.name(locale)}") for unit in units]
    if not form.validate_on_submit():
        return render_template("lms/certificates/archive_form.html", form=form), \
            400 if form.is_submitted() else 200
    unit = next(unit for unit in units if unit.id == form.unit.data)
    date_from, date_to = form.span()
    ids = get_session().scalars(archives.selection(unit, date_from, date_to)).all()
    record_event("certificates.archive_requested", actor=principal.learner, object_type="org_unit",
                 object_id=unit.id, details={"from": date_from.isoformat(),
                                             "to": date_to.isoformat(), "count": len(ids)})
    if len(ids) <= current_app.config["LMS_CERTIFICATE_ZIP_QUEUE_THRESHOLD"]:
        content = archives.build_zip(ids)
        return send_file(io.BytesIO(content), mimetype="application/zip", as_attachment=True,
                         download_name=_zip_name(unit, date_from, date_to))
    archive = CertificateArchive(requested_by_id=principal.learner.id, org_unit_id=unit.id,
                                 date_from=date_from, date_to=date_to, total=len(ids))
    get_session().add(archive)
    get_session().flush()
    outbox.enqueue(ARCHIVE_TASK, archive_id=archive.id)
    return redirect(url_for("lms.certificates.archive", archive_id=archive.id))


def _zip_name(unit, date_from, date_to) -> str:
    return f"Giấy chứng nhận {unit.code} {date_from:%d-%m-%Y} – {date_to:%d-%m-%Y}.zip"


def _own_archive_or_404(archive_id: int) -> CertificateArchive:
    # Only who asked for it (or an admin) sees it; anyone else gets a 404.
    return load_or_404(CertificateArchive, archive_id, "certificate_archive.view")


@require("reports.view")
def archive(archive_id: int):
    archive = _own_archive_or_404(archive_id)
    return render_template("lms/certificates/archive.html", archive=archive)


@require("reports.view")
def download_archive(archive_id: int):
    archive = _own_archive_or_404(archive_id)
    if archive.finished_dt is None:
        return redirect(url_for("lms.certificates.archive", archive_id=archive.id))
    unit = get_session().get(OrgUnit, archive.org_unit_id)
    response = send_file(io.BytesIO(archive.content), mimetype="application/zip",
                         as_attachment=True, download_name=_zip_name(unit, archive.date_from,
                                                                  archive.date_to))
    response.headers["Cache-Control"] = "private, no-store"
    return response
