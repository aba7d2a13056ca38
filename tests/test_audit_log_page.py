"""Issue 13, point 4: the audit log as translated sentences, people and units by name and
linked, filtered by action, actor and dates, paged."""
import datetime as dt
import re

import pytest
import sqlalchemy as sa

from lms.accounts.models import Role
from lms.audit.models import AuditEvent
from lms.audit.sentences import AuditAction, sentence
from lms.i18n import SESSION_LOCALE_KEY


@pytest.fixture
def admin(create_learner, login):
    person = create_learner("Nguyễn Văn A", username="boss", roles=[Role.ADMIN])
    login("boss")
    return person


def in_english(client):
    with client.session_transaction() as session:
        session[SESSION_LOCALE_KEY] = "en"


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def test_role_grant_reads_as_a_sentence_with_linked_names(client, admin, create_unit, create_learner, db):
    museum = create_unit("BT", name_vi="Bảo tàng tỉnh", name_en="Provincial Museum")
    hoa = create_learner("Lò Thị Hoa", unit=museum)
    client.post(f"/admin/learners/{hoa.id}/roles", data={"role": "hr", "org_unit_id": museum.id})
    client.post(f"/admin/learners/{hoa.id}/roles", data={"role": "author", "org_unit_id": 0})
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "Nguyễn Văn A cấp vai trò Biên soạn nội dung cho Lò Thị Hoa." in text_of(page)
    assert "Nguyễn Văn A cấp vai trò Cán bộ tổ chức phụ trách Bảo tàng tỉnh cho Lò Thị Hoa." in text_of(page)
    assert f'<a href="/admin/learners/{hoa.id}">Lò Thị Hoa</a>' in page
    assert f'<a href="/admin/learners/{admin.id}">Nguyễn Văn A</a>' in page
    assert f'<a href="/admin/units/{museum.id}">Bảo tàng tỉnh</a>' in page
    assert "org_unit: None" not in page
    in_english(client)
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "Nguyễn Văn A granted the role Author to Lò Thị Hoa." in text_of(page)
    assert f'<a href="/admin/units/{museum.id}">Provincial Museum</a>' in page


def test_names_are_escaped(client, admin, create_unit, create_learner, db):
    unit = create_unit("X1", name_vi="<b>Đơn vị</b>", name_en="<b>Unit</b>")
    person = create_learner("<script>alert(1)</script>", unit=unit)
    client.post(f"/admin/learners/{person.id}/roles", data={"role": "hr", "org_unit_id": unit.id})
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert "<b>Đơn vị</b>" not in page


def test_filters_by_action_actor_and_dates(client, admin, create_learner, db):
    other = create_learner("Trần Thị B", username="other", roles=[Role.ADMIN])
    now = dt.datetime.now(dt.UTC)
    db.add_all([AuditEvent(action="auth.login", actor_id=other.id, actor_label=other.full_name,
                           created_dt=now - dt.timedelta(days=40)),
                AuditEvent(action="auth.login", actor_id=admin.id, actor_label=admin.full_name,
                           created_dt=now - dt.timedelta(days=40))])
    db.commit()
    page = client.get("/admin/audit").get_data(as_text=True)
    assert '<option value="auth.login">' in page or 'value="auth.login"' in page
    by_actor = text_of(client.get("/admin/audit", query_string={"actor": "Trần"}).get_data(as_text=True))
    assert "Trần Thị B đăng nhập." in by_actor and "Nguyễn Văn A đăng nhập." not in by_actor
    old_day = (now - dt.timedelta(days=40)).astimezone(dt.timezone(dt.timedelta(hours=7))).date()
    ranged = client.get("/admin/audit", query_string={
        "action": "auth.login", "since": old_day.strftime("%d/%m/%Y"),
        "until": old_day.strftime("%d.%m.%Y")}).get_data(as_text=True)
    assert text_of(ranged).count("đăng nhập.") == 2
    recent = client.get("/admin/audit", query_string={
        "action": "auth.login", "since": (old_day + dt.timedelta(days=1)).isoformat()}).get_data(as_text=True)
    assert text_of(recent).count("đăng nhập.") == 1  # this test's own sign-in, today
    wrong = client.get("/admin/audit", query_string={"since": "31/02/2026"})
    assert wrong.status_code == 200
    assert "Tháng 2 năm 2026 không có ngày 31." in wrong.get_data(as_text=True)
    reversed_range = client.get("/admin/audit", query_string={"since": "02/01/2026", "until": "01/01/2026"})
    assert "Ngày kết thúc sớm hơn ngày bắt đầu." in reversed_range.get_data(as_text=True)
    unknown = client.get("/admin/audit", query_string={"action": "no.such"})
    assert unknown.status_code == 200


def test_paging(client, admin, app, db):
    app.config["LMS_PAGE_SIZE"] = 3
    db.add_all([AuditEvent(action="auth.login_failed", actor_label=f"user{n}") for n in range(7)])
    db.commit()
    first = client.get("/admin/audit", query_string={"action": "auth.login_failed"}).get_data(as_text=True)
    assert first.count('class="lms-event"') == 3 and 'rel="next"' in first
    last = client.get("/admin/audit", query_string={"action": "auth.login_failed", "page": 3}).get_data(as_text=True)
    assert last.count('class="lms-event"') == 1 and 'rel="prev"' in last
    assert "action=auth.login_failed" in last  # the pager keeps the filter


def test_unregistered_action_still_shows_with_its_code(client, admin, db):
    db.add(AuditEvent(action="somefeature.thing_done", actor_label="Ai đó", details={"k": "v"}))
    db.commit()
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "Ai đó: somefeature.thing_done" in text_of(page)


def test_a_feature_registers_its_sentence(app, client, admin, db):
    state = app.extensions["lms"]
    state.audit_actions.register("demo.waved", AuditAction(
        "Waved", lambda event, names: sentence("%(actor)s waved.", actor=names.actor(event))))
    db.add(AuditEvent(action="demo.waved", actor_id=admin.id, actor_label=admin.full_name))
    db.commit()
    page = client.get("/admin/audit", query_string={"action": "demo.waved"}).get_data(as_text=True)
    assert f'<a href="/admin/learners/{admin.id}">Nguyễn Văn A</a> waved.' in page


def test_one_query_per_kind_not_per_row(client, admin, create_unit, create_learner, db, app):
    unit = create_unit()
    for number in range(12):
        person = create_learner(f"Người {number}", unit=unit)
        client.post(f"/admin/learners/{person.id}/roles", data={"role": "author", "org_unit_id": 0})
    statements = []
    engine = app.extensions["lms"].database.engine
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        client.get("/admin/audit")
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)
    learner_reads = [s for s in statements if "FROM lms_learners" in s and "lms_audit_events" not in s]
    assert len(learner_reads) <= 4, learner_reads
