"""Names, usernames and codes refuse control, bidi-override and zero-width characters in
the admin forms and the first-admin command (the learner import is covered in
tests/test_import_hostile.py), with a translated message on the field."""
import pytest
import sqlalchemy as sa

from lms.accounts.models import Learner, OrgUnit, Role, User
from lms.accounts.text_rules import refused_character

REFUSED = {
    "right-to-left override": "\u202e",
    "left-to-right isolate": "\u2066",
    "zero-width space": "\u200b",
    "zero-width joiner": "\u200d",
    "byte order mark": "\ufeff",
    "soft hyphen": "\u00ad",
    "escape": "\x1b",
    "line separator": "\u2028",
    "private use": "\ue000",
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_the_rule_refuses(name):
    assert refused_character(f"Nguyễn{REFUSED[name]}Văn An") == f"U+{ord(REFUSED[name]):04X}"


@pytest.mark.parametrize("text", ["Nguyễn Văn An", "Lò Thị Hoa", "Nguyễn Văn An\t", " Đặng  Thu Hà ",
                                  "H'Hen Niê", "Nguye\u0302\u0303n"])  # decomposed too: NFC fixes it
def test_the_rule_accepts_real_names(text):
    assert refused_character(text) is None


@pytest.fixture
def admin(create_learner, login):
    person = create_learner("Quản Trị Viên", username="boss", roles=[Role.ADMIN])
    login("boss")
    return person


MESSAGE = "ký tự ẩn hoặc ký tự điều khiển (U+202E)"


@pytest.mark.parametrize("field, value", [
    ("full_name", "Nguyễn\u202eVăn An"),
    ("staff_code", "NV\u202e300"),
    ("position", "Chuyên\u202eviên"),
    ("username", "nguoi\u202emoi"),
    ("email", "a\u202e@example.vn"),
])
def test_the_learner_form_refuses_them_on_the_field(client, admin, create_unit, db, field, value):
    unit = create_unit()
    data = {"full_name": "Người Mới", "staff_code": "NV300", "org_unit_id": unit.id,
            "username": "nguoi.moi", field: value}
    response = client.post("/admin/learners/new", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'id="{field}-error"' in page and MESSAGE in page
    assert db.scalar(sa.select(Learner).where(Learner.full_name.like("%\u202e%"))) is None
    assert db.scalar(sa.select(User).where(User.username == "nguoi.moi")) is None


def test_the_learner_form_takes_the_username_rule_of_the_import(client, admin, create_unit, db):
    unit = create_unit()
    response = client.post("/admin/learners/new", data={
        "full_name": "Người Mới", "staff_code": "NV301", "org_unit_id": unit.id, "username": "a b"})
    assert 'id="username-error"' in response.get_data(as_text=True)
    assert db.scalar(sa.select(Learner).where(Learner.staff_code == "NV301")) is None


@pytest.mark.parametrize("field, value", [
    ("code", "SV\u200bH"), ("name_vi", "Sở\u200bVăn hóa"), ("name_en", "Culture\u2066"),
])
def test_the_unit_form_refuses_them(client, admin, db, field, value):
    data = {"code": "SVH", "name_vi": "Sở Văn hóa", "name_en": "Culture", "parent_id": 0, field: value}
    page = client.post("/admin/units/new", data=data).get_data(as_text=True)
    assert f'id="{field}-error"' in page and "ký tự ẩn hoặc ký tự điều khiển" in page
    assert db.scalar(sa.select(sa.func.count()).select_from(OrgUnit)) == 0


@pytest.mark.parametrize("args", [["chief\u202e"], ["chief", "--full-name", "Trưởng\u200bphòng"],
                                  ["a b"]])
def test_the_first_admin_command_refuses_them(app, db, args):
    result = app.test_cli_runner().invoke(args=["lms", "create-admin", *args, "--password-stdin"],
                                          input="a long enough password\n")
    assert result.exit_code == 1
    assert "invisible" in result.output or "username has" in result.output
    assert db.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_an_existing_account_with_an_older_username_can_still_be_edited(client, admin, create_unit,
                                                                        create_learner, db):
    unit = create_unit()
    person = create_learner("Người Cũ", username="Nguoi Cu", unit=unit, staff_code="NV400")
    response = client.post(f"/admin/learners/{person.id}", data={
        "full_name": "Người Cũ Đổi Tên", "staff_code": "NV400", "org_unit_id": unit.id,
        "username": "nguoi cu"})
    assert response.status_code == 302
    db.expire_all()
    assert db.get(Learner, person.id).full_name == "Người Cũ Đổi Tên"
