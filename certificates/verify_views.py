"""The public verification pages: no sign-in, rate-limited, and nothing about the holder
beyond what the certificate itself prints (load → act; there is nothing to authorize)."""
from __future__ import annotations

import hashlib

from flask import abort, current_app, jsonify, redirect, render_template, request, url_for

from certificates import queries
from certificates.forms import LookupForm, UploadCheckForm
from certificates.rendering import issuer_name, printed_fields, public_url
from lms.dates import local_date
from lms.i18n import _, current_locale


def throttle():
    """Blueprint hook: count the request against the client address's allowance."""
    from werkzeug.exceptions import TooManyRequests

    wait = current_app.extensions["lms.certificates"].verify_limiter.hit(request.remote_addr)
    if wait:
        raise TooManyRequests(retry_after=wait)


def lookup():
    form = LookupForm(request.args)
    not_found = False
    if request.args and form.validate():
        certificate = queries.certificate_by_serial_and_name(form.serial.data, form.name.data)
        if certificate is not None:
            return redirect(url_for("lms.verify.page", code=_printed_code(certificate)))
        not_found = True
    return render_template("lms/certificates/lookup.html", form=form, not_found=not_found), \
        404 if not_found else 200


def page(code: str):
    certificate = _certificate_or_404(code)
    return _page(certificate, UploadCheckForm(formdata=None))


def check(code: str):
    """The uploaded PDF is genuine only if it is byte-for-byte a file we issued."""
    certificate = _certificate_or_404(code)
    form = UploadCheckForm()
    if not form.validate_on_submit():
        return _page(certificate, form, status=400)
    digest = hashlib.sha256(form.file.data.read()).hexdigest()
    files = queries.files_of(certificate)
    match = next((row for row in files if row.sha256 == digest), None)
    return _page(certificate, UploadCheckForm(formdata=None), checked_digest=digest, match=match,
                 checked=True)


def as_json(code: str):
    certificate = _certificate_or_404(code, json=True)
    return jsonify(verification_record(certificate))


def _certificate_or_404(code: str, *, json: bool = False):
    certificate = queries.certificate_by_code(code)
    if certificate is None:
        if json:
            response = jsonify({"status": "unknown", "message": _("No certificate has this code.")})
            response.status_code = 404
            abort(response)
        abort(404)
    return certificate


def _printed_code(certificate) -> str:
    from certificates.codes import grouped

    return grouped(certificate.verification_code)


def _page(certificate, form, *, status: int = 200, **check):
    fields = printed_fields(certificate, current_locale())
    return render_template("lms/certificates/verify.html", certificate=certificate, fields=fields,
                           files=queries.files_of(certificate), form=form, **check), status


def verification_record(certificate) -> dict:
    """The JSON twin: the printed fields in both languages, the status and the hashes."""
    files = queries.files_of(certificate)
    return {
        "status": "revoked" if certificate.is_revoked else "valid",
        "revoked_on": local_date(certificate.revoked_dt).isoformat() if certificate.is_revoked else None,
        "revocation_reason": certificate.revoked_reason,
        "serial": certificate.serial,
        "verification_code": _printed_code(certificate),
        "issuer": {"name": issuer_name("vi"), "name_en": issuer_name("en"),
                   "url": public_url("/certificates/issuer")},
        "fields": {locale: printed_fields(certificate, locale).__dict__ for locale in ("vi", "en")},
        "pdf_files": [{"sha256": row.sha256, "locale": row.locale, "bytes": row.size,
                       "template_version": row.template_version,
                       "current": row.superseded_dt is None} for row in files],
    }


def status(code: str):
    """The credential status (1EdTech revocation list of this one credential)."""
    from certificates.credential import revocation_list

    return jsonify(revocation_list(_certificate_or_404(code, json=True)))


def jwks():
    """The issuer's public keys, for verifiers of the signed credentials."""
    from certificates.credential import published_jwks
    from certificates.signing import SigningKeyMissing

    try:
        keys = published_jwks()
    except SigningKeyMissing:
        keys = {"keys": []}
    response = jsonify(keys)
    response.headers["Cache-Control"] = "public, max-age=3600"  # public data, rarely changes
    return response


def issuer():
    from certificates.credential import issuer_profile

    return jsonify({"@context": ["https://www.w3.org/ns/credentials/v2",
                                 "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
                    **issuer_profile()})
