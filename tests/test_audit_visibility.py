"""Audit of what changes who can see whom: org units created, edited and moved; learners
created and edited (old and new unit, other changed fields, never a password); role
grants and revokes; and reads of a learner's record by HR or an admin, once per viewer,
learner and day."""
from __future__ import annotations

import datetime as dt
import threading

import pytest
import sqlalchemy as sa
from flask import g

from lms.accounts.models import Learner, OrgUnit, Role, RoleGrant
from lms.audit.models import AuditEvent
from lms.audit.record_views import ACTION as RECORD_VIEWED


def events(db, action):
    db.expire_all()
    return db.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)
                      .order_by(AuditEvent.id)).all()


@pytest.fixture
def admin(create_learner, login):
    person = create_learner("Quản Trị Viên", username="boss", roles=[Role.ADMIN])
    login("boss")
    return person


def test_unit_create_edit_and_move_are_audited(client, admin, create_unit, db):
    province = create_unit("TINH")
    other = create_unit("KHAC")
    client.post("/admin/units/new", data={"code": "SVH", "name_vi": "Sở Văn hóa",
                                          "name_en": "Culture", "parent_id": province.id})
    unit = db.scalars(sa.select(OrgUnit).where(OrgUnit.code == "SVH")).one()
    [created] = events(db, "admin.unit_created")[-1:]
    assert (created.actor_id, created.object_id) == (admin.id, str(unit.id))
    assert created.details == {"code": "SVH", "name_vi": "Sở Văn hóa", "name_en": "Culture",
                               "parent": "TINH"}

    client.post(f"/admin/units/{unit.id}", data={"code": "SVHTT", "name_vi": "Sở Văn hóa",
                                                 "name_en": "Culture and Sports"})
    [updated] = events(db, "admin.unit_updated")
    assert updated.actor_id == admin.id
    assert updated.details == {"code": "SVHTT", "changes": {
        "code": ["SVH", "SVHTT"], "name_en": ["Culture", "Culture and Sports"]}}

    client.post(f"/admin/units/{unit.id}/move", data={"parent_id": other.id})
    [moved] = events(db, "admin.unit_moved")
    assert moved.actor_id == admin.id and moved.object_id == str(unit.id)
    assert moved.details == {"code": "SVHTT", "from_parent": "TINH", "to_parent": "KHAC",
                             "from_path": f"/{province.id}/{unit.id}/",
                             "to_path": f"/{other.id}/{unit.id}/"}


def test_saving_an_unchanged_unit_or_moving_it_in_place_writes_no_event(client, admin, create_unit, db):
    parent = create_unit("CHA")
    unit = create_unit("CON", parent=parent, name_vi="Con", name_en="Child")
    client.post(f"/admin/units/{unit.id}", data={"code": "CON", "name_vi": "Con", "name_en": "Child"})
    client.post(f"/admin/units/{unit.id}/move", data={"parent_id": parent.id})
    assert events(db, "admin.unit_updated") == [] and events(db, "admin.unit_moved") == []


def test_learner_edits_are_audited_with_old_and_new_unit(client, admin, create_unit,
                                                         create_learner, db):
    museum, library = create_unit("BT"), create_unit("TV")
    person = create_learner("Lò Thị Hoa", unit=museum, staff_code="NV100",
                            email="hoa@example.vn", position="Chuyên viên")
    response = client.post(f"/admin/learners/{person.id}", data={
        "full_name": "Lò Thị Hoa Anh", "staff_code": "NV100", "org_unit_id": library.id,
        "email": "hoa.anh@example.vn", "position": "Chuyên viên", "birth_date": "02/03/1990",
        "username": "hoa.lt"})
    assert response.status_code == 302
    [updated] = events(db, "admin.learner_updated")
    assert (updated.actor_id, updated.object_id) == (admin.id, str(person.id))
    assert updated.details == {"staff_code": "NV100", "changes": {
        "full_name": ["Lò Thị Hoa", "Lò Thị Hoa Anh"], "org_unit": ["BT", "TV"],
        "email": "changed", "birth_date": "changed"}}
    everything = " ".join(str(event.details) for event in events(db, "admin.learner_updated"))
    assert "hoa.anh@example.vn" not in everything and "1990" not in everything


