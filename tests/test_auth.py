"""Sign-in, sign-out, password change and reset, throttling, CSRF, cookies."""
import re

import pytest
import sqlalchemy as sa

from lms.audit.models import AuditEvent
from tests.conftest import PASSWORD, csrf_token_from


def audit_actions(db):
    return [e.action for e in db.scalars(sa.select(AuditEvent).order_by(AuditEvent.id))]


def test_login_success_redirects_home_and_audits(client, create_learner, login, db):
    create_learner("Lò Thị Hoa", username="hoa")
    response = login("hoa")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "Lò Thị Hoa" in client.get("/").get_data(as_text=True)
    assert audit_actions(db)[-1] == "auth.login"


def test_username_is_case_insensitive(client, create_learner, login):
    create_learner(username="hoa")
    assert login("  HOA ").status_code == 302


@pytest.mark.parametrize("username, password", [("hoa", "wrong password"), ("nobody", PASSWORD)])
def test_wrong_user_or_password_get_the_same_message(client, create_learner, login, db,
                                                     username, password):
    create_learner(username="hoa")
    response = login(username, password)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in page
    assert audit_actions(db)[-1] == "auth.login_failed"


def test_deactivated_person_cannot_sign_in(client, create_learner, login, db):
    learner = create_learner(username="gone")
    learner.is_active = False
    db.commit()
    assert login("gone").status_code == 200
    assert client.get("/").status_code == 302


@pytest.mark.parametrize("target, expected", [
    ("/admin/units", "/admin/units"),
    ("https://evil.example/", "/"),
    ("//evil.example/", "/"),
    ("/\\evil.example", "/"),
])
def test_next_only_goes_to_local_paths(client, create_learner, target, expected):
    create_learner(username="hoa")
    response = client.post("/auth/login", data={"username": "hoa", "password": PASSWORD,
                                                "next": target})
    assert response.headers["Location"] == expected


def test_session_is_renewed_at_login(client, create_learner, login):
    create_learner(username="hoa")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    login("hoa")
    with client.session_transaction() as session:
        assert "planted" not in session


def test_logout_needs_post(client, create_learner, login):
    create_learner(username="hoa")
    login("hoa")
    assert client.get("/auth/logout").status_code == 405
    response = client.post("/auth/logout")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_change_password(client, create_learner, login, db):
    create_learner(username="hoa")
    login("hoa")
    response = client.post("/auth/password", data={
        "current_password": PASSWORD, "new_password": "a brand new passphrase",
        "confirm_password": "a brand new passphrase"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200  # still signed in after the change
    client.post("/auth/logout")
    assert login("hoa").status_code == 200  # the old password no longer works
    assert login("hoa", "a brand new passphrase").status_code == 302
    assert "auth.password_changed" in audit_actions(db)


@pytest.mark.parametrize("fields, message", [
    ({"current_password": "wrong password!", "new_password": "another passphrase",
      "confirm_password": "another passphrase"}, "Mật khẩu hiện tại không đúng."),
    ({"current_password": PASSWORD, "new_password": "short", "confirm_password": "short"},
     "10"),
    ({"current_password": PASSWORD, "new_password": "another passphrase",
      "confirm_password": "different passphrase"}, "không khớp"),
])
def test_change_password_errors(client, create_learner, login, fields, message):
    create_learner(username="hoa")
    login("hoa")
    response = client.post("/auth/password", data=fields)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)


def test_admin_reset_forces_a_change_and_ends_sessions(app, create_learner, db):
    admin = create_learner("Quản trị", username="boss", roles=["admin"])
    person = create_learner("Lò Thị Hoa", username="hoa")
    person_client, admin_client = app.test_client(), app.test_client()
    person_client.post("/auth/login", data={"username": "hoa", "password": PASSWORD})
    assert person_client.get("/").status_code == 200
    admin_client.post("/auth/login", data={"username": "boss", "password": PASSWORD})
    response = admin_client.post(f"/admin/learners/{person.id}/password-reset",
                                 follow_redirects=True)
    page = response.get_data(as_text=True)
    shown = re.search(r'hoa: <code class="lms-password" translate="no">(.*?)</code>', page).group(1)
    temporary = "".join(re.findall(r"<span>(\w+)</span>", shown))  # the groups, typed without gaps
    assert len(temporary) == 15
    # The person's existing session is over.
    assert person_client.get("/").status_code == 302
    # Signing in with the temporary password leads only to the change page.
    response = person_client.post("/auth/login", data={"username": "hoa", "password": temporary})
    assert response.headers["Location"] == "/auth/password"
    assert person_client.get("/").headers["Location"] == "/auth/password"
    person_client.post("/auth/password", data={
        "current_password": temporary, "new_password": "my own passphrase",
        "confirm_password": "my own passphrase"})
    assert person_client.get("/").status_code == 200
    assert "admin.password_reset" in audit_actions(db)
    assert admin.id != person.id


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_csrf_is_enforced(client, create_learner):
    create_learner(username="hoa")
    response = client.post("/auth/login", data={"username": "hoa", "password": PASSWORD})
    assert response.status_code == 200  # form redisplayed, not signed in
    assert "Biểu mẫu đã hết hạn" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302
    token = csrf_token_from(client.get("/auth/login").get_data(as_text=True))
    response = client.post("/auth/login", data={"username": "hoa", "password": PASSWORD,
                                                "csrf_token": token})
    assert response.status_code == 302
    # Sign-out without a token is refused too.
    response = client.post("/auth/logout")
    assert response.status_code == 400, response.headers.get("Location")
    assert client.get("/").status_code == 200


def test_session_cookie_flags(client, create_learner, login):
    create_learner(username="hoa")
    response = login("hoa")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_https_makes_cookies_secure(app, engine):
    from flask import Flask

    from lms import LMS

    secure_app = Flask("secure")
    secure_app.config.update(TESTING=True, PREFERRED_URL_SCHEME="https", SECRET_KEY="x" * 40)
    LMS(secure_app, engine=engine)
    assert secure_app.config["SESSION_COOKIE_SECURE"] is True
