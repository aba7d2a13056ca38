"""The PDF: exact Vietnamese text, no missing glyph, one page whatever the lengths, the
QR code decodes to the verification URL, the shipped font is embedded."""
from __future__ import annotations

import io
import logging
import shutil
import subprocess
import unicodedata

import pytest
from pypdf import PdfReader

from tests.certificates.conftest import COURSE_TITLE, LEARNER_NAME, UNIT_NAME


def _text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def _render(app, app_context, certificate, locale="vi") -> bytes:
    from certificates.rendering import render_certificate

    with app_context(), app.test_request_context():
        return render_certificate(certificate, locale)


def test_the_text_holds_the_exact_vietnamese_strings(app, app_context, learner, course, complete,
                                                     caplog):
    certificate = complete(learner, course)
    with caplog.at_level(logging.DEBUG, logger="xhtml2pdf"):
        data = _render(app, app_context, certificate)
    text = _text(data)
    for expected in (LEARNER_NAME, UNIT_NAME, COURSE_TITLE, certificate.serial,
                     "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "GIẤY CHỨNG NHẬN",
                     "Điện Biên, ngày", "07/03/1990"):
        assert unicodedata.normalize("NFC", expected) in text, expected
    assert text == unicodedata.normalize("NFC", text)
    assert not [record for record in caplog.records if "font" in record.getMessage().lower()
                and record.levelno >= logging.WARNING]
    fonts = {str(font.get("/BaseFont")) for page in PdfReader(io.BytesIO(data)).pages
             for font in page["/Resources"]["/Font"].values()
             for font in [font.get_object()]}
    assert any("LiberationSerif" in name for name in fonts), fonts


def test_decomposed_input_is_printed_composed(app, app_context, create_learner, unit, course,
                                              complete):
    decomposed = unicodedata.normalize("NFD", "Đặng Thị Ngọc Ánh")
    person = create_learner(decomposed, username="anh", unit=unit)
    text = _text(_render(app, app_context, complete(person, course)))
    assert unicodedata.normalize("NFC", decomposed) in text


def test_one_page_with_a_long_name_and_a_long_course_title(app, app_context, create_learner, unit,
                                                           create_course, complete):
    name = "Nguyễn Hoàng Phương Thảo Lò Thị Hường Đặng Quốc Việt Anh Tú"
    name = (name + " Hằng" * 20)[:60]
    title = ("Ứng dụng trí tuệ nhân tạo, dữ liệu lớn và điện toán đám mây trong quản lý di sản "
             "văn hóa, thể thao và du lịch tỉnh Điện Biên giai đoạn")[:120]
    assert len(name) == 60 and len(title) == 120
    person = create_learner(name, username="longname", unit=unit)
    long_course = create_course(code="LONG01", title_vi=title, title_en="Long title")
    data = _render(app, app_context, complete(person, long_course))
    assert len(PdfReader(io.BytesIO(data)).pages) == 1
    text = _text(data)
    assert name in text and title in text


def test_a_layout_that_overflows_is_refused():
    from certificates.pdf import RenderError, render_pdf

    with pytest.raises(RenderError, match="takes [0-9]+ pages instead of one"):
        render_pdf("<html><body>" + "<p>x</p>" * 200 + "</body></html>")


def test_the_english_version(app, app_context, learner, course, complete):
    text = _text(_render(app, app_context, complete(learner, course), "en"))
    assert "CERTIFICATE" in text and "SOCIALIST REPUBLIC OF VIETNAM" in text
    assert "Digital transformation for civil servants" in text and LEARNER_NAME in text


def test_the_qr_code_decodes_to_the_verification_url(app, app_context, learner, course, complete,
                                                     tmp_path):
    from certificates.codes import grouped

    # Debian's poppler-utils and zbar-tools (scripts/ensure-chromium.sh installs them).
    assert shutil.which("pdftoppm") and shutil.which("zbarimg")
    certificate = complete(learner, course)
    (tmp_path / "c.pdf").write_bytes(certificate.files[0].content)
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(tmp_path / "c.pdf"), str(tmp_path / "page")],
                   check=True)
    decoded = subprocess.run(["zbarimg", "--quiet", "--raw", str(tmp_path / "page-1.png")],
                             check=True, capture_output=True, text=True).stdout.strip()
    assert decoded == f"http://127.0.0.1:5000/verify/{grouped(certificate.verification_code)}"


def test_date_line_and_sizes():
    import datetime as dt

    from certificates import pdf

    assert pdf.date_line("Điện Biên", dt.date(2026, 3, 5), "vi") == "Điện Biên, ngày 05 tháng 03 năm 2026"
    assert pdf.date_line("Dien Bien", dt.date(2026, 3, 5), "en") == "Dien Bien, 5 March 2026"
    assert pdf.name_size("x" * 60) < pdf.name_size("x" * 20)
    assert pdf.title_size("x" * 120) < pdf.title_size("x" * 40)