def test_learner_creation_is_audited_and_no_password_reaches_the_log(client, admin, create_unit, db):
    unit = create_unit("BT")
    client.post("/admin/learners/new", data={"full_name": "Người Mới", "staff_code": "NV200",
                                             "org_unit_id": unit.id, "username": "nguoi.moi"})
    person = db.scalars(sa.select(Learner).where(Learner.staff_code == "NV200")).one()
    [created] = [e for e in events(db, "admin.learner_created") if e.object_id == str(person.id)]
    assert created.actor_id == admin.id
    assert created.details == {"staff_code": "NV200", "full_name": "Người Mới", "org_unit": "BT"}
    client.post(f"/admin/learners/{person.id}/password-reset")
    log = db.scalars(sa.select(AuditEvent)).all()
    password_hash = person.user.password_hash
    assert not any(password_hash in str(event.details) for event in log)
    assert not any("password" in key for event in log for key in event.details
                   if event.action != "admin.password_reset")


def test_an_import_that_moves_people_audits_each_move(client, admin, create_unit, create_learner, db):
    import io

    create_unit("BT"), create_unit("TV")
    person = create_learner("Nguyễn Thị Lan", unit=db.scalars(sa.select(OrgUnit).where(OrgUnit.code == "BT")).one(),
                            staff_code="NV001")
    data = "Mã cán bộ,Họ và tên,Mã đơn vị\nNV001,Nguyễn Thị Lan,TV\nNV002,Lò Văn Pọm,BT\n".encode()
    client.post("/admin/import", data={"file": (io.BytesIO(data), "a.csv")},
                content_type="multipart/form-data")
    [updated] = events(db, "admin.learner_updated")
    assert (updated.actor_id, updated.object_id) == (admin.id, str(person.id))
    assert updated.details["changes"] == {"org_unit": ["BT", "TV"]}
    created = [e.details["staff_code"] for e in events(db, "admin.learner_created") if e.actor_id == admin.id]
    assert created == ["NV002"]


def test_role_grants_and_revokes_are_audited(client, admin, create_unit, create_learner, db):
    unit = create_unit("BT")
    person = create_learner("Cán Bộ", unit=unit)
    client.post(f"/admin/learners/{person.id}/roles", data={"role": "hr", "org_unit_id": unit.id})
    [granted] = events(db, "admin.role_granted")[-1:]
    assert (granted.actor_id, granted.object_id) == (admin.id, str(person.id))
    assert granted.details == {"role": "hr", "org_unit": "BT"}
    grant = db.scalars(sa.select(RoleGrant).where(RoleGrant.learner_id == person.id)).one()
    client.post(f"/admin/learners/{person.id}/roles/{grant.id}/revoke")
    [revoked] = events(db, "admin.role_revoked")
    assert (revoked.actor_id, revoked.object_id) == (admin.id, str(person.id))
    assert revoked.details == {"role": "hr", "org_unit": "BT"}


# --- reads of a learner's record -------------------------------------------------------

@pytest.fixture
def people(create_unit, create_learner):
    unit = create_unit("BT")
    return {
        "hr": create_learner("Tổ Chức", username="tc", unit=unit, roles=[Role.HR], hr_unit=unit),
        "admin": create_learner("Quản Trị", username="qt", unit=unit, roles=[Role.ADMIN]),
        "a": create_learner("Người A", unit=unit),
        "b": create_learner("Người B", unit=unit),
    }


def signed_in(app, username):
    client = app.test_client()
    assert client.post("/auth/login", data={"username": username,
                                            "password": "correct horse battery"}).status_code == 302
    return client


def views(db):
    return [(event.actor_id, event.object_id, event.details["page"]) for event in events(db, RECORD_VIEWED)]


