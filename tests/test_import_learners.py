"""Bulk import of learners: every row checked first, all-or-nothing, idempotent.

The files and the upload are in tests/learner_import_files.py, the ``units`` and
``admin_client`` fixtures in tests/conftest.py (tests/test_import_hostile.py uses them too)."""
import io

import pytest
import sqlalchemy as sa

from lms.accounts.models import Gender, Learner, LearnerCategory
from lms.audit.models import AuditEvent
from tests.learner_import_files import GOOD_ROWS, HEADER, csv_bytes, imported, upload, xlsx_bytes


@pytest.mark.parametrize("bom", [True, False])
def test_valid_csv_is_imported(admin_client, units, db, bom):
    response = upload(admin_client, csv_bytes(*GOOD_ROWS, bom=bom))
    assert response.status_code == 200
    assert "2 học viên được tạo mới, 0 được cập nhật" in response.get_data(as_text=True)
    learners = imported(db)
    lan = learners["NV001"]
    assert lan.full_name == "Nguyễn Thị Lan"
    assert lan.org_unit.code == "SVHTTDL"
    assert lan.birth_date.isoformat() == "1985-03-15"
    assert (lan.gender, lan.category) == (Gender.FEMALE, LearnerCategory.CONG_CHUC)
    assert lan.search_name == "nguyen thi lan"
    assert learners["NV002"].org_unit.code == "BT"
    event = db.scalars(sa.select(AuditEvent).where(AuditEvent.action == "admin.learners_imported")).one()
    assert event.details["created"] == 2


def test_xlsx_is_imported(admin_client, units, db):
    import datetime as dt

    data = xlsx_bytes([
        ["Mã cán bộ", "Họ và tên", "Mã đơn vị", "Ngày sinh"],
        [1234, "Đặng Thu Hà", "BT", dt.datetime(1991, 5, 20)],
    ])
    upload(admin_client, data, "ds.xlsx")
    learner = db.scalars(sa.select(Learner).where(Learner.staff_code == "1234")).one()
    assert learner.full_name == "Đặng Thu Hà"
    assert learner.birth_date == dt.date(1991, 5, 20)


def test_reimport_changes_nothing_and_changed_row_updates(admin_client, units, db):
    upload(admin_client, csv_bytes(*GOOD_ROWS))
    first = {code: learner.updated_dt for code, learner in imported(db).items()}
    page = upload(admin_client, csv_bytes(*GOOD_ROWS)).get_data(as_text=True)
    assert {code: learner.updated_dt for code, learner in imported(db).items()} == first
    assert "0 học viên được tạo mới, 0 được cập nhật, 2 không thay đổi" in page
    changed = GOOD_ROWS[1].replace("Thuyết minh viên", "Phó Giám đốc Bảo tàng")
    upload(admin_client, csv_bytes(GOOD_ROWS[0], changed))
    learners = imported(db)
    assert len(learners) == 2
    assert learners["NV002"].position == "Phó Giám đốc Bảo tàng"
    assert learners["NV001"].updated_dt == first["NV001"]
    counts = [event.details for event in db.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "admin.learners_imported")
        .order_by(AuditEvent.id))]
    assert [(c["created"], c["updated"], c["unchanged"]) for c in counts] == [
        (2, 0, 0), (0, 0, 2), (0, 1, 1)]


