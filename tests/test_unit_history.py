"""Effective-dated unit memberships and unit parents: every path that changes a learner's
unit closes one row and opens the next with an audit event; past subtrees are rebuilt
from the dated tree; units with history are closed or merged, never deleted."""
import datetime as dt
import types

import pytest
import sqlalchemy as sa

from lms.accounts import operations, queries
from lms.accounts.models import (
    Learner,
    MembershipSource,
    OrgUnit,
    OrgUnitMembership,
    OrgUnitParentPeriod,
    Role,
)
from lms.audit.models import AuditEvent


@pytest.fixture
def clock(monkeypatch):
    """Set the organisation's "today" (lms.dates reads the time from here)."""
    import lms.dates

    def set_day(day: dt.date):
        # Noon in Hà Nội: the same calendar day in UTC and locally.
        moment = dt.datetime.combine(day, dt.time(5), dt.UTC)
        monkeypatch.setattr(lms.dates, "utcnow", lambda: moment)

    return set_day


def memberships(db, learner_id):
    db.expire_all()
    return [(row.org_unit.code, row.valid_from, row.valid_to, row.source, row.reason)
            for row in db.scalars(sa.select(OrgUnitMembership)
                                  .where(OrgUnitMembership.learner_id == learner_id)
                                  .order_by(OrgUnitMembership.id))]


def unit_events(db, learner_id):
    return [event.details for event in db.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "learner.unit_changed",
                                    AuditEvent.object_id == str(learner_id))
        .order_by(AuditEvent.id))]


# --- each path closes one row and opens one ------------------------------------------------

def test_admin_edit_closes_one_row_and_opens_one(client, create_learner, create_unit, login, db,
                                                 clock):
    clock(dt.date(2026, 3, 2))
    first, second = create_unit("PVH"), create_unit("PDS")
    create_learner("Quản Trị Viên", username="boss", roles=[Role.ADMIN])
    person = create_learner("Lò Thị Hoa", unit=first, staff_code="NV001")
    login("boss")
    clock(dt.date(2026, 5, 20))
    response = client.post(f"/admin/learners/{person.id}", data={
        "full_name": "Lò Thị Hoa", "staff_code": "NV001", "org_unit_id": second.id})
    assert response.status_code == 302
    assert memberships(db, person.id) == [
        ("PVH", dt.date(2026, 3, 2), dt.date(2026, 5, 20), MembershipSource.ADMIN, None),
        ("PDS", dt.date(2026, 5, 20), None, MembershipSource.ADMIN, None)]
    assert db.get(Learner, person.id).org_unit_id == second.id  # the cache follows
    assert unit_events(db, person.id)[-1] == {
        "staff_code": "NV001", "from": "PVH", "to": "PDS", "on": "2026-05-20",
        "source": "admin", "reason": None}


def test_import_closes_one_row_and_opens_one(app_context, create_unit, create_learner, db, clock):
    from lms.accounts.import_operations import import_learners

    clock(dt.date(2026, 1, 5))
    create_unit("PVH"), create_unit("PDS")
    person = create_learner("Nguyễn Thị Lan", unit=queries_unit(db, "PVH"), staff_code="NV010")
    clock(dt.date(2026, 7, 1))
    data = "Mã cán bộ,Họ và tên,Mã đơn vị\nNV010,Nguyễn Thị Lan,PDS\n".encode()
    with app_context():
        outcome = import_learners("ds.csv", data, actor=None, import_valid_rows_only=False,
                                  max_rows=100)
        db.commit()
    assert outcome.applied and outcome.updated == 1
    assert memberships(db, person.id) == [
        ("PVH", dt.date(2026, 1, 5), dt.date(2026, 7, 1), MembershipSource.ADMIN, None),
        ("PDS", dt.date(2026, 7, 1), None, MembershipSource.IMPORT, None)]
    assert unit_events(db, person.id)[-1]["source"] == "import"
    # The same file again changes nothing: no new row, no new event.
    with app_context():
        import_learners("ds.csv", data, actor=None, import_valid_rows_only=False, max_rows=100)
        db.commit()
    assert len(memberships(db, person.id)) == 2 and len(unit_events(db, person.id)) == 2


