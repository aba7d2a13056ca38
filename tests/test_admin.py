"""Admin pages: org-unit tree, learners, role grants, audit log."""
import pytest
import sqlalchemy as sa

from lms.accounts.models import Learner, OrgUnit, Role, RoleGrant
from lms.audit.models import AuditEvent


@pytest.fixture
def admin(create_learner, login):
    person = create_learner("Quản Trị Viên", username="boss", roles=[Role.ADMIN])
    login("boss")
    return person


def unit_by_code(db, code):
    db.expire_all()
    return db.scalars(sa.select(OrgUnit).where(OrgUnit.code == code)).one()


def test_create_edit_and_list_units(client, admin, db):
    client.post("/admin/units/new", data={"code": "SVH", "name_vi": "Sở Văn hóa",
                                          "name_en": "Culture Department", "parent_id": 0})
    parent = unit_by_code(db, "SVH")
    client.post("/admin/units/new", data={"code": "BT", "name_vi": "Bảo tàng",
                                          "name_en": "Museum", "parent_id": parent.id})
    museum = unit_by_code(db, "BT")
    assert museum.path == f"{parent.path}{museum.id}/"
    client.post(f"/admin/units/{museum.id}", data={"code": "BTT", "name_vi": "Bảo tàng tỉnh",
                                                   "name_en": "Provincial Museum"})
    assert unit_by_code(db, "BTT").name_vi == "Bảo tàng tỉnh"
    page = client.get("/admin/units").get_data(as_text=True)
    assert page.index("Sở Văn hóa") < page.index("Bảo tàng tỉnh")


def test_duplicate_unit_code_is_refused(client, admin, create_unit, db):
    create_unit("SVH")
    response = client.post("/admin/units/new", data={"code": "SVH", "name_vi": "Khác",
                                                     "name_en": "Other", "parent_id": 0})
    assert "SVH" in response.get_data(as_text=True)
    assert db.scalar(sa.select(sa.func.count()).select_from(OrgUnit)) == 1


def test_move_unit_rewrites_the_subtree(client, admin, create_unit, db):
    province = create_unit("P")
    department = create_unit("D", parent=province)
    division = create_unit("V", parent=department)
    other = create_unit("O", parent=province)
    response = client.post(f"/admin/units/{department.id}/move", data={"parent_id": other.id})
    assert response.status_code == 302
    moved, child, target = unit_by_code(db, "D"), unit_by_code(db, "V"), unit_by_code(db, "O")
    assert moved.parent_id == target.id
    assert moved.path == f"{target.path}{moved.id}/"
    assert child.path == f"{moved.path}{division.id}/"


@pytest.mark.parametrize("target", ["itself", "descendant"])
def test_move_under_own_subtree_is_refused(client, admin, create_unit, db, target):
    department = create_unit("D")
    division = create_unit("V", parent=department)
    new_parent = department if target == "itself" else division
    response = client.post(f"/admin/units/{department.id}/move", data={"parent_id": new_parent.id})
    assert response.status_code == 200
    assert "không thể chuyển" in response.get_data(as_text=True).lower()
    assert unit_by_code(db, "D").parent_id is None


def test_search_ignores_diacritics_and_case(client, admin, create_learner, create_unit):
    unit = create_unit()
    create_learner("Nguyễn Văn Đức", unit=unit)
    create_learner("Trần Thị Hoa", unit=unit)
    for query in ("nguyen van duc", "NGUYỄN", "đức", "Duc"):
        page = client.get("/admin/learners", query_string={"q": query}).get_data(as_text=True)
        assert "Nguyễn Văn Đức" in page and "Trần Thị Hoa" not in page, query


def test_filter_by_unit_includes_sub_units(client, admin, create_learner, create_unit):
    department = create_unit("D")
    museum = create_unit("M", parent=department)
    elsewhere = create_unit("E")
    create_learner("Người Bảo Tàng", unit=museum)
    create_learner("Người Nơi Khác", unit=elsewhere)
    page = client.get("/admin/learners", query_string={"unit": department.id}).get_data(as_text=True)
    assert "Người Bảo Tàng" in page and "Người Nơi Khác" not in page


