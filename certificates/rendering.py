"""From a certificate row to the HTML of its PDF (Flask side: config, translations,
the overridable template); :mod:`certificates.pdf` turns that HTML into the PDF."""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, render_template
from flask_babel import force_locale
from markupsafe import Markup

from certificates import pdf
from certificates.codes import grouped
from certificates.models import Certificate
from lms.dates import local_date
from lms.i18n import _, domain, localized, localized_attr

TEMPLATE = "lms/certificates/certificate.pdf.html"


def verification_path(code: str) -> str:
    """``/<prefix>/verify/<code>``: the same address the blueprint serves, built without
    a request so a task can print it."""
    return f"{current_app.config['LMS_URL_PREFIX']}/verify/{grouped(code)}"


def verification_url(code: str) -> str:
    """The public address printed as text and in the QR code."""
    return current_app.config["LMS_CERTIFICATE_PUBLIC_BASE_URL"] + verification_path(code)


def public_url(path: str) -> str:
    """An address under the LMS prefix at the public base URL (issuer, keys, status)."""
    config = current_app.config
    return config["LMS_CERTIFICATE_PUBLIC_BASE_URL"] + config["LMS_URL_PREFIX"] + path


def issuer_name(locale: str) -> str:
    config = current_app.config
    return localized(config["LMS_CERTIFICATE_ISSUER_NAME"] or config["LMS_ORGANISATION_NAME"],
                     locale)


@dataclass(frozen=True)
class PrintedFields:
    """Every field printed on the certificate, in one language: the PDF, the verification
    page and its JSON show exactly these (no other personal data)."""

    locale: str
    serial: str
    code: str
    full_name: str
    birth_date: str
    unit: str
    course_title: str
    periods: int
    result: str
    completed_on: str
    valid_until: str
    issued_on: str
    issuer: str
    superior_body: str
    date_line: str
    signer_title: str
    signer_name: str
    verify_url: str


def printed_fields(certificate: Certificate, locale: str) -> PrintedFields:
    """The fields of ``certificate`` in ``locale``, from its snapshot (never today's data)."""
    config = current_app.config
    completion = certificate.completion
    issued_day = local_date(certificate.issued_dt)
    with force_locale(locale):
        score = completion.score_percent
        passed = _("Passed")
        result = (_("%(result)s, score %(score)s%%", result=passed, score=_percent(score, locale))
                  if score is not None else passed)
        unit = localized_attr(completion, "org_unit_name", locale)
        periods = completion.periods
    return PrintedFields(
        locale=locale, serial=certificate.serial, code=grouped(certificate.verification_code),
        full_name=pdf.nfc(certificate.full_name),
        birth_date=_day(certificate.birth_date),
        unit=pdf.nfc(unit or ""),
        course_title=pdf.nfc(completion.title(locale)),
        periods=periods, result=result,
        completed_on=_day(local_date(completion.completed_dt)),
        valid_until=_day(completion.expires_on),
        issued_on=_day(issued_day),
        issuer=pdf.nfc(issuer_name(locale)),
        superior_body=pdf.nfc(localized(config["LMS_CERTIFICATE_SUPERIOR_BODY"], locale)
                              if config["LMS_CERTIFICATE_SUPERIOR_BODY"] else ""),
        date_line=pdf.date_line(localized(config["LMS_CERTIFICATE_PLACE"], locale), issued_day,
                                locale),
        signer_title=pdf.nfc(localized(config["LMS_CERTIFICATE_SIGNER_TITLE"], locale)),
        signer_name=pdf.nfc(config["LMS_CERTIFICATE_SIGNER_NAME"]),
        verify_url=verification_url(certificate.verification_code),
    )


def _day(day) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def _percent(value: float, locale: str) -> str:
    """90 → "90", 87.5 → "87,5" in Vietnamese (decimal comma), "87.5" in English."""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if locale == "vi" else text


def certificate_html(certificate: Certificate, locale: str) -> str:
    fields = printed_fields(certificate, locale)
    context = {**fields.__dict__, "font_css": Markup(pdf.font_face_css()),  # ours, not user text
               "qr": pdf.qr_data_uri(fields.verify_url), "qr_size": pdf.QR_SIZE,
               "name_size": pdf.name_size(fields.full_name),
               "title_size": pdf.title_size(fields.course_title),
               "periods": _periods(fields.periods, locale)}
    # The template's _() is the LMS's domain also in a worker (no LMS request activated it).
    domain.as_default()
    with force_locale(locale):
        return render_template(TEMPLATE, c=_Namespace(context))


def _periods(periods: int, locale: str) -> str:
    from lms.i18n import ngettext

    with force_locale(locale):
        return ngettext("%(num)d period", "%(num)d periods", periods)


class _Namespace(dict):
    __getattr__ = dict.__getitem__


def render_certificate(certificate: Certificate, locale: str) -> bytes:
    """The PDF bytes of ``certificate`` in ``locale`` (slow: 50–300 ms; store the result)."""
    return pdf.render_pdf(certificate_html(certificate, locale))
