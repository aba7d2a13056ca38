"""One commit point (issue 8, point 7): every LMS view commits once when it returns and
rolls back when it raises; a request that leaves unfinished writes fails in testing."""
import pytest
import sqlalchemy as sa
from flask import abort

from lms.accounts import operations
from lms.accounts.models import Learner, OrgUnit, Role
from lms.db import UnfinishedWritesError, get_session, has_unfinished_writes, unit_of_work


@pytest.fixture
def admin(create_learner, login):
    person = create_learner("Quản Trị Viên", username="boss", roles=[Role.ADMIN])
    login("boss")
    return person


def test_every_lms_endpoint_goes_through_the_commit_point(app):
    lms_endpoints = [name for name in app.view_functions if name.startswith("lms.")]
    assert len(lms_endpoints) > 30
    unwrapped = [name for name in lms_endpoints
                 if not getattr(app.view_functions[name], "lms_committing", False)]
    assert unwrapped == []


def _write_then(monkeypatch, failure):
    """Make the deactivation write its row (and flush it), then fail with ``failure``."""
    real = operations.set_active

    def set_active_then_fail(learner, active, *, actor):
        real(learner, active, actor=actor)
        get_session().flush()
        failure()

    monkeypatch.setattr(operations, "set_active", set_active_then_fail)


def test_a_view_that_aborts_after_writing_rolls_back(client, admin, create_learner, db,
                                                     monkeypatch):
    """The flushed deactivation is rolled back by the wrapper: nothing is written, and
    the teardown guard finds nothing left over (it would raise if the wrapper had not)."""
    person = create_learner("Trần Thị Bình")
    _write_then(monkeypatch, lambda: abort(409))
    response = client.post(f"/admin/learners/{person.id}/active", data={"active": "0"})
    assert response.status_code == 409
    db.expire_all()
    assert db.get(Learner, person.id).is_active is True


def test_a_view_that_raises_rolls_back(app, client, admin, create_learner, db, monkeypatch):
    person = create_learner("Trần Thị Bình")

    def crash():
        raise RuntimeError("boom")

    _write_then(monkeypatch, crash)
    with pytest.raises(RuntimeError, match="boom"):  # TESTING propagates it
        client.post(f"/admin/learners/{person.id}/active", data={"active": "0"})
    db.expire_all()
    assert db.get(Learner, person.id).is_active is True


def test_a_view_that_returns_commits(client, admin, create_learner, db):
    person = create_learner("Trần Thị Bình")
    response = client.post(f"/admin/learners/{person.id}/active", data={"active": "0"})
    assert response.status_code == 302
    db.expire_all()
    assert db.get(Learner, person.id).is_active is False


@pytest.mark.parametrize("flush", [True, False], ids=["flushed", "pending"])
def test_a_request_that_leaves_unfinished_writes_fails_in_testing(app, client, db, flush):
    """An endpoint added after the LMS was set up skips the wrapper: its write is neither
    committed nor rolled back, and the request fails instead of dropping it silently."""

    def careless_view():
        get_session().add(OrgUnit(code="LOST", name_vi="Mất", name_en="Lost", path="/x/"))
        if flush:
            get_session().flush()
        return "ok"

    app.add_url_rule("/careless", "lms.careless", careless_view)
    with pytest.raises(UnfinishedWritesError):
        client.get("/careless")
    assert db.scalar(sa.select(OrgUnit).where(OrgUnit.code == "LOST")) is None


def test_a_read_only_request_outside_the_wrapper_is_fine(app, client, db):
    app.add_url_rule("/reader", "lms.reader",
                     lambda: str(get_session().scalar(sa.select(sa.func.count(OrgUnit.id)))))
    assert client.get("/reader").status_code == 200


def test_the_guard_sees_flushed_rows_until_the_transaction_ends(app, app_context, db):
    with app_context():
        assert not has_unfinished_writes(db)
        operations.create_org_unit("G1", "Đơn vị", "Unit", None)  # flushes
        assert not db.new and has_unfinished_writes(db)
        db.rollback()
        assert not has_unfinished_writes(db)
        operations.create_org_unit("G1", "Đơn vị", "Unit", None)
        db.commit()
        assert not has_unfinished_writes(db)


def test_unit_of_work_commits_or_rolls_back(app, app_context, db):
    with app_context():
        with unit_of_work():
            operations.create_org_unit("KEPT", "Giữ", "Kept", None)
        with pytest.raises(LookupError), unit_of_work():
            operations.create_org_unit("GONE", "Bỏ", "Gone", None)
            raise LookupError
        codes = set(db.scalars(sa.select(OrgUnit.code)))
    assert "KEPT" in codes and "GONE" not in codes