def test_create_learner_with_account(client, admin, create_unit, db):
    unit = create_unit()
    response = client.post("/admin/learners/new", data={
        "full_name": "Lò  Thị Hoa", "staff_code": "NV100", "org_unit_id": unit.id,
        "birth_date": "1990-04-30", "gender": "female", "category": "vien_chuc",
        "position": "Thuyết minh viên", "username": "hoa.lt"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Mật khẩu tạm thời" in page
    learner = db.scalars(sa.select(Learner).where(Learner.staff_code == "NV100")).one()
    assert learner.user.must_change_password is True
    assert learner.org_unit_id == unit.id


def test_duplicate_staff_code_is_refused(client, admin, create_learner, create_unit, db):
    unit = create_unit()
    create_learner(staff_code="NV100", unit=unit)
    response = client.post("/admin/learners/new", data={
        "full_name": "Người Khác", "staff_code": "NV100", "org_unit_id": unit.id})
    assert "NV100" in response.get_data(as_text=True)
    assert db.scalar(sa.select(sa.func.count()).select_from(Learner)
                     .where(Learner.staff_code == "NV100")) == 1


def test_names_are_stored_nfc(client, admin, create_unit, db):
    import unicodedata

    unit = create_unit()
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Ánh")
    client.post("/admin/learners/new", data={"full_name": decomposed, "staff_code": "NV200",
                                             "org_unit_id": unit.id})
    learner = db.scalars(sa.select(Learner).where(Learner.staff_code == "NV200")).one()
    assert learner.full_name == unicodedata.normalize("NFC", "Nguyễn Thị Ánh")


def test_deactivate_and_reactivate(client, admin, create_learner, db, app):
    person = create_learner("Lò Thị Hoa", username="hoa")
    client.post(f"/admin/learners/{person.id}/active", data={"active": "0"})
    db.expire_all()
    assert db.get(Learner, person.id).is_active is False
    other = app.test_client()
    assert other.post("/auth/login", data={"username": "hoa", "password": "correct horse battery"}).status_code == 200
    client.post(f"/admin/learners/{person.id}/active", data={"active": "1"})
    db.expire_all()
    assert db.get(Learner, person.id).is_active is True


def test_admin_cannot_deactivate_self(client, admin, db):
    client.post(f"/admin/learners/{admin.id}/active", data={"active": "0"})
    db.expire_all()
    assert db.get(Learner, admin.id).is_active is True


def test_grant_and_revoke_roles(client, admin, create_learner, create_unit, db):
    unit = create_unit()
    person = create_learner("Cán Bộ Tổ Chức", unit=unit)
    for _ in range(2):  # a double click must not create two grants
        client.post(f"/admin/learners/{person.id}/roles", data={"role": "hr", "org_unit_id": unit.id})
    grants = db.scalars(sa.select(RoleGrant).where(RoleGrant.learner_id == person.id)).all()
    assert [(g.role, g.org_unit_id) for g in grants] == [(Role.HR, unit.id)]
    response = client.post(f"/admin/learners/{person.id}/roles", data={"role": "hr", "org_unit_id": 0},
                           follow_redirects=True)
    assert "đơn vị" in response.get_data(as_text=True).lower()
    client.post(f"/admin/learners/{person.id}/roles/{grants[0].id}/revoke")
    assert db.scalars(sa.select(RoleGrant).where(RoleGrant.learner_id == person.id)).all() == []
    actions = db.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert "admin.role_granted" in actions and "admin.role_revoked" in actions


def test_role_uniqueness_is_a_database_constraint(db, create_learner):
    person = create_learner()
    for _ in range(2):
        db.add(RoleGrant(learner_id=person.id, role=Role.ADMIN, scope_key="*"))
    with pytest.raises(sa.exc.IntegrityError):
        db.flush()


def test_hr_role_scope_is_checked_by_the_database(db, create_learner):
    person = create_learner()
    db.add(RoleGrant(learner_id=person.id, role=Role.HR, scope_key="*"))
    with pytest.raises(sa.exc.IntegrityError):
        db.flush()


def test_audit_log_lists_and_filters(client, admin, db):
    client.post("/auth/logout")
    client.post("/auth/login", data={"username": "boss", "password": "wrong"})
    client.post("/auth/login", data={"username": "boss", "password": "correct horse battery"})
    page = client.get("/admin/audit", query_string={"action": "auth.login_failed"}).get_data(as_text=True)
    assert "<dd><code>auth.login_failed</code></dd>" in page
    assert "<dd><code>auth.login</code></dd>" not in page
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "<dd><code>auth.login</code></dd>" in page


def test_taken_username_is_reported_on_its_field_and_nothing_is_saved(client, admin, create_unit, db):
    unit = create_unit()
    response = client.post("/admin/learners/new", data={
        "full_name": "Người Mới", "staff_code": "NV300", "org_unit_id": unit.id, "username": "boss"})
    page = response.get_data(as_text=True)
    assert 'id="username-error"' in page and "boss" in page
    assert db.scalars(sa.select(Learner).where(Learner.staff_code == "NV300")).all() == []


def test_dates_are_typed_and_shown_as_day_month_year(client, admin, create_unit, db):
    unit = create_unit()
    response = client.post("/admin/learners/new", data={
        "full_name": "Lò Thị Hoa", "staff_code": "NV400", "org_unit_id": unit.id,
        "birth_date": "30/04/1990", "hired_on": "2015-08-01"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    learner = db.scalars(sa.select(Learner).where(Learner.staff_code == "NV400")).one()
    assert learner.birth_date.isoformat() == "1990-04-30"
    assert learner.hired_on.isoformat() == "2015-08-01"
    assert 'value="30/04/1990"' in page and 'value="01/08/2015"' in page
    bad = client.post("/admin/learners/new", data={
        "full_name": "X", "staff_code": "NV401", "org_unit_id": unit.id, "birth_date": "31/02/1990"})
    assert 'id="birth_date-error"' in bad.get_data(as_text=True)



def test_two_admins_creating_the_same_unit_get_one_unit_and_one_clear_error(app, engine, commits_for_real):
    """Real threads on the real database: whichever check catches it (the friendly
    pre-check, or the unique constraint on PostgreSQL), the loser gets AccountError."""
    import threading

    from flask import g

    from lms.accounts import operations
    from lms.db import Database

    database = Database(engine)
    barrier = threading.Barrier(2)
    outcomes = []

    def create():
        with app.app_context():
            session = database.new_session(for_write=True)
            g._lms_session = session
            try:
                barrier.wait(timeout=10)
                operations.create_org_unit("TWIN", "Đơn vị đôi", "Twin unit", None)
                session.commit()
                outcomes.append("created")
            except operations.AccountError:
                session.rollback()
                outcomes.append("refused")
            finally:
                session.close()

    threads = [threading.Thread(target=create) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with database.write_session() as session:
        count = session.scalar(sa.select(sa.func.count()).select_from(OrgUnit).where(OrgUnit.code == "TWIN"))
        session.execute(sa.delete(OrgUnit).where(OrgUnit.code == "TWIN"))
        session.commit()
    assert sorted(outcomes) == ["created", "refused"]
    assert count == 1