def queries_unit(db, code):
    return db.scalars(sa.select(OrgUnit).where(OrgUnit.code == code)).one()


def test_host_sync_closes_one_row_and_opens_one(app, app_context, create_unit, db, clock):
    from lms.auth.host_mode import learner_for_host_user

    clock(dt.date(2026, 2, 1))
    create_unit("PVH"), create_unit("PDS")
    profile = {"host_user_id": "42", "full_name": "Trần Thị Mai", "org_unit_code": "PVH"}
    state = types.SimpleNamespace(profile_loader=lambda _user: dict(profile))
    with app.test_request_context("/"), app_context():
        learner_id = learner_for_host_user(object(), state).id
    clock(dt.date(2026, 9, 15))
    profile["org_unit_code"] = "PDS"
    with app.test_request_context("/"), app_context():
        learner = learner_for_host_user(object(), state)
        assert learner.org_unit.code == "PDS"
    assert memberships(db, learner_id) == [
        ("PVH", dt.date(2026, 2, 1), dt.date(2026, 9, 15), MembershipSource.HOST_SYNC,
         "host profile: PVH"),
        ("PDS", dt.date(2026, 9, 15), None, MembershipSource.HOST_SYNC, "host profile: PDS")]
    assert [(e["from"], e["to"], e["source"]) for e in unit_events(db, learner_id)] == [
        (None, "PVH", "host_sync"), ("PVH", "PDS", "host_sync")]


def test_host_sync_follows_a_merge(app, app_context, create_unit, create_learner, db, clock):
    """A host that still sends a merged unit's code puts the person in its successor."""
    from lms.auth.host_mode import learner_for_host_user

    old, new = create_unit("XA-CU"), create_unit("XA-MOI")
    with app_context():
        operations.merge_org_units(old, new, reason="Sáp nhập đơn vị hành chính cấp xã")
        db.commit()
    state = types.SimpleNamespace(profile_loader=lambda _user: {
        "host_user_id": "7", "full_name": "Lò Văn Pọm", "org_unit_code": "XA-CU"})
    with app.test_request_context("/"), app_context():
        assert learner_for_host_user(object(), state).org_unit.code == "XA-MOI"


def test_two_changes_on_one_day_keep_the_trail(app_context, create_unit, create_learner, db, clock):
    clock(dt.date(2026, 4, 1))
    a, b, c = create_unit("A"), create_unit("B"), create_unit("C")
    person = create_learner(unit=a)
    with app_context():
        for unit in (b, c, None):
            operations.set_learner_unit(db.get(Learner, person.id), unit,
                                        source=MembershipSource.ADMIN)
        db.commit()
    day = dt.date(2026, 4, 1)
    assert [(code, start, end) for code, start, end, *_ in memberships(db, person.id)] == [
        ("A", day, day), ("B", day, day), ("C", day, day)]
    with app_context():
        assert queries.unit_of_learner_on(person.id, day) is None  # ended the day with none
        assert queries.unit_of_learner_on(person.id, dt.date(2026, 3, 31)) is None


def test_one_open_row_per_learner_in_the_database(app_context, create_unit, create_learner, db):
    unit = create_unit()
    person = create_learner(unit=unit)
    db.add(OrgUnitMembership(learner_id=person.id, org_unit_id=unit.id, valid_from=dt.date(2026, 1, 1),
                             source=MembershipSource.ADMIN))
    with pytest.raises(sa.exc.IntegrityError):
        db.flush()


# --- the past: transfers and unit moves ----------------------------------------------------

