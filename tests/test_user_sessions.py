"""Server-side sessions: a cookie dies at logout, after the idle timeout and past the
maximum lifetime; the open sessions are listed and the others can be ended, across two
app instances sharing one database (two app servers)."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from lms.auth.models import EndReason, UserSession
from lms.db import utcnow
from tests.conftest import PASSWORD, make_test_config

CHROME_WINDOWS = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
                  "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36")
SAFARI_IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
                 "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1")


def sign_in(client, username="hoa", *, agent=CHROME_WINDOWS, address="192.0.2.10"):
    response = client.post("/auth/login", data={"username": username, "password": PASSWORD},
                           headers={"User-Agent": agent},
                           environ_overrides={"REMOTE_ADDR": address})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def rows(db, learner):
    db.expire_all()
    return list(db.scalars(sa.select(UserSession).where(UserSession.user_id == learner.user_id)
                           .order_by(UserSession.id)))


def signed_in(client) -> bool:
    response = client.get("/my-learning")
    if response.status_code == 302:
        assert response.headers["Location"].startswith("/auth/login")
        return False
    assert response.status_code == 200
    return True


@pytest.fixture
def second_app(engine, db, tmp_path):
    """Another LMS app (another app server) on the same database and secret key."""
    from flask import Flask

    from lms.extension import LMS

    other = Flask("lms", instance_path=str(tmp_path / "other"), static_folder=None)
    other.config.update(make_test_config())
    LMS(other, engine=engine)
    other.extensions["lms"].database.bind_sessions_to(db.get_bind())
    return other


def test_sign_in_records_a_session_with_only_the_token_hash(client, create_learner, db):
    learner = create_learner(username="hoa")
    sign_in(client)
    [row] = rows(db, learner)
    with client.session_transaction() as session:
        token = session["lms_sid"]
    assert row.token_hash != token and len(row.token_hash) == 64
    assert row.ip_address == "192.0.2.10"
    assert row.user_agent == "Chrome · Windows"
    assert row.ended_dt is None


def test_cookie_replayed_after_logout_is_sent_to_sign_in(client, create_learner, db):
    learner = create_learner(username="hoa")
    sign_in(client)
    assert signed_in(client)
    stolen = client.get_cookie("session").value
    client.post("/auth/logout")
    [row] = rows(db, learner)
    assert row.ended_reason == EndReason.LOGOUT and row.ended_dt is not None
    client.set_cookie("session", stolen)
    assert not signed_in(client)


def test_idle_timeout_ends_a_session(client, create_learner, db, app):
    learner = create_learner(username="hoa")
    sign_in(client)
    idle = dt.timedelta(minutes=app.config["LMS_SESSION_IDLE_MINUTES"])
    [row] = rows(db, learner)
    # Active a little less than the idle time ago: still open, and "last seen" moves on.
    row.last_seen_dt = utcnow() - idle + dt.timedelta(minutes=2)
    db.commit()
    assert signed_in(client)
    [row] = rows(db, learner)
    assert utcnow() - row.last_seen_dt < dt.timedelta(minutes=1)
    # Silent for longer than the idle time: over.
    row.last_seen_dt = utcnow() - idle - dt.timedelta(seconds=5)
    db.commit()
    assert not signed_in(client)


def test_last_seen_is_written_at_most_once_a_minute(client, create_learner, db):
    learner = create_learner(username="hoa")
    sign_in(client)
    [row] = rows(db, learner)
    first_seen = row.last_seen_dt
    for _ in range(5):
        assert signed_in(client)
    assert rows(db, learner)[0].last_seen_dt == first_seen


def test_maximum_lifetime_ends_an_active_session(client, create_learner, db, app):
    learner = create_learner(username="hoa")
    sign_in(client)
    [row] = rows(db, learner)
    row.created_dt = utcnow() - dt.timedelta(hours=app.config["LMS_SESSION_MAX_HOURS"], seconds=5)
    row.last_seen_dt = utcnow()  # in use a second ago: the lifetime still ends it
    db.commit()
    assert not signed_in(client)


def test_unknown_token_is_signed_out(client, create_learner, db):
    create_learner(username="hoa")
    sign_in(client)
    with client.session_transaction() as session:
        session["lms_sid"] = "made-up-token"
    assert not signed_in(client)


def test_sessions_list_and_end_others_across_two_app_servers(app, second_app, create_learner, db):
    learner = create_learner(username="hoa")
    office = app.test_client()
    phone = second_app.test_client()
    sign_in(office, agent=CHROME_WINDOWS, address="192.0.2.10")
    sign_in(phone, agent=SAFARI_IPHONE, address="198.51.100.7")
    # The phone's server lists both sessions, whichever server recorded them.
    page = phone.get("/auth/sessions").get_data(as_text=True)
    assert "Chrome · Windows" in page and "192.0.2.10" in page
    assert "Safari · iOS" in page and "198.51.100.7" in page
    assert "(phiên này)" in page
    # The office cookie also works on the other server (same secret, same database)...
    office_cookie = office.get_cookie("session").value
    roaming = second_app.test_client()
    roaming.set_cookie("session", office_cookie)
    assert signed_in(roaming)
    # ...until the phone ends the other sessions: then on neither server.
    response = phone.post("/auth/sessions/end-others", follow_redirects=True)
    assert "Đã kết thúc 1 phiên đăng nhập khác." in response.get_data(as_text=True)
    assert not signed_in(office)
    assert not signed_in(roaming)
    assert signed_in(phone)
    reasons = [row.ended_reason for row in rows(db, learner)]
    assert reasons == [EndReason.ENDED_BY_USER, None]


def test_logout_on_one_server_ends_the_session_on_the_other(app, second_app, create_learner, db):
    create_learner(username="hoa")
    client = app.test_client()
    sign_in(client)
    cookie = client.get_cookie("session").value
    client.post("/auth/logout")
    other = second_app.test_client()
    other.set_cookie("session", cookie)
    assert not signed_in(other)


def test_own_password_change_ends_the_other_sessions_only(app, create_learner, db):
    learner = create_learner(username="hoa")
    here, there = app.test_client(), app.test_client()
    sign_in(here)
    sign_in(there)
    response = here.post("/auth/password", data={
        "current_password": PASSWORD, "new_password": "a brand new passphrase",
        "confirm_password": "a brand new passphrase"})
    assert response.status_code == 302
    assert signed_in(here)
    assert not signed_in(there)
    assert [row.ended_reason for row in rows(db, learner)] == [None, EndReason.PASSWORD_CHANGED]


def test_deactivation_ends_every_session(app, create_learner, db):
    create_learner("Quản trị", username="boss", roles=["admin"])
    person = create_learner(username="hoa")
    person_client, admin = app.test_client(), app.test_client()
    sign_in(person_client)
    sign_in(admin, "boss")
    admin.post(f"/admin/learners/{person.id}/active", data={"active": "0"})
    assert [row.ended_reason for row in rows(db, person)] == [EndReason.DEACTIVATED]
    # Reactivation does not bring the old session back.
    admin.post(f"/admin/learners/{person.id}/active", data={"active": "1"})
    assert not signed_in(person_client)


def test_admin_reset_ends_every_session(app, create_learner, db):
    create_learner("Quản trị", username="boss", roles=["admin"])
    person = create_learner(username="hoa")
    first, second, admin = app.test_client(), app.test_client(), app.test_client()
    sign_in(first)
    sign_in(second)
    sign_in(admin, "boss")
    admin.post(f"/admin/learners/{person.id}/password-reset")
    assert [row.ended_reason for row in rows(db, person)] == [EndReason.PASSWORD_RESET] * 2
    assert not signed_in(first) and not signed_in(second)


def test_sign_in_tells_last_sign_in_and_password_change(app, create_learner, db):
    create_learner(username="hoa")
    client = app.test_client()
    sign_in(client)
    page = client.get("/").get_data(as_text=True)
    assert "Đây là lần đăng nhập đầu tiên" in page
    assert "Mật khẩu được đổi lần gần nhất vào" in page
    client.post("/auth/logout")
    sign_in(client)
    page = client.get("/").get_data(as_text=True)
    assert "Lần đăng nhập trước của anh/chị vào" in page


@pytest.mark.parametrize("agent, expected", [
    (CHROME_WINDOWS, "Chrome · Windows"),
    (SAFARI_IPHONE, "Safari · iOS"),
    ("Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", "Firefox · Linux"),
    ("Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 "
     "Mobile Safari/537.36", "Chrome · Android"),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/131.0 Safari/537.36 Edg/131.0", "Edge · Windows"),
    ("curl/8.5.0", None),
    ("", None),
])
def test_device_description(agent, expected):
    from lms.auth.user_sessions import describe_user_agent

    assert describe_user_agent(agent) == expected
