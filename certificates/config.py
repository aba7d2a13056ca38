"""The certificate feature's ``LMS_CERTIFICATE_*`` settings, their defaults and why.

Applied in :func:`apply_defaults` from the feature's ``init_app`` with the core's order
(``app.config``, then ``FLASK_LMS_…`` environment variables, then ``instance/lms.cfg``,
then these defaults), and checked by :func:`validate` at start-up.
"""
from __future__ import annotations

from flask import Flask

from lms.config import ConfigurationError, apply_feature_defaults

DEFAULTS: dict[str, object] = {
    #: Printed serial; {seq} restarts at 1 every {year} (the issue year, LMS_TIMEZONE).
    "LMS_CERTIFICATE_SERIAL_PATTERN": "{seq:05d}/{year}/GCN-SVHTTDL",
    #: Public address the QR code and the credential point to (scheme and host, no
    #: trailing slash), e.g. "https://hoctap.svhttdl.dienbien.gov.vn". The LMS prefix and
    #: "/verify/<code>" are added. Printed on paper, so it must be the address the public
    #: reaches, not an internal host name; the default suits `make run` only.
    "LMS_CERTIFICATE_PUBLIC_BASE_URL": "http://127.0.0.1:5000",
    #: Place in "Điện Biên, ngày … tháng … năm …".
    "LMS_CERTIFICATE_PLACE": {"vi": "Điện Biên", "en": "Dien Bien"},
    #: The body above the issuer in the top-left block (cơ quan chủ quản); "" omits it.
    "LMS_CERTIFICATE_SUPERIOR_BODY": {"vi": "UBND TỈNH ĐIỆN BIÊN",
                                      "en": "DIEN BIEN PROVINCIAL PEOPLE'S COMMITTEE"},
    #: The issuing body; None: LMS_ORGANISATION_NAME.
    "LMS_CERTIFICATE_ISSUER_NAME": None,
    #: The signer's title and name as printed above and below the signature.
    "LMS_CERTIFICATE_SIGNER_TITLE": {"vi": "GIÁM ĐỐC", "en": "DIRECTOR"},
    "LMS_CERTIFICATE_SIGNER_NAME": "",
    #: Bumped when the PDF template changes: `flask lms certificates regenerate` then
    #: renders every current file of an older version again (the old hash is kept).
    "LMS_CERTIFICATE_TEMPLATE_VERSION": 1,
    #: Directory shared by the app servers for the PDF files; None keeps them in the
    #: database (table lms_certificate_files).
    "LMS_CERTIFICATE_DIRECTORY": None,
    #: Ed25519 signing key of the credentials (PEM, PKCS#8); None: instance folder
    #: `certificate-signing-key.pem`, created by `flask lms keys generate`.
    "LMS_CERTIFICATE_KEY_FILE": None,
    #: Public verification requests allowed per client address (limits expression):
    #: enough for a clerk checking a pile of certificates, too few to enumerate codes.
    "LMS_CERTIFICATE_VERIFY_LIMIT": "60 per 10 minutes",
    #: HR certificate ZIPs with more files than this are built by the worker, with progress.
    "LMS_CERTIFICATE_ZIP_QUEUE_THRESHOLD": 100,
}


def apply_defaults(app: Flask) -> None:
    apply_feature_defaults(app, DEFAULTS)


def validate(app: Flask) -> None:
    from limits import parse

    from certificates.codes import SerialPatternError, check_serial_pattern

    config = app.config
    try:
        check_serial_pattern(config["LMS_CERTIFICATE_SERIAL_PATTERN"])
    except SerialPatternError as error:
        raise ConfigurationError(f"LMS_CERTIFICATE_SERIAL_PATTERN: {error}") from None
    base = config["LMS_CERTIFICATE_PUBLIC_BASE_URL"]
    if not isinstance(base, str) or not base.startswith(("http://", "https://")) or base.endswith("/"):
        raise ConfigurationError("LMS_CERTIFICATE_PUBLIC_BASE_URL must be an http(s) address "
                                 f"without a trailing '/': {base!r}")
    version = config["LMS_CERTIFICATE_TEMPLATE_VERSION"]
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ConfigurationError(f"LMS_CERTIFICATE_TEMPLATE_VERSION must be a whole number ≥ 1: {version!r}")
    try:
        parse(config["LMS_CERTIFICATE_VERIFY_LIMIT"])
    except ValueError:
        raise ConfigurationError("LMS_CERTIFICATE_VERIFY_LIMIT is not a limits expression: "
                                 f"{config['LMS_CERTIFICATE_VERIFY_LIMIT']!r}") from None