def test_a_record_view_is_recorded_once_per_viewer_learner_and_day(app, db, people):
    hr, admin = signed_in(app, "tc"), signed_in(app, "qt")
    a, b = people["a"].id, people["b"].id
    for _ in range(3):
        assert hr.get(f"/reports/learners/{a}").status_code == 200
    assert views(db) == [(people["hr"].id, str(a), "reports")]
    hr.get(f"/reports/learners/{b}")
    admin.get(f"/reports/learners/{a}")
    admin.get(f"/admin/learners/{a}")      # the same learner from the admin page: same key
    admin.get(f"/admin/learners/{b}")
    assert views(db) == [(people["hr"].id, str(a), "reports"), (people["hr"].id, str(b), "reports"),
                         (people["admin"].id, str(a), "reports"), (people["admin"].id, str(b), "admin")]


def test_the_next_day_records_again(app, db, people):
    hr = signed_in(app, "tc")
    hr.get(f"/reports/learners/{people['a'].id}")
    [event] = events(db, RECORD_VIEWED)
    event.created_dt -= dt.timedelta(days=1)
    db.commit()
    hr.get(f"/reports/learners/{people['a'].id}")
    assert len(events(db, RECORD_VIEWED)) == 2


def test_a_refused_view_records_nothing(app, db, people, create_unit, create_learner):
    outside = create_learner("Người Ngoài", unit=create_unit("KHAC"))
    hr = signed_in(app, "tc")
    assert hr.get(f"/reports/learners/{outside.id}").status_code == 404
    assert events(db, RECORD_VIEWED) == []


def test_a_read_costs_no_write_once_recorded(app, db, people):
    """After the first view of the day, a reload runs no INSERT and takes no lock."""
    hr = signed_in(app, "tc")
    url = f"/reports/learners/{people['a'].id}"
    hr.get(url)
    statements = []

    def remember(_conn, _cursor, statement, *_args):
        statements.append(statement.upper())

    engine = app.extensions["lms"].database.engine
    sa.event.listen(engine, "before_cursor_execute", remember)
    try:
        assert hr.get(url).status_code == 200
    finally:
        sa.event.remove(engine, "before_cursor_execute", remember)
    assert statements and not any("INSERT" in s or "FOR NO KEY UPDATE" in s for s in statements)


@pytest.fixture
def committed_people(app, engine, commits_for_real):
    """Viewer and learner committed for real (threads need to see them), removed after."""
    from lms.accounts import operations
    from lms.db import Database

    database = Database(engine)
    with app.app_context():
        session = database.new_session(for_write=True)
        g._lms_session = session
        viewer = operations.create_learner(full_name="Người Xem", staff_code="RACEV-1")
        person = operations.create_learner(full_name="Người Được Xem", staff_code="RACEV-2")
        session.commit()
        ids = {"viewer": viewer.id, "learner": person.id}
        session.close()
        g.pop("_lms_session")
    yield ids
    with database.write_session() as session:
        session.execute(sa.delete(AuditEvent).where(AuditEvent.actor_id.in_(ids.values())))
        session.execute(sa.delete(AuditEvent).where(AuditEvent.object_id.in_([str(i) for i in ids.values()])))
        session.execute(sa.delete(Learner).where(Learner.id.in_(ids.values())))
        session.commit()


def test_parallel_views_write_one_event_on_both_databases(app, engine, committed_people):
    from lms.audit.record_views import record_record_view
    from lms.db import get_session

    count = 8
    barrier = threading.Barrier(count)
    written, errors = [], []

    def worker():
        with app.test_request_context(f"/reports/learners/{committed_people['learner']}"):
            try:
                viewer = get_session().get(Learner, committed_people["viewer"])
                barrier.wait(timeout=10)
                written.append(record_record_view(viewer, committed_people["learner"], page="reports"))
            except Exception as error:  # collected and asserted below
                errors.append(repr(error))
            finally:
                session = g.pop("_lms_session", None)
                if session is not None:
                    session.close()

    threads = [threading.Thread(target=worker) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(written) == [False] * (count - 1) + [True]
    with engine.connect() as connection:
        assert connection.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
            AuditEvent.action == RECORD_VIEWED,
            AuditEvent.object_id == str(committed_people["learner"]))) == 1
