"""Issue 13, point 8: a confirmation page (no JavaScript) before resetting a password,
deactivating an account, revoking a role and unpublishing a course; nothing changes
until its button is pressed."""
import re

import pytest
import sqlalchemy as sa

from lms.accounts.models import Role, RoleGrant, User


@pytest.fixture
def admin(create_learner, login):
    person = create_learner("Quản Trị Viên", username="boss", roles=[Role.ADMIN])
    login("boss")
    return person


def form_of(page: str) -> tuple[str, dict]:
    match = re.search(r'<form method="post" action="([^"]+)" class="lms-actions">(.*?)</form>', page, re.S)
    assert match, "no confirmation form"
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', match.group(2)))
    return match.group(1), fields


def test_reset_password_asks_first(client, admin, create_learner, db):
    hoa = create_learner("Lò Thị Hoa", username="hoa")
    hash_before = db.scalar(sa.select(User.password_hash).where(User.username == "hoa"))
    profile = client.get(f"/admin/learners/{hoa.id}").get_data(as_text=True)
    assert f'href="/admin/learners/{hoa.id}/password-reset"' in profile
    page = client.get(f"/admin/learners/{hoa.id}/password-reset").get_data(as_text=True)
    assert "Đặt lại mật khẩu của Lò Thị Hoa?" in page
    db.expire_all()
    assert db.scalar(sa.select(User.password_hash).where(User.username == "hoa")) == hash_before
    action, fields = form_of(page)
    assert action == f"/admin/learners/{hoa.id}/password-reset"
    assert client.post(action, data=fields).status_code == 302
    db.expire_all()
    assert db.scalar(sa.select(User.password_hash).where(User.username == "hoa")) != hash_before


def test_deactivate_asks_first(client, admin, create_learner, db):
    hoa = create_learner("Lò Thị Hoa", username="hoa")
    page = client.get(f"/admin/learners/{hoa.id}/active").get_data(as_text=True)
    assert "Ngừng kích hoạt tài khoản của Lò Thị Hoa?" in page
    db.expire_all()
    assert db.get(type(hoa), hoa.id).is_active
    action, fields = form_of(page)
    assert fields == {"active": "0"}
    client.post(action, data=fields)
    db.expire_all()
    assert not db.get(type(hoa), hoa.id).is_active


def test_revoke_role_asks_first(client, admin, create_learner, create_unit, db):
    museum = create_unit("BT", name_vi="Bảo tàng tỉnh", name_en="Provincial Museum")
    hoa = create_learner("Lò Thị Hoa", roles=[Role.HR], hr_unit=museum)
    grant_id = db.scalars(sa.select(RoleGrant.id).where(RoleGrant.learner_id == hoa.id)).one()
    url = f"/admin/learners/{hoa.id}/roles/{grant_id}/revoke"
    assert f'href="{url}"' in client.get(f"/admin/learners/{hoa.id}").get_data(as_text=True)
    page = client.get(url).get_data(as_text=True)
    assert "Lò Thị Hoa sẽ không còn là Cán bộ tổ chức phụ trách Bảo tàng tỉnh." in page
    assert db.get(RoleGrant, grant_id) is not None
    other = create_learner("Người Khác", roles=[Role.AUTHOR])  # another's grant: not found
    assert client.get(f"/admin/learners/{other.id}/roles/{grant_id}/revoke").status_code == 404
    action, fields = form_of(page)
    client.post(action, data=fields)
    db.expire_all()
    assert db.get(RoleGrant, grant_id) is None


def test_unpublish_asks_first(client, admin, create_course, db):
    course = create_course(code="CONF01")
    listing = client.get("/author/courses").get_data(as_text=True)
    assert f'href="/author/courses/{course.id}/unpublish"' in listing
    page = client.get(f"/author/courses/{course.id}/unpublish").get_data(as_text=True)
    assert "Kết quả hoàn thành, giấy chứng nhận và điểm đã đạt được vẫn được giữ nguyên." in page
    db.expire_all()
    assert db.get(type(course), course.id).is_published
    action, fields = form_of(page)
    client.post(action, data=fields)
    db.expire_all()
    assert not db.get(type(course), course.id).is_published


def test_confirmation_pages_are_not_for_others(client, create_learner, login, db):
    target = create_learner("Đối Tượng", username="target")
    create_learner("Học Viên", username="plain")
    login("plain")
    for url in (f"/admin/learners/{target.id}/password-reset", f"/admin/learners/{target.id}/active"):
        assert client.get(url).status_code in (403, 404)


def test_the_confirm_button_needs_the_csrf_token(app, client, admin, create_learner, db):
    app.config["WTF_CSRF_ENABLED"] = True
    hoa = create_learner("Lò Thị Hoa", username="hoa")
    page = client.get(f"/admin/learners/{hoa.id}/active").get_data(as_text=True)
    assert 'name="csrf_token"' in page
    assert client.post(f"/admin/learners/{hoa.id}/active", data={"active": "0"}).status_code == 400
