"""The learner's and HR's certificate pages: the list and the stored PDF
(load → authorize → act)."""
from __future__ import annotations

from flask import Response, render_template, request, send_file
from werkzeug.http import is_resource_modified

from certificates import operations, queries, storage
from certificates.codes import grouped
from certificates.models import Certificate
from lms.auth.access import load_or_404, require
from lms.auth.principal import current_principal
from lms.db import get_session, write_during_read_request
from lms.i18n import localized


def _locale_argument() -> str:
    """``?lang=en`` asks for the English version; anything else is the Vietnamese one."""
    return "en" if request.args.get("lang") == "en" else "vi"


@require("learn")
def mine():
    learner = current_principal().learner
    return render_template("lms/certificates/mine.html", grouped=grouped,
                           certificates=queries.certificates_of_learner(learner.id))


@require("learn")
def download(certificate_id: int):
    certificate = load_or_404(Certificate, certificate_id, "certificate.view")
    if certificate.is_revoked:
        # The PDF of a revoked certificate is not handed out again: the page says why.
        return render_template("lms/certificates/revoked.html", certificate=certificate), 410
    _audit_download_by_someone_else(certificate)
    locale = _locale_argument()
    # A conditional request (the browser has a copy) reads the hash and date only.
    conditional = bool(request.if_none_match or request.if_modified_since)
    has_bytes = not conditional
    stored = queries.served_file(certificate.id, locale, with_content=has_bytes)
    if stored is None:  # the task has not run yet (or English was never asked for): once
        with write_during_read_request():
            operations.ensure_file(get_session().get(Certificate, certificate.id), locale)
        stored, has_bytes = queries.served_file(certificate.id, locale, with_content=True), True
    if conditional and not is_resource_modified(request.environ, etag=stored.sha256,
                                                last_modified=stored.created_dt):
        response = Response(status=304)
        response.set_etag(stored.sha256)
        response.last_modified = stored.created_dt
    else:
        if not has_bytes:  # changed since the browser's copy: now the bytes
            stored = queries.served_file(certificate.id, locale, with_content=True)
        response = _pdf_response(stored, download_name(certificate, locale))
    # A certificate is personal: only the browser may keep it, and must ask again (ETag).
    response.headers["Cache-Control"] = "private, no-cache"
    return response


def _pdf_response(stored, name: str) -> Response:
    """The stored PDF as it is: the row's bytes object itself as the body (no copy into
    a buffer, no chunked re-reading), or the shared directory's file streamed from disk."""
    if stored.storage_name is not None:
        return send_file(storage.path_of(stored.storage_name), mimetype="application/pdf",
                         as_attachment=True, download_name=name, etag=stored.sha256,
                         conditional=True, last_modified=stored.created_dt, max_age=None)
    response = Response(stored.content, mimetype="application/pdf")
    response.headers["Content-Disposition"] = _attachment(name)
    response.set_etag(stored.sha256)
    response.last_modified = stored.created_dt
    return response.make_conditional(request, accept_ranges=True, complete_length=stored.size)


def download_name(certificate: Certificate, locale: str) -> str:
    """"Giấy chứng nhận 00042-2026-GCN-SVHTTDL - Nguyễn Thị Hường.pdf": Flask sends the
    Vietnamese name as RFC 5987 ``filename*`` with an ASCII ``filename`` fallback."""
    label = localized({"vi": "Giấy chứng nhận", "en": "Certificate"}, locale)
    serial = certificate.serial.replace("/", "-")
    name = "".join(ch for ch in certificate.full_name if ch.isalnum() or ch in " -.'")
    return f"{label} {serial} - {name}.pdf".replace('"', "")


def _audit_download_by_someone_else(certificate: Certificate) -> None:
    from lms.audit.record_views import record_record_view

    viewer = current_principal().learner
    if certificate.learner_id != viewer.id:  # HR or an admin reading someone's record
        record_record_view(viewer, certificate.learner_id, page="certificate")



@require("learn")
def credential(certificate_id: int):
    """The signed Open Badges 3.0 credential (VC-JWT) of the learner's certificate."""
    from flask import flash, redirect, url_for

    from certificates.credential import signed_credential
    from certificates.signing import SigningKeyMissing
    from lms.i18n import _

    certificate = load_or_404(Certificate, certificate_id, "certificate.view")
    try:
        token = signed_credential(certificate)
    except SigningKeyMissing:
        flash(_("Signed credentials are not available yet: an administrator must create the "
                "signing key first."), "error")
        return redirect(url_for("lms.certificates.mine"))
    name = download_name(certificate, "vi")[:-len(".pdf")] + ".jwt"
    response = Response(token, mimetype="application/vc+jwt")
    response.headers["Content-Disposition"] = _attachment(name)
    response.headers["Cache-Control"] = "private, no-cache"
    return response


def _attachment(name: str) -> str:
    """RFC 6266 ``attachment`` with the UTF-8 name and an ASCII fallback ("Giay chung
    nhan ...": the diacritics dropped, not the letters that carry them)."""
    import unicodedata
    from urllib.parse import quote

    ascii_name = unicodedata.normalize("NFKD", name.replace("đ", "d").replace("Đ", "D"))
    fallback = ascii_name.encode("ascii", "ignore").decode("ascii") or "certificate"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name)}"