def test_subtree_members_on_a_past_date_after_a_transfer_and_a_unit_move(
        app_context, create_unit, create_learner, db, clock):
    clock(dt.date(2026, 1, 10))
    north, south = create_unit("BAC"), create_unit("NAM")
    museum = create_unit("BT", parent=north)
    theatre = create_unit("NH", parent=south)
    an = create_learner("Nguyễn Văn An", unit=museum)
    binh = create_learner("Trần Văn Bình", unit=theatre)
    with app_context():
        clock(dt.date(2026, 3, 1))  # An is transferred to the theatre
        operations.set_learner_unit(db.get(Learner, an.id), theatre, source=MembershipSource.ADMIN)
        clock(dt.date(2026, 6, 1))  # the theatre moves from the south to the north
        operations.move_org_unit(db.get(OrgUnit, theatre.id), db.get(OrgUnit, north.id))
        db.commit()
        february, april, july = dt.date(2026, 2, 1), dt.date(2026, 4, 1), dt.date(2026, 7, 1)
        assert queries.subtree_members_on(north.id, february) == {an.id: museum.id}
        assert queries.subtree_members_on(south.id, february) == {binh.id: theatre.id}
        assert queries.subtree_members_on(north.id, april) == {}
        assert queries.subtree_members_on(south.id, april) == {an.id: theatre.id, binh.id: theatre.id}
        assert queries.subtree_members_on(north.id, july) == {an.id: theatre.id, binh.id: theatre.id}
        assert queries.subtree_members_on(south.id, july) == {}
        assert queries.subtree_members_on(north.id, dt.date(2025, 12, 31)) == {}  # before records
        assert queries.unit_of_learner_on(an.id, february).code == "BT"
        assert queries.unit_of_learner_on(an.id, april).code == "NH"
        assert queries.unit_ids_of_learners_on([an.id, binh.id], february) == {
            an.id: museum.id, binh.id: theatre.id}
    parents = db.scalars(sa.select(OrgUnitParentPeriod).where(
        OrgUnitParentPeriod.org_unit_id == theatre.id).order_by(OrgUnitParentPeriod.id)).all()
    assert [(p.parent_id, p.valid_from, p.valid_to) for p in parents] == [
        (south.id, dt.date(2026, 1, 10), dt.date(2026, 6, 1)), (north.id, dt.date(2026, 6, 1), None)]


def test_a_subtree_is_one_query_whatever_its_size(app, app_context, create_unit, create_learner, db,
                                                  clock):
    clock(dt.date(2026, 1, 10))
    top = create_unit("TOP")
    parent = top
    for depth in range(4):
        parent = create_unit(parent=parent)
        for _ in range(3):
            create_learner(unit=parent)
    statements = []

    def count(*_args):
        statements.append(1)

    connection = db.connection()
    sa.event.listen(connection, "before_cursor_execute", count)
    try:
        with app_context():
            members = queries.subtree_members_on(top.id, dt.date(2026, 2, 1))
            everyone = queries.unit_ids_of_learners_on(list(members), dt.date(2026, 2, 1))
    finally:
        sa.event.remove(connection, "before_cursor_execute", count)
    assert len(members) == 12 and everyone == members
    assert len(statements) == 2


# --- closing, merging, deleting ------------------------------------------------------------

def test_merge_moves_members_with_the_reason_and_closes_the_source(
        app, app_context, create_unit, create_learner, db, clock):
    clock(dt.date(2025, 6, 30))
    province = create_unit("TINH")
    old = create_unit("XA-A", parent=province)
    village = create_unit("THON-1", parent=old)
    new = create_unit("XA-B", parent=province)
    people = [create_learner(unit=old), create_learner(unit=old)]
    stays = create_learner(unit=village)
    clock(dt.date(2025, 7, 1))
    reason = "Sắp xếp đơn vị hành chính cấp xã năm 2025"
    result = app.test_cli_runner().invoke(
        args=["lms", "merge-units", "XA-A", "XA-B", "--reason", reason])
    assert result.exit_code == 0, result.output
    db.expire_all()
    for person in people:
        assert memberships(db, person.id)[-1] == (
            "XA-B", dt.date(2025, 7, 1), None, MembershipSource.MERGE, reason)
    assert memberships(db, stays.id)[-1][0] == "THON-1"  # a sub-unit's people stay in it
    source = db.get(OrgUnit, old.id)
    assert (source.closed_on, source.merged_into_id) == (dt.date(2025, 7, 1), new.id)
    assert db.get(OrgUnit, village.id).parent_id == new.id
    [merged] = db.scalars(sa.select(AuditEvent).where(AuditEvent.action == "admin.units_merged")).all()
    assert merged.details["reason"] == reason and merged.details["members_moved"] == 2
    with app_context():
        # Yesterday the old commune held them; today the new one does.
        assert set(queries.subtree_members_on(old.id, dt.date(2025, 6, 30))) == {
            people[0].id, people[1].id, stays.id}
        assert set(queries.subtree_members_on(new.id, dt.date(2025, 7, 1))) == {
            people[0].id, people[1].id, stays.id}


