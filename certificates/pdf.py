"""Rendering a certificate's HTML to PDF with xhtml2pdf, and the layout helpers the
template needs (pure: no Flask, no database; unit-tested without a request).

What TECH-NOTES.md found on these machines, and what follows here:
- the default PDF font has no Vietnamese glyphs and xhtml2pdf still reports success, so
  the template declares the shipped static faces (:data:`FONT_DIR`) with ``@font-face``,
  one per weight and style, and the renderer passes a resource policy that lets
  xhtml2pdf read that folder (without it the font is silently replaced);
- decomposed input renders with colliding diacritics: every text is NFC-normalised;
- overflow silently flows to a second page: :func:`render_pdf` refuses a result that is
  not exactly one page, and long names and titles get a smaller size first;
- the QR code is a PNG data URI (SVG costs 30–60 ms more per render).
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import logging
import unicodedata
from pathlib import Path

FONT_DIR = Path(__file__).parent / "fonts"
#: Font family name used by the template, and its four faces.
FONT_FAMILY = "CertSerif"
FONT_FACES = {
    ("normal", "normal"): "LiberationSerif-Regular.ttf",
    ("bold", "normal"): "LiberationSerif-Bold.ttf",
    ("normal", "italic"): "LiberationSerif-Italic.ttf",
    ("bold", "italic"): "LiberationSerif-BoldItalic.ttf",
}


#: Printed width of the QR code (at least 2.5 cm reads with any phone camera).
QR_SIZE = "3cm"


class RenderError(RuntimeError):
    """xhtml2pdf failed, or the layout did not fit on one page."""


def nfc(text: str | None) -> str:
    return unicodedata.normalize("NFC", text) if text else ""


def font_face_css() -> str:
    """``@font-face`` rules for the shipped faces, by absolute path."""
    rules = []
    for (weight, style), filename in FONT_FACES.items():
        rules.append(f"@font-face {{ font-family: {FONT_FAMILY}; src: url('{FONT_DIR / filename}');"
                     f" font-weight: {weight}; font-style: {style}; }}")
    return "\n".join(rules)


def qr_data_uri(url: str, *, box_size: int = 8) -> str:
    """The QR code of ``url`` as a PNG ``data:`` URI: error correction M (survives a
    fold or a stamp over a corner), the standard quiet zone of 4 modules."""
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M

    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=box_size, border=4)
    code.add_data(url)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image().save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def date_line(place: str, day: dt.date, locale: str) -> str:
    """The place-and-date line: "Điện Biên, ngày 05 tháng 12 năm 2026" (administrative
    style: day and month on two digits) or "Dien Bien, 5 December 2026"."""
    if locale == "en":
        return f"{nfc(place)}, {day.day} {day.strftime('%B')} {day.year}"
    return f"{nfc(place)}, ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"


def fitted_size(text: str, *, base: float, steps: tuple[tuple[int, float], ...]) -> float:
    """A font size in points for ``text``: ``base`` when short, the size of the first
    step whose length limit the text exceeds otherwise (steps longest first)."""
    length = len(text)
    for limit, size in steps:
        if length > limit:
            return size
    return base


def name_size(name: str) -> float:
    return fitted_size(name, base=26, steps=((48, 17), (36, 20), (26, 23)))


def title_size(title: str) -> float:
    return fitted_size(title, base=17, steps=((110, 12), (80, 13.5), (50, 15)))


class _GlyphWarnings(logging.Handler):
    """Collects xhtml2pdf's "no font can draw" messages during one render."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if "font" in message.lower():
            self.messages.append(message)


def render_pdf(html: str) -> bytes:
    """PDF bytes of ``html``; :class:`RenderError` when xhtml2pdf reports an error, a
    glyph cannot be drawn, or the result is not exactly one page."""
    from pypdf import PdfReader
    from xhtml2pdf import pisa
    from xhtml2pdf.config.resources import ResourceAccessPolicy

    output = io.BytesIO()
    watcher = _GlyphWarnings()
    logger = logging.getLogger("xhtml2pdf")
    logger.addHandler(watcher)
    try:
        status = pisa.CreatePDF(unicodedata.normalize("NFC", html), dest=output, encoding="utf-8",
                                resource_policy=ResourceAccessPolicy(
                                    allow_remote=False, extra_roots=(FONT_DIR,)))
    finally:
        logger.removeHandler(watcher)
    if status.err:
        raise RenderError(f"xhtml2pdf reported {status.err} error(s)")
    if watcher.messages:
        raise RenderError("missing glyphs: " + "; ".join(watcher.messages[:3]))
    data = output.getvalue()
    pages = len(PdfReader(io.BytesIO(data)).pages)
    if pages != 1:
        raise RenderError(f"the certificate takes {pages} pages instead of one")
    return data


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
