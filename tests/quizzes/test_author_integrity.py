"""Versions stay fixed and author writes are audited.

A published version's quiz takes no GIFT questions (author page and command): the
author is told to import into a new draft version, and nothing is written. Every
author write leaves an audit event: pack upload (page) and import (command), GIFT
import (page and command), publish, unpublish.
"""
from __future__ import annotations

import io
from pathlib import Path

import pytest
import sqlalchemy as sa

from courses.models import Course
from lms.audit.models import AuditEvent
from quizzes.models import Question, Quiz
from tests.conftest import pack_files
from tests.courses.pack_helpers import make_zip, upload

GIFT = (Path(__file__).resolve().parent.parent / "data" / "gift" / "an_toan_thong_tin.vi.gift").read_bytes()
REFUSAL_VI = "đã được xuất bản"


def question_count(db) -> int:
    db.expire_all()
    return db.scalar(sa.select(sa.func.count()).select_from(Question))


def events(db, action: str, code: str) -> list[AuditEvent]:
    """``action`` events about course ``code`` (thread tests commit events of their own)."""
    db.expire_all()
    found = db.scalars(sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id))
    return [event for event in found if event.details.get("code") == code]


@pytest.fixture
def author_client(create_learner, client, login):
    author = create_learner("Tác Giả", username="tacgia", roles=["author"])
    assert login("tacgia").status_code == 302
    client.author = author
    return client


def post_gift(client, course_id):
    return client.post(f"/author/courses/{course_id}/gift",
                       data={"gift": (io.BytesIO(GIFT), "cau-hoi.gift"), "lang": "vi"},
                       content_type="multipart/form-data")


@pytest.mark.parametrize("then_unpublished", [False, True])
def test_gift_page_refuses_a_published_version_and_writes_nothing(author_client, create_course, db,
                                                                  app_context, then_unpublished):
    course = create_course(code="FIX01", quiz=True)
    if then_unpublished:  # learners may still hold attempts at an unpublished version
        author_client.post(f"/author/courses/{course.id}/unpublish")
    before = question_count(db)
    page = author_client.get(f"/author/courses/{course.id}/gift")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert REFUSAL_VI in body and "phiên bản nháp mới" in body
    assert 'type="file"' not in body  # no upload form to fill in vain
    refused = post_gift(author_client, course.id)
    assert refused.status_code == 409
    assert "phiên bản nháp mới" in refused.get_data(as_text=True)
    assert question_count(db) == before
    assert events(db, "content.gift_imported", "FIX01") == []


def test_gift_command_refuses_a_published_version(app, create_course, db, tmp_path):
    course = create_course(code="FIX02", quiz=True)
    source = tmp_path / "q.gift"
    source.write_bytes(GIFT)
    before = question_count(db)
    result = app.test_cli_runner().invoke(args=["lms", "import-gift", str(source), "--course", "FIX02"])
    assert result.exit_code == 1
    assert REFUSAL_VI in result.output and "phiên bản nháp mới" in result.output
    assert question_count(db) == before
    assert events(db, "content.gift_imported", "FIX02") == []
    assert db.get(Course, course.id).is_published


def test_gift_import_into_a_draft_is_audited_on_the_page_and_the_command(app, author_client, create_course,
                                                                         db, tmp_path):
    course = create_course(code="FIX03", publish=False)
    assert post_gift(author_client, course.id).status_code == 302
    source = tmp_path / "q.gift"
    source.write_bytes(GIFT)
    result = app.test_cli_runner().invoke(args=["lms", "import-gift", str(source), "--course", "FIX03"])
    assert result.exit_code == 0, result.output
    page_event, command_event = events(db, "content.gift_imported", "FIX03")
    added = db.scalar(sa.select(sa.func.count()).select_from(Question).join(Quiz)
                      .where(Quiz.course_id == course.id))
    assert page_event.actor_id == author_client.author.id and page_event.actor_label == "Tác Giả"
    assert command_event.actor_id is None and command_event.actor_label == "flask lms import-gift"
    for event in (page_event, command_event):
        assert (event.object_type, event.object_id) == ("course", str(course.id))
        assert event.details == {"code": "FIX03", "version": 1, "questions": added // 2}


def test_pack_upload_publish_and_unpublish_are_audited(author_client, db):
    files = pack_files(code="FIX04", lessons=1, media=False, quiz=True)
    assert upload(author_client, make_zip(files)).status_code == 302
    course = db.scalars(sa.select(Course).where(Course.code == "FIX04")).one()
    assert author_client.post(f"/author/courses/{course.id}/publish").status_code == 302
    assert author_client.post(f"/author/courses/{course.id}/unpublish").status_code == 302
    for action in ("content.pack_imported", "content.course_published", "content.course_unpublished"):
        [event] = events(db, action, "FIX04")
        assert (event.actor_id, event.object_type, event.object_id) == (
            author_client.author.id, "course", str(course.id)), action
        assert event.details == {"code": "FIX04", "version": 1}


def test_pack_import_command_is_audited(app, db, tmp_path):
    folder = tmp_path / "pack"
    for name, data in pack_files(code="FIX05", lessons=1, media=False).items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    result = app.test_cli_runner().invoke(args=["lms", "import-pack", str(folder)])
    assert result.exit_code == 0, result.output
    course = db.scalars(sa.select(Course).where(Course.code == "FIX05")).one()
    assert [(e.object_id, e.details) for e in events(db, "content.pack_imported", "FIX05")] == [
        (str(course.id), {"code": "FIX05", "version": 1})]
    assert [e.object_id for e in events(db, "content.course_published", "FIX05")] == [str(course.id)]


def test_an_empty_gift_file_never_makes_an_empty_quiz(app, create_course, db, tmp_path):
    """GIFT cannot change settings; the one way it could give attempts with no question
    (a file without questions making a new quiz) is refused."""
    create_course(code="FIX06", publish=False)
    source = tmp_path / "empty.gift"
    source.write_text("// chỉ có chú thích\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["lms", "import-gift", str(source), "--course", "FIX06"])
    assert result.exit_code == 1
    assert db.scalar(sa.select(sa.func.count()).select_from(Quiz)) == 0
