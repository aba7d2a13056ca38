"""Issue 13, point 7: temporary passwords without look-alike characters, shown as a
readable block; after an import, printable slips and a one-time, encrypted CSV."""
import csv
import io
import re

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from lms.accounts import temporary_passwords
from lms.accounts.credential_sheets import CredentialSheet
from lms.accounts.models import Role
from lms.spreadsheet_safety import neutralise

LOOK_ALIKES = set("Il1O0o")


def test_temporary_passwords_have_no_look_alikes():
    for _ in range(300):
        password = temporary_passwords.generate()
        assert len(password) == 15 and not LOOK_ALIKES & set(password)
        assert set(password) <= set(temporary_passwords.ALPHABET)
    assert len(set(temporary_passwords.ALPHABET)) == 32  # 5 bits a character, 75 in all


@given(st.text(alphabet=temporary_passwords.ALPHABET, min_size=1, max_size=40))
def test_groups_rejoin_to_the_password(password):
    parts = temporary_passwords.groups(password)
    assert "".join(parts) == password and all(1 <= len(part) <= 5 for part in parts)


@given(st.text(max_size=20))
def test_slip_cells_are_formula_safe(value):
    safe = neutralise(value)
    assert not safe.startswith(("=", "+", "-", "@", "\t", "\r", "\n"))
    assert safe in (value, "'" + value)


@pytest.fixture
def admin(create_learner, login):
    person = create_learner("Quản Trị Viên", username="boss", roles=[Role.ADMIN])
    login("boss")
    return person


CSV_HEADER = "Mã cán bộ,Họ và tên,Mã đơn vị,Tên đăng nhập\n"


def import_file(client, rows: str):
    return client.post("/admin/import", data={
        "file": (io.BytesIO((CSV_HEADER + rows).encode("utf-8")), "ds.csv")},
        content_type="multipart/form-data")


def test_import_shows_slips_and_the_csv_downloads_once(client, admin, create_unit, db):
    create_unit("BT", name_vi="Bảo tàng tỉnh", name_en="Provincial Museum")
    page = import_file(client, "NV01,Lò Thị Hoa,BT,hoa\nNV02,=cmd|calc,BT,an.tv\n").get_data(as_text=True)
    slips = re.findall(r'<li class="lms-slip">(.*?)</li>', page, re.S)
    assert len(slips) == 2
    assert "Lò Thị Hoa" in slips[0] and "Bảo tàng tỉnh" in slips[0] and "NV01" in slips[0]
    assert "http://localhost/auth/login" in slips[0]
    shown = re.findall(r'<code class="lms-password" translate="no">(.*?)</code>', page)
    passwords = ["".join(re.findall(r"<span>(\w+)</span>", block)) for block in shown]
    assert all(len(p) == 15 and not LOOK_ALIKES & set(p) for p in passwords)
    # Kept encrypted: no password in the stored row.
    stored = db.scalars(sa.select(CredentialSheet.ciphertext)).one()
    assert all(p.encode() not in stored for p in passwords)
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    first = client.post("/admin/import/credentials", data={"token": token})
    assert first.status_code == 200 and first.mimetype == "text/csv"
    assert first.data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(first.data.decode("utf-8-sig"))))
    assert rows[0] == ["Họ và tên", "Mã cán bộ", "Đơn vị", "Tên đăng nhập", "Mật khẩu tạm thời",
                       "Địa chỉ đăng nhập"]
    assert [row[4] for row in rows[1:]] == passwords
    assert rows[2][0] == "'=cmd|calc"  # formula-safe
    assert b'"' in first.data.split(b"\r\n")[1][:1]  # every field quoted
    assert db.scalar(sa.select(sa.func.count()).select_from(CredentialSheet)) == 0
    second = client.post("/admin/import/credentials", data={"token": token}, follow_redirects=True)
    assert "đã được tải xuống hoặc đã hết hạn" in second.get_data(as_text=True)


def test_an_expired_or_forged_token_gets_nothing(client, admin, create_unit, db, app_context):
    create_unit("BT")
    page = import_file(client, "NV01,Lò Thị Hoa,BT,hoa\n").get_data(as_text=True)
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    assert client.post("/admin/import/credentials", data={"token": forged}).status_code == 302
    assert client.post("/admin/import/credentials", data={"token": "x" * 5000}).status_code == 302
    import datetime as dt

    from lms.accounts.credential_sheets import delete_expired

    db.execute(sa.update(CredentialSheet).values(
        expires_dt=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)))
    db.commit()
    assert client.post("/admin/import/credentials", data={"token": token}).status_code == 302
    assert db.scalar(sa.select(sa.func.count()).select_from(CredentialSheet)) == 1  # refused, kept
    with app_context():
        assert delete_expired() == 1
    assert db.scalar(sa.select(sa.func.count()).select_from(CredentialSheet)) == 0


def test_reset_password_shows_the_readable_block(client, admin, create_learner, db):
    hoa = create_learner("Lò Thị Hoa", username="hoa")
    page = client.post(f"/admin/learners/{hoa.id}/password-reset", follow_redirects=True).get_data(as_text=True)
    block = re.search(r'<code class="lms-password" translate="no">((?:<span>\w{1,5}</span>){3})</code>', page)
    assert block, page[:2000]