def test_merge_needs_a_reason_and_an_open_target(app, create_unit, db):
    create_unit("XA-A"), create_unit("XA-B")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["lms", "merge-units", "XA-A", "XA-B", "--reason", "  "])
    assert result.exit_code == 1 and "lý do sáp nhập" in result.output
    result = runner.invoke(args=["lms", "merge-units", "XA-A", "NOPE", "--reason", "x"])
    assert result.exit_code == 1 and "NOPE" in result.output
    assert db.get(OrgUnit, queries_unit(db, "XA-A").id).closed_on is None


def test_a_unit_with_history_is_closed_never_deleted(app, client, create_unit, create_learner,
                                                     login, db):
    used, spare = create_unit("DA-DUNG"), create_unit("CHUA-DUNG")
    spare_id = spare.id
    person = create_learner(unit=used)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["lms", "close-unit", "DA-DUNG"])
    assert result.exit_code == 1 and "vẫn còn thành viên" in result.output  # still has a member
    other = create_unit("KHAC")
    admin = create_learner("Quản Trị", username="boss", roles=[Role.ADMIN], unit=other)
    login("boss")
    client.post(f"/admin/learners/{person.id}", data={
        "full_name": person.full_name, "staff_code": person.staff_code, "org_unit_id": other.id})
    result = runner.invoke(args=["lms", "delete-unit", "DA-DUNG"])
    assert result.exit_code == 1 and "không thể xóa" in result.output
    assert runner.invoke(args=["lms", "close-unit", "DA-DUNG"]).exit_code == 0
    db.expire_all()
    assert db.get(OrgUnit, used.id).closed_on is not None
    # Closed: gone from the pickers, still listed with its history.
    form = client.get("/admin/learners/new").get_data(as_text=True)
    assert "DA-DUNG" not in form and "KHAC" in form
    assert "DA-DUNG" in client.get("/admin/units").get_data(as_text=True)
    # A unit nobody ever used may be deleted.
    assert runner.invoke(args=["lms", "delete-unit", "CHUA-DUNG"]).exit_code == 0
    db.expire_all()
    assert db.get(OrgUnit, spare_id) is None
    [moved] = [e for e in db.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "learner.unit_changed")) if e.details["to"] == "KHAC"
        and e.object_id == str(person.id)]
    assert moved.actor_id == admin.id


def test_delete_refusal_is_translated(app, app_context, create_unit, create_learner, db):
    from flask_babel import force_locale

    unit = create_unit("DV")
    create_learner(unit=unit)
    with app_context(), app.test_request_context("/"), force_locale("vi"):
        with pytest.raises(operations.AccountError) as refused:
            operations.delete_org_unit(db.get(OrgUnit, unit.id))
    assert "không thể xóa" in str(refused.value)


def test_a_closed_unit_takes_no_one(app_context, create_unit, create_learner, db):
    unit, other = create_unit("DONG"), create_unit("MO")
    with app_context():
        operations.close_org_unit(db.get(OrgUnit, unit.id))
        person = create_learner(unit=other)
        with pytest.raises(operations.AccountError):
            operations.set_learner_unit(db.get(Learner, person.id), db.get(OrgUnit, unit.id),
                                        source=MembershipSource.ADMIN)
        with pytest.raises(operations.AccountError):
            operations.create_org_unit("CON", "Con", "Child", db.get(OrgUnit, unit.id))


# --- the migration -------------------------------------------------------------------------

