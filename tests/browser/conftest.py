"""Browser tests: Playwright drives Debian's Chromium against a live LMS server.

The live server has its own SQLite database (commits are real there), built by the
same migrations and seeded with an admin and a learner.
"""
from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from lms import create_app
from lms.migrations_runner import upgrade
from tests.conftest import PASSWORD, TEST_SECRET

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Playwright's own browser download is unreachable here: use Debian's Chromium with
    # the flags that stop it from waiting on the closed network (TECH-NOTES.md).
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"],
    }


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    folder = tmp_path_factory.mktemp("live")
    app = create_app({
        "TESTING": True, "SECRET_KEY": TEST_SECRET,
        "LMS_DATABASE_URL": f"sqlite:///{folder / 'live.sqlite3'}",
        "LMS_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        # The browser clicks through lessons in seconds; the minimum time is tested
        # without a browser (tests/courses/test_learning_time.py). The quiz still waits
        # for every lesson, as in production.
        "LMS_MIN_LESSON_SHARE": 0,
    })
    with app.app_context():
        upgrade()
        _seed()
    return app


def _seed() -> None:
    from lms.accounts import operations
    from lms.accounts.models import Role
    from lms.db import get_session

    department = operations.create_org_unit("SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch",
                                            "Department of Culture, Sports and Tourism", None)
    museum = operations.create_org_unit("BT", "Bảo tàng tỉnh", "Provincial Museum", department)
    admin = operations.create_learner(full_name="Quản Trị Viên", staff_code="QT01", org_unit=department)
    operations.create_account(admin, "admin", PASSWORD)
    operations.grant_role(admin, Role.ADMIN, None, actor=None)
    learner = operations.create_learner(full_name="Lò Thị Hoa", staff_code="NV01", org_unit=museum)
    operations.create_account(learner, "hocvien", PASSWORD)
    # Each browser test signs in as its own person: language choices and progress of
    # one test must not leak into another.
    for number, username in enumerate(("docgia", "thisinh", "tuhoc", "diemhoc", "ngoai", "trangchu"),
                                      start=2):
        person = operations.create_learner(full_name=f"Học Viên {number}", staff_code=f"NV0{number}",
                                           org_unit=museum)
        operations.create_account(person, username, PASSWORD)
    # An HR officer of the department (credit standings) and the shipped credit defaults.
    hr = operations.create_learner(full_name="Cán Bộ Tổ Chức", staff_code="TC01", org_unit=department)
    operations.create_account(hr, "nhansu", PASSWORD)
    operations.grant_role(hr, Role.HR, department, actor=None)
    from lms.credits.defaults import seed_defaults
    from lms.dates import today

    seed_defaults(today().year)
    # The standings read members and the tree of the cut-off day (30/11 by default); the
    # units and people made here exist from today, so the period's cut-off is moved to its end.
    from lms.credits.models import EmulationPeriod

    period = get_session().scalar(sa.select(EmulationPeriod))
    period.cutoff_on = period.ends_on
    get_session().commit()
    _import_shipped_packs()


def _import_shipped_packs() -> None:
    from courses.cli import SHIPPED_PACKS
    from courses.pack_files import read_folder
    from courses.pack_operations import import_pack
    from courses.pack_validation import validate_pack
    from lms.db import get_session
    from lms.extension import get_state

    for folder in sorted(SHIPPED_PACKS.iterdir()):
        pack, errors = validate_pack(read_folder(folder), get_state().pack_parts)
        assert errors == [], errors
        import_pack(pack, publish=True)
    get_session().commit()


@pytest.fixture(scope="session")
def live_server(live_app):
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    live_app.extensions["lms"].database.dispose()


@pytest.fixture
def sign_in(page, live_server):
    def do_sign_in(username: str):
        page.goto(f"{live_server}/auth/login")
        page.get_by_label("Tên đăng nhập").fill(username)
        page.get_by_label("Mật khẩu").fill(PASSWORD)
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_url(lambda url: "/auth/login" not in url)

    return do_sign_in
