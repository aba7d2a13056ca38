"""The authors' upload page: a zip is checked, imported as a draft, previewed, published."""
from __future__ import annotations

import html
import os
import re
import zipfile

import pytest
import sqlalchemy as sa

from courses.models import Course
from tests.conftest import pack_files
from tests.courses.pack_helpers import UPLOAD, make_zip, upload


def course_rows(db, code="TEST01") -> list[Course]:
    return db.scalars(sa.select(Course).where(Course.code == code)).all()


def error_rows(page: str) -> list[tuple[str, str, str]]:
    """(file, line, problem) of every row of the upload page's error table."""
    table = re.search(r'<table class="lms-table">.*?<tbody>(.*?)</tbody>', page, re.DOTALL)
    assert table, "the page shows no error table"
    return [tuple(html.unescape(cell) for cell in row)
            for row in re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td></tr>", table.group(1))]


@pytest.fixture
def author(create_learner, app_context, db):
    """A signed-in author who reads the site in English."""
    person = create_learner("Tác Giả Một", username="author", roles=["author"])
    with app_context():
        person.locale = "en"
        db.commit()
    return person


@pytest.fixture
def author_client(author, client, login):
    assert login("author").status_code == 302
    return client


def test_the_upload_page_shows_its_form(author_client):
    response = author_client.get(UPLOAD)

    assert response.status_code == 200
    assert 'type="file"' in response.text and 'name="pack"' in response.text


def test_valid_zip_is_imported_as_a_draft_then_published(app, author_client, db, create_learner):
    response = upload(author_client, make_zip(pack_files()))

    assert response.status_code == 302
    [course] = course_rows(db)
    assert response.headers["Location"].endswith(f"/author/courses/{course.id}/preview")
    assert course.is_published is False
    assert [lesson.title_en for lesson in course.lessons] == ["Lesson 1", "Lesson 2"]
    preview = author_client.get(response.headers["Location"])
    assert preview.status_code == 200 and "Draft" in preview.text

    create_learner("Học Viên", username="learner")
    learner = app.test_client()
    assert learner.post("/auth/login", data={"username": "learner",
                                             "password": "correct horse battery"}).status_code == 302
    catalog = learner.get("/courses").text
    assert "An toàn thông tin thử nghiệm" not in catalog and "Test cybersecurity" not in catalog
    assert learner.get("/courses/TEST01").status_code == 404

    published = author_client.post(f"/author/courses/{course.id}/publish")

    assert published.status_code == 302
    db.expire_all()
    assert db.get(Course, course.id).is_published is True
    assert "An toàn thông tin thử nghiệm" in learner.get("/courses").text
    assert learner.get("/courses/TEST01").status_code == 200


def test_uploading_the_same_version_again_goes_to_the_same_draft(author_client, db):
    first = upload(author_client, make_zip(pack_files()))
    second = upload(author_client, make_zip(pack_files()))

    assert second.status_code == 302
    assert second.headers["Location"] == first.headers["Location"]
    assert len(course_rows(db)) == 1


def test_same_version_with_other_content_is_refused(author_client, db):
    assert upload(author_client, make_zip(pack_files())).status_code == 302
    changed = pack_files()
    changed["lessons/02-bai-2.en.md"] += b"\nOne more sentence.\n"

    response = upload(author_client, make_zip(changed))

    assert response.status_code == 200
    assert "raise the version number" in html.unescape(response.text)
    assert len(course_rows(db)) == 1
    assert "One more sentence" not in course_rows(db)[0].lessons[1].source_en


def test_zip_with_errors_lists_them_and_writes_nothing(author_client, db):
    files = pack_files()
    files["course.yaml"] = files["course.yaml"].replace(b"pass_mark: 70", b"pass_mark: 101")
    pass_mark_line = files["course.yaml"].decode().splitlines().index("pass_mark: 101") + 1
    files["lessons/01-bai-1.vi.md"] = files["lessons/01-bai-1.vi.md"].replace(b"media/pic.png",
                                                                              b"media/missing.png")
    del files["lessons/02-bai-2.en.md"]
    courses_before = db.scalar(sa.select(sa.func.count()).select_from(Course))

    response = upload(author_client, make_zip(files))

    assert response.status_code == 200
    assert sorted(error_rows(response.text)) == sorted([
        ("course.yaml", str(pass_mark_line), '"pass_mark" must be a whole number from 1 to 100.'),
        ("lessons/01-bai-1.vi.md", "11", ('Broken image reference "media/missing.png": put the '
                                          "image in media/ and refer to it as media/NAME.")),
        ("lessons/02-bai-2.vi.md", "—", "This lesson has no English twin (lessons/02-bai-2.en.md)."),
    ])
    assert "3 problems found — nothing was imported" in response.text
    assert course_rows(db) == []
    assert db.scalar(sa.select(sa.func.count()).select_from(Course)) == courses_before


def test_zip_slip_is_refused_and_nothing_is_written(author_client, db):
    files = pack_files()
    files["../../outside.yaml"] = b"pwned: true\n"

    response = upload(author_client, make_zip(files))

    assert response.status_code == 200
    assert error_rows(response.text) == [("../../outside.yaml", "—", "Unsafe path in the archive.")]
    assert course_rows(db) == []


def test_not_a_zip_is_refused(author_client, db):
    response = upload(author_client, b"just some text, not a zip")

    assert response.status_code == 200
    assert error_rows(response.text) == [("(zip)", "—", "The file is not a valid .zip archive.")]
    assert course_rows(db) == []


def test_corrupt_zip_is_refused_not_a_server_error(author_client, db):
    data = bytearray(make_zip(pack_files(), compression=zipfile.ZIP_STORED))
    position = data.find(b"code: TEST01")
    data[position:position + 4] = b"kode"  # the stored CRC no longer matches

    response = upload(author_client, bytes(data))

    assert response.status_code == 200
    assert error_rows(response.text) == [("(zip)", "—", "The file is not a valid .zip archive.")]
    assert course_rows(db) == []


def test_a_file_that_is_not_named_zip_is_refused(author_client, db):
    response = upload(author_client, make_zip(pack_files()), filename="pack.tar")

    assert response.status_code == 200
    assert "Upload the pack as a .zip file." in response.text
    assert course_rows(db) == []


@pytest.mark.parametrize("app_config", [{"LMS_MAX_UPLOAD_BYTES": 10_000}])
def test_upload_larger_than_the_limit_is_refused(author_client, db):
    files = pack_files()
    files["media/noise.png"] = b"\x89PNG" + os.urandom(20_000)  # random bytes do not compress
    data = make_zip(files)
    assert len(data) > 10_000

    response = upload(author_client, data)

    # Within the routing guard's margin: the form's size rule (Flask-WTF FileSize) says why.
    assert response.status_code == 200
    assert "The file is larger than 10 kB, the most an upload may hold." in response.text
    assert course_rows(db) == []


@pytest.mark.parametrize("app_config", [{"LMS_MAX_UPLOAD_BYTES": 10_000}])
def test_upload_under_a_small_limit_still_works(author_client, db):
    data = make_zip(pack_files())
    assert len(data) < 10_000

    assert upload(author_client, data).status_code == 302
    assert len(course_rows(db)) == 1


def test_learner_without_the_author_role_gets_403(create_learner, client, login, db):
    create_learner("Người Học", username="plain")
    assert login("plain").status_code == 302

    assert client.get(UPLOAD).status_code == 403
    assert upload(client, make_zip(pack_files())).status_code == 403
    assert course_rows(db) == []


def test_anonymous_visitor_is_sent_to_sign_in(client, db):
    response = client.get(UPLOAD)

    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_preview_shows_each_language(author_client, db):
    location = upload(author_client, make_zip(pack_files())).headers["Location"]
    [course] = course_rows(db)

    english = author_client.get(location + "?lang=en")
    vietnamese = author_client.get(location + "?lang=vi")

    assert english.status_code == 200 and vietnamese.status_code == 200
    assert "This is lesson 1 about protecting the agency" in html.unescape(english.text)
    assert "Lesson 2" in english.text and "Test cybersecurity" in english.text
    assert "Đây là bài học số 1" not in english.text
    assert "Đây là bài học số 1 về bảo vệ dữ liệu" in vietnamese.text
    assert "This is lesson 1" not in vietnamese.text
    for page in (english.text, vietnamese.text):
        assert f'src="/course-media/{course.id}/media/pic.png"' in page


def test_preview_names_question_types_in_the_reader_language(author_client, db):
    response = upload(author_client, make_zip(pack_files(quiz=True)))
    location = response.headers["Location"]
    assert "(True/False)" in author_client.get(location + "?lang=en").text
    assert "(Đúng/Sai)" in author_client.get(location + "?lang=vi").text
