"""New passwords: common ones and those built from the person's details are refused with
a translated reason, on every path that sets one; change-password failures are throttled."""
from __future__ import annotations

import pytest

from tests.conftest import PASSWORD

PERSONAL = "Mật khẩu này được tạo từ tên đăng nhập, họ tên, mã cán bộ hoặc thư điện tử"
COMMON = "Mật khẩu này quá phổ biến hoặc quá dễ đoán"


def change(client, new, current=PASSWORD):
    return client.post("/auth/password", data={"current_password": current,
                                               "new_password": new, "confirm_password": new})


@pytest.mark.parametrize("new_password, reason", [
    ("aaaaaaaaaa", COMMON),
    ("Password123!", COMMON),
    ("qwertyuiop123", COMMON),
    ("matkhau12345", COMMON),       # "password" in Vietnamese
    ("anhyeuem123456", COMMON),     # a Vietnamese favourite of the leak lists
    ("tranthilan2024", PERSONAL),   # the full name without accents
    ("Trần Thị Lan 1990", PERSONAL),
    ("lanTranThi!!", PERSONAL),     # given name first
    ("tranlan.2024", PERSONAL),     # the username
    ("NV0042abc2024", PERSONAL),    # the staff code
    ("lan.tran@so.gov.vn", PERSONAL),
])
def test_weak_or_personal_passwords_are_refused(client, create_learner, login, db,
                                                new_password, reason):
    create_learner("Trần Thị Lan", username="tranlan", staff_code="NV0042",
                   email="lan.tran@so.gov.vn")
    login("tranlan")
    response = change(client, new_password)
    assert response.status_code == 200
    assert reason in response.get_data(as_text=True)
    client.post("/auth/logout")
    assert login("tranlan").status_code == 302  # the old password still works


@pytest.mark.parametrize("new_password", ["a brand new passphrase", "hoàng hôn trên sông Hương",
                                          "bananas split in the sundae"])
def test_good_passphrases_are_accepted(client, create_learner, login, new_password):
    create_learner("Lò Thị Hoa", username="hoa")
    login("hoa")
    assert change(client, new_password).status_code == 302


def test_english_reason(client, create_learner, login):
    create_learner(username="hoa")
    login("hoa")
    client.post("/language", data={"locale": "en", "next": "/auth/password"})
    page = change(client, "aaaaaaaaaa").get_data(as_text=True)
    assert "This password is too common or too easy to guess." in page


def test_account_creation_refuses_weak_passwords(app, app_context, create_learner):
    from lms.accounts import operations

    learner = create_learner("Phạm Minh Tuấn")
    with app_context():
        with pytest.raises(operations.AccountError, match="thư điện tử"):
            operations.create_account(learner, "tuanpm", "phamminhtuan1")
        with pytest.raises(operations.AccountError, match="phổ biến"):
            operations.create_account(learner, "tuanpm", "1234567890")


def test_cli_create_admin_refuses_a_common_password(app, db):
    result = app.test_cli_runner().invoke(
        args=["lms", "create-admin", "chief", "--password-stdin"], input="password1234\n")
    assert result.exit_code != 0
    assert "phổ biến" in result.output


def test_temporary_passwords_pass_the_rules(app, app_context, create_learner):
    from lms.accounts import operations
    from lms.accounts.password_policy import PasswordRules, password_problem

    learner = create_learner("Phạm Minh Tuấn", staff_code="NV0001")
    with app_context():
        rules = PasswordRules.from_config(app.config)
        for _ in range(20):
            password = operations.new_temporary_password(learner, "tuanpm")
            assert password_problem(password, rules, username="tuanpm",
                                    full_name=learner.full_name, staff_code="NV0001") is None


def test_temporary_password_is_drawn_again_when_it_breaks_the_rules(app, create_learner, db,
                                                                    monkeypatch):
    """Admin create, admin reset and import all take new_temporary_password."""
    from lms.accounts import operations, temporary_passwords

    draws = iter(["nv2345nv2345nv2", "k7hmx4tqp9wnc2e"])  # the first spells the staff code
    monkeypatch.setattr(temporary_passwords, "generate", lambda: next(draws))
    learner = create_learner("Phạm Minh Tuấn", staff_code="NV2345")
    with app.app_context():
        assert operations.new_temporary_password(learner, "tuanpm") == "k7hmx4tqp9wnc2e"


@pytest.mark.parametrize("app_config", [{"LMS_PASSWORD_CHANGE_FAILURES": "2 per 15 minutes"}])
def test_change_password_failures_are_throttled(client, create_learner, login, db):
    create_learner(username="hoa")
    login("hoa")
    for _ in range(2):
        response = change(client, "a brand new passphrase", current="not my password")
        assert "Mật khẩu hiện tại không đúng." in response.get_data(as_text=True)
    # Now even the right current password waits.
    response = change(client, "a brand new passphrase")
    assert response.status_code == 429
    assert 60 < int(response.headers["Retry-After"]) <= 15 * 60
    assert "Vui lòng thử lại sau" in response.get_data(as_text=True)
    client.post("/auth/logout")
    assert login("hoa").status_code == 302  # unchanged, and sign-in itself is not blocked
