"""The evidence file is told by its content (PDF, PNG, JPEG only; images must decode),
and the providers file is data checked when it is read."""
from __future__ import annotations

import io

import pytest

from lms.credits.external import providers
from lms.credits.external.evidence import EvidenceError, check_evidence, read_evidence, sniff
from tests.conftest import TINY_PNG
from tests.credits.evidence_files import HTML, PDF, jpeg_bytes


def test_a_real_png_jpeg_and_pdf_pass_with_the_type_of_their_content():
    assert check_evidence(TINY_PNG).content_type == "image/png"
    assert check_evidence(jpeg_bytes()).content_type == "image/jpeg"
    checked = check_evidence(PDF)
    assert (checked.content_type, checked.extension, len(checked.sha256)) == ("application/pdf", "pdf", 64)


@pytest.mark.parametrize("data", [
    HTML,                                   # a web page named .pdf
    b"%PDF-1.4\n<html><script>x</script>",  # a PDF header without an end: not a PDF
    b"GIF89a\x01\x00\x01\x00",              # an image of another type
    b"PK\x03\x04" + b"\x00" * 40,           # a ZIP (or an .docx)
    b"\xef\xbb\xbf%PDF-1.4 %%EOF",          # something before the header
])
def test_anything_else_is_refused_whatever_it_is_called(data):
    with pytest.raises(EvidenceError) as refused:
        check_evidence(data)
    assert refused.value.reason == "type"
    assert sniff(data) is None


def test_an_image_that_does_not_decode_is_refused():
    with pytest.raises(EvidenceError) as truncated:
        check_evidence(TINY_PNG[:45])
    broken_jpeg = jpeg_bytes()[:30]
    with pytest.raises(EvidenceError) as broken:
        check_evidence(broken_jpeg)
    assert truncated.value.reason == broken.value.reason == "image"


def test_an_image_too_large_in_pixels_is_refused_before_it_is_decoded(monkeypatch):
    from lms.credits.external import evidence

    monkeypatch.setattr(evidence, "MAX_IMAGE_PIXELS", 63)  # the 8×8 JPEG has 64
    with pytest.raises(EvidenceError) as refused:
        check_evidence(jpeg_bytes())
    assert refused.value.reason == "image"


def test_the_size_limit_reads_one_byte_past_it_and_no_more():
    stream = io.BytesIO(PDF + b"\n" * 10_000)
    with pytest.raises(EvidenceError) as refused:
        read_evidence(stream, 1000)
    assert (refused.value.reason, refused.value.limit, stream.tell()) == ("too_large", 1000, 1001)
    with pytest.raises(EvidenceError) as empty:
        read_evidence(io.BytesIO(b""), 1000)
    assert empty.value.reason == "empty"
    assert read_evidence(io.BytesIO(PDF), len(PDF)).kind == "pdf"  # exactly the limit passes


def test_the_shipped_providers_have_references_and_a_credit_rule_each():
    from lms.credits.defaults import load_defaults

    catalogue = providers.load_catalogue(providers.SHIPPED_FILE)
    assert [course.code for course in catalogue.courses] == ["NGOAI-BDHVS", "NGOAI-TCT"]
    assert all(course.reference and course.provider["vi"] and course.title["en"]
               for course in catalogue.courses)
    rules = load_defaults(2026)["rules"]
    by_course = {rule.get("course") for rule in rules}
    assert {course.code for course in catalogue.courses} <= by_course
    assert any(rule.get("topic") == "external" for rule in rules)  # "other" ones
    assert catalogue.other_course_code(42) == "NGOAI-000042"
    assert catalogue.max_periods_of("NGOAI-BDHVS") == 40 and catalogue.max_periods_of("other") == 120


@pytest.mark.parametrize("text, message", [
    ("max_periods: 10\ncourses: []\nother: {code: NGOAI}\n", "needs a reference"),
    ("max_periods: 0\ncourses: []\nother: {code: NGOAI, reference: r}\n", "max_periods"),
    ("max_periods: 5\ncourses:\n  - {code: bad code, provider: {vi: a, en: b}, title: {vi: a, en: b}, reference: r}\n"
     "other: {code: NGOAI, reference: r}\n", "is not a code"),
    ("max_periods: 5\ncourses:\n  - {code: NGOAI-A, provider: {vi: a}, title: {vi: a, en: b}, reference: r}\n"
     "other: {code: NGOAI, reference: r}\n", "Vietnamese and an English"),
    ("max_periods: 5\ncourses: []\nother: {code: NGOAI-WITH-A-VERY-LONG-CODE, reference: r}\n", "is not a code"),
    ("max_periods: 5\ncourses:\n  - {code: NGOAI, provider: {vi: a, en: b}, title: {vi: a, en: b}, reference: r}\n"
     "other: {code: NGOAI, reference: r}\n", "a listed course's code"),
    ("courses: [\n", "expected"),
])
def test_a_providers_file_with_a_mistake_says_where(tmp_path, text, message):
    path = tmp_path / "providers.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(providers.ProvidersFileError, match=message):
        providers.load_catalogue(path)