def test_migration_keeps_every_row_and_creates_the_history(empty_database):
    """Today's schema (0007) with data, upgraded: nothing lost, one open membership per
    learner with a unit (from their creation date), one open parent row per unit, and
    completions given cycle 1 and their snapshot."""
    from lms.db import UTCDateTime
    from lms.migrations_runner import upgrade

    engine = empty_database
    upgrade("0007", engine=engine)
    when = dt.datetime(2026, 3, 15, 2, 0, tzinfo=dt.UTC)
    stamp = sa.bindparam("when", when, type_=UTCDateTime())
    with engine.begin() as connection:
        def run(sql):
            connection.execute(sa.text(sql).bindparams(stamp))

        run("INSERT INTO lms_org_units (id, code, name_vi, name_en, parent_id, path, created_dt) "
            "VALUES (1, 'SO', 'Sở', 'Department', NULL, '/1/', :when)")
        run("INSERT INTO lms_org_units (id, code, name_vi, name_en, parent_id, path, created_dt) "
            "VALUES (2, 'BT', 'Bảo tàng', 'Museum', 1, '/1/2/', :when)")
        for number, unit in ((1, "2"), (2, "NULL")):
            run("INSERT INTO lms_learners (id, full_name, search_name, org_unit_id, is_active, "
                f"created_dt, updated_dt) VALUES ({number}, 'Người {number}', 'nguoi', {unit}, "
                "true, :when, :when)")
        run("INSERT INTO lms_courses (id, code, version, topic, title_vi, title_en, summary_vi, "
            "summary_en, periods, minutes, pass_mark, is_mandatory, competences, search_text, "
            "is_published, pack_sha256, imported_dt, legal_references) VALUES (1, 'OLD01', 3, "
            "'cloud', 'Điện toán', 'Cloud', 'T', 'S', 2, 16, 70, false, '{}', 'x', true, 'x', "
            ":when, '[]')")
        run("INSERT INTO lms_enrollments (id, learner_id, course_id, course_code, enrolled_dt, "
            "lessons_done, last_activity_dt) VALUES (1, 1, 1, 'OLD01', :when, 0, :when)")
        run("INSERT INTO lms_course_completions (id, learner_id, course_code, course_id, "
            "completed_dt, score_percent) VALUES (1, 1, 'OLD01', 1, :when, 85.0)")
    tables = ("lms_org_units", "lms_learners", "lms_courses", "lms_enrollments",
              "lms_course_completions")
    with engine.connect() as connection:
        before = {t: connection.scalar(sa.text(f"SELECT count(*) FROM {t}")) for t in tables}
    upgrade("head", engine=engine)
    with engine.connect() as connection:
        after = {t: connection.scalar(sa.text(f"SELECT count(*) FROM {t}")) for t in tables}
        members = connection.execute(sa.text(
            "SELECT learner_id, org_unit_id, valid_from, valid_to, source "
            "FROM lms_org_unit_memberships")).all()
        parents = connection.execute(sa.text(
            "SELECT org_unit_id, parent_id, valid_from, valid_to FROM lms_org_unit_parents "
            "ORDER BY org_unit_id")).all()
        completion = connection.execute(sa.text(
            "SELECT cycle, course_version, periods, title_vi, title_en, org_unit_id, org_unit_code, "
            "org_unit_name_vi, org_unit_name_en, score_percent, expires_on "
            "FROM lms_course_completions")).one()
    assert after == before
    day = str(dt.date(2026, 3, 15))
    assert [(m[0], m[1], str(m[2]), m[3], m[4]) for m in members] == [(1, 2, day, None, "migration")]
    assert [(p[0], p[1], str(p[2]), p[3]) for p in parents] == [(1, None, day, None), (2, 1, day, None)]
    assert tuple(completion) == (1, 3, 2, "Điện toán", "Cloud", 2, "BT", "Bảo tàng", "Museum", 85.0,
                                 None)
    with engine.connect() as connection:  # the learner with records is now kept
        if engine.dialect.name == "sqlite":
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")  # as the LMS's engine does
        with pytest.raises(sa.exc.IntegrityError):
            connection.execute(sa.text("DELETE FROM lms_learners WHERE id = 1"))
        connection.rollback()


def test_migration_downgrades_and_upgrades_again(empty_database):
    from alembic import command

    from lms.migrations_runner import alembic_config, current_revision, upgrade

    upgrade("head", engine=empty_database)
    head = current_revision(empty_database)  # later features add revisions after 0008
    with empty_database.begin() as connection:
        command.downgrade(alembic_config(connection), "0007")
    assert current_revision(empty_database) == "0007"
    with empty_database.connect() as connection:
        assert not empty_database.dialect.has_table(connection, "lms_org_unit_memberships")
    upgrade("head", engine=empty_database)
    assert current_revision(empty_database) == head >= "0008"