BAD_FILES = {
    "wrong encoding": (csv_bytes(*GOOD_ROWS, encoding="utf-16"), "a.csv", "UTF-8"),
    "legacy Windows encoding": (csv_bytes(*GOOD_ROWS, encoding="cp1258"), "a.csv", "UTF-8"),
    "missing column": (csv_bytes("NV001,Nguyễn Thị Lan", header="Mã cán bộ,Họ và tên"),
                       "a.csv", "Mã đơn vị"),
    "duplicate staff code": (csv_bytes(GOOD_ROWS[0], GOOD_ROWS[0].replace("Lan", "Liên")),
                             "a.csv", "dòng 2"),
    "unknown unit": (csv_bytes(GOOD_ROWS[0].replace("SVHTTDL", "KHONGCO")), "a.csv", "KHONGCO"),
    "empty file": (b"", "a.csv", "trống"),
    "header only": (csv_bytes(), "a.csv", "chưa có dòng dữ liệu"),
    "not really xlsx": (b"Ma can bo,Ho ten\n1,2\n", "a.xlsx", "không phải"),
    "formula cell": (xlsx_bytes([["Mã cán bộ", "Họ và tên", "Mã đơn vị"],
                                 ["NV001", "=HYPERLINK(\"http://x\",\"Lan\")", "SVHTTDL"]]),
                     "a.xlsx", "công thức"),
    "bad date": (csv_bytes(GOOD_ROWS[0].replace("15/03/1985", "31/02/1985")), "a.csv", "31/02/1985"),
    "bad gender": (csv_bytes(GOOD_ROWS[0].replace(",Nữ,", ",X,")), "a.csv", "Giới tính"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_file_gives_clear_error_and_writes_nothing(admin_client, units, db, case):
    data, filename, expected = BAD_FILES[case]
    response = upload(admin_client, data, filename)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert expected in page, page[page.find("lms-error-summary"):][:600]
    assert imported(db) == {}
    assert db.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                     .where(AuditEvent.action == "admin.learners_imported")) == 0


def test_errors_name_row_and_column(admin_client, units, db):
    rows = [GOOD_ROWS[0], "NV003,,SVHTTDL,,,,,,", "NV004,Hà Văn Tú,NOWHERE,,,,,,"]
    page = upload(admin_client, csv_bytes(*rows)).get_data(as_text=True)
    assert "<td>3</td><td>NV003 · —</td><td>Họ và tên</td>" in page
    assert "<td>4</td><td>NV004 · Hà Văn Tú</td><td>Mã đơn vị</td>" in page
    assert imported(db) == {}


def test_import_only_valid_rows_when_asked(admin_client, units, db):
    rows = [GOOD_ROWS[0], "NV004,Hà Văn Tú,NOWHERE,,,,,,"]
    upload(admin_client, csv_bytes(*rows), only_valid=True)
    assert set(imported(db)) == {"NV001"}


def test_formula_looking_text_in_csv_is_stored_as_text(admin_client, units, db):
    row = "NV005,=1+2 Nguyễn,SVHTTDL,,,,@chuyên viên,,"
    upload(admin_client, csv_bytes(row))
    learner = imported(db)["NV005"]
    assert learner.full_name == "=1+2 Nguyễn"
    assert learner.position == "@chuyên viên"


def test_usernames_create_accounts_with_temporary_passwords(admin_client, units, db):
    header = HEADER + ",Tên đăng nhập"
    page = upload(admin_client, csv_bytes(GOOD_ROWS[0] + ",lan.nt", header=header)).get_data(as_text=True)
    learner = imported(db)["NV001"]
    assert learner.user.username == "lan.nt"
    assert learner.user.must_change_password is True
    assert "lan.nt" in page


def test_cli_import(app, units, db, tmp_path):
    path = tmp_path / "ds.csv"
    path.write_bytes(csv_bytes(*GOOD_ROWS))
    result = app.test_cli_runner().invoke(args=["lms", "import-users", str(path)])
    assert result.exit_code == 0, result.output
    assert set(imported(db)) == {"NV001", "NV002"}
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes(GOOD_ROWS[0].replace("SVHTTDL", "KHONGCO")))
    result = app.test_cli_runner().invoke(args=["lms", "import-users", str(bad)])
    assert result.exit_code == 1
    assert "KHONGCO" in result.output


@pytest.mark.parametrize("app_config", [{"LMS_MAX_UPLOAD_BYTES": 1000}])
def test_an_import_file_over_the_limit_is_a_form_error(client, create_learner, login, db):
    """Just over the limit (inside the routing guard's margin): the form's size rule
    answers, in Vietnamese, and nothing is read or imported."""
    create_learner(username="hoa", roles=["admin"])
    login("hoa")
    before = db.scalar(sa.select(sa.func.count(Learner.id)))
    body = "staff_code,full_name\n" + "".join(f"X{n:04d},Người {n}\n" for n in range(80))
    assert len(body.encode()) > 1000
    response = client.post("/admin/import", data={"file": (io.BytesIO(body.encode()), "a.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 200
    assert "Tệp vượt quá 1 kB, dung lượng tối đa được phép tải lên." in response.get_data(as_text=True)
    assert db.scalar(sa.select(sa.func.count(Learner.id))) == before
