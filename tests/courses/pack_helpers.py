"""Content packs for the pack tests: zipped, uploaded, or validated with one line of the
hand-written course.yaml changed. Used by tests/courses/test_pack_loader.py,
test_pack_hostile.py, test_pack_upload.py and tests/quizzes/test_author_integrity.py; a
recurring course with a final quiz for tests/courses/test_completion_history.py and the
credit tests (tests/credits/conftest.py)."""
from __future__ import annotations

import io
import zipfile

import yaml

from courses.pack_files import PackError
from courses.pack_validation import validate_pack
from quizzes.pack_part import pack_parts
from tests.conftest import pack_files

UPLOAD = "/author/packs/upload"


def make_zip(files: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def upload(client, data: bytes, filename: str = "pack.zip"):
    return client.post(UPLOAD, data={"pack": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


#: course.yaml written out by hand so every key has a known line.
COURSE_YAML = """\
code: TEST01
version: 1
topic: cybersecurity
title:
  vi: An toàn thông tin thử nghiệm
  en: Test cybersecurity
summary:
  vi: Khóa học ngắn để kiểm thử phần mềm.
  en: A short course for tests.
periods: 2
minutes: 90
pass_mark: 70
mandatory: false
competences:
  digcomp: ["4.1"]
  tt02: ["4.1", "6.2"]
"""


def base_files(**options) -> dict[str, bytes]:
    """pack_files() with the hand-written course.yaml (and quiz.yaml) above."""
    files = pack_files(**options)
    files["course.yaml"] = COURSE_YAML.encode()
    return files


def with_course(**replacements) -> dict[str, bytes]:
    """base_files() with lines of course.yaml replaced: {old line: new line}."""
    text = COURSE_YAML
    for old, new in replacements.items():
        assert old in text, old
        text = text.replace(old, new, 1)
    files = base_files()
    files["course.yaml"] = text.encode()
    return files


def with_quiz(text: str) -> dict[str, bytes]:
    files = base_files()
    files["quiz.yaml"] = text.encode()
    return files


def errors_of(files, registry) -> list[PackError]:
    pack, errors = validate_pack(files, pack_parts(registry))
    assert pack is None, "an invalid pack must not come back as a Pack"
    return errors


def recurring_pack(code="NHAC01", *, months=12, mandatory=True, version=1, lessons=1, **options):
    files = pack_files(code=code, version=version, lessons=lessons, quiz=True, **options)
    card = yaml.safe_load(files["course.yaml"])
    card["mandatory"] = mandatory
    if months is not None:
        card["valid_for_months"] = months
    files["course.yaml"] = yaml.safe_dump(card, allow_unicode=True).encode()
    return files
