"""Issue 13 in the browser, admin pages: dates typed as people type them (point 6), the
readable audit log (4), confirmation pages (8), credential slips (7), at 360 and 1280 px;
axe-core finds no serious or critical violation."""
import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("LMS_SCREENSHOTS")  # a folder: save what the test saw, to look at
WIDTHS = [360, 1280]


def shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def serious(page):
    return [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in Axe().run(page).response["violations"]
            if v["impact"] in ("serious", "critical")]


def no_sideways_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


@pytest.fixture
def admin_at(page, sign_in):
    def at(width: int):
        page.set_viewport_size({"width": width, "height": 800})
        sign_in("admin")
        vietnamese = page.get_by_role("button", name="Tiếng Việt")
        if vietnamese.count():  # the language is kept on the profile: a test may have changed it
            vietnamese.click()
            expect(page.locator("html")).to_have_attribute("lang", "vi")
        return page

    return at


@pytest.mark.parametrize("width", WIDTHS)
def test_dates_typed_as_people_type_them(admin_at, live_server, width):
    page = admin_at(width)
    page.goto(f"{live_server}/admin/learners/new")
    if page.get_by_role("button", name="Tiếng Việt").count():
        page.get_by_role("button", name="Tiếng Việt").click()
    page.get_by_label("Họ và tên").fill(f"Đinh Thị Ngày {width}")
    page.get_by_label("Mã cán bộ").fill(f"NGAY{width}")
    page.get_by_label("Đơn vị").select_option(label="— BT · Bảo tàng tỉnh")
    birth = page.get_by_label("Ngày sinh")
    assert birth.get_attribute("inputmode") is None
    birth.fill("31/02/1990")
    page.get_by_label("Ngày tuyển dụng").fill("2015-03-01")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_text("Tháng 2 năm 1990 không có ngày 31.").first).to_be_visible()
    expect(birth).to_have_value("31/02/1990")
    shot(page, f"dates-error-{width}")
    assert serious(page) == [] and no_sideways_scroll(page)
    birth.fill("5.9.1990")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url(lambda url: "/new" not in url)
    page.goto(page.url)  # the saved record, read back
    expect(page.get_by_label("Ngày sinh")).to_have_value("05/09/1990")
    expect(page.get_by_label("Ngày tuyển dụng")).to_have_value("01/03/2015")
    shot(page, f"dates-saved-{width}")


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", ["vi", "en"])
def test_audit_log_reads_as_sentences(admin_at, live_server, width, language):
    page = admin_at(width)
    page.goto(f"{live_server}/admin/audit")
    switch = page.get_by_role("button", name="English" if language == "en" else "Tiếng Việt")
    if switch.count():  # the choice is kept on the profile: another test may have made it
        switch.click()
        expect(page.locator("html")).to_have_attribute("lang", language)
    signed_in = "Quản Trị Viên đăng nhập." if language == "vi" else "Quản Trị Viên signed in."
    expect(page.locator(".lms-event-text").filter(has_text=signed_in).first).to_be_visible()
    expect(page.locator(".lms-event-text a").first).to_be_visible()
    assert page.locator("code:visible").count() == 0  # codes only inside "Recorded data"
    action = page.get_by_label("Thao tác" if language == "vi" else "Action")
    action.select_option("auth.login")
    page.get_by_label("Từ ngày" if language == "vi" else "From").fill("1/1/2020")
    page.get_by_role("button", name="Lọc" if language == "vi" else "Filter").click()
    expect(page.locator(".lms-event-text").first).to_contain_text(signed_in)
    shot(page, f"audit-{language}-{width}")
    assert no_sideways_scroll(page)
    assert serious(page) == []


@pytest.mark.parametrize("width", WIDTHS)
def test_deactivation_asks_on_its_own_page(admin_at, live_server, width):
    page = admin_at(width)
    page.goto(f"{live_server}/admin/learners?q=docgia")
    page.goto(f"{live_server}/admin/learners")
    page.get_by_role("link", name="Học Viên 2").click()
    page.get_by_role("link", name="Ngừng kích hoạt").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ngừng kích hoạt tài khoản của Học Viên 2?")
    shot(page, f"confirm-deactivate-{width}")
    assert serious(page) == [] and no_sideways_scroll(page)
    for target in (page.get_by_role("button", name="Ngừng kích hoạt"), page.get_by_role("link", name="Hủy")):
        assert target.bounding_box()["height"] >= 44
    page.get_by_role("link", name="Hủy").click()  # nothing happened: still active
    expect(page.get_by_role("link", name="Ngừng kích hoạt")).to_be_visible()


@pytest.mark.parametrize("width", WIDTHS)
def test_import_prints_credential_slips(admin_at, live_server, width, tmp_path):
    page = admin_at(width)
    page.goto(f"{live_server}/admin/import")
    data = ("Mã cán bộ,Họ và tên,Mã đơn vị,Tên đăng nhập\n"
            f"PH{width}A,Nguyễn Thị Phiếu,BT,phieu.a{width}\nPH{width}B,Trần Văn Phiếu,BT,phieu.b{width}\n")
    upload = tmp_path / "ds.csv"
    upload.write_text(data, encoding="utf-8")
    # Point 13: the file input speaks the page's language (test_browser_file_inputs.py
    # checks it further, and without JavaScript).
    expect(page.locator("label.lms-file-button")).to_have_text("Chọn tệp…")
    expect(page.locator(".lms-file-state")).to_have_text("Chưa chọn tệp")
    assert page.get_by_label("Tệp (CSV hoặc XLSX)").count() == 1
    page.locator("input[type=file]").set_input_files(str(upload))
    expect(page.locator(".lms-file-state")).to_have_text("ds.csv")
    shot(page, f"file-input-{width}")
    page.get_by_role("button", name="Kiểm tra và nhập").click()
    slips = page.locator(".lms-slip")
    expect(slips).to_have_count(2)
    for index in range(2):  # the password block fits its slip: nothing sticks out at 360 px
        slip, block = box(slips.nth(index)), box(slips.nth(index).locator(".lms-password"))
        assert block["x"] + block["width"] <= slip["x"] + slip["width"]
    assert no_sideways_scroll(page)
    shot(page, f"slips-screen-{width}")
    assert serious(page) == []
    page.emulate_media(media="print")
    expect(page.locator("header.lms-header")).to_be_hidden()
    expect(slips.first).to_be_visible()
    expect(page.get_by_role("button", name="Tải danh sách (CSV), một lần duy nhất")).to_be_hidden()
    shot(page, f"slips-print-{width}")
    page.emulate_media(media="screen")
    with page.expect_download() as download:
        page.get_by_role("button", name="Tải danh sách (CSV), một lần duy nhất").click()
    content = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert "Nguyễn Thị Phiếu" in content and content.count("\n") == 3


def box(locator):
    return locator.bounding_box()
