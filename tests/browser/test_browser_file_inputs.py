"""Issue 13, point 13: file inputs in the page's language. With JavaScript the browser's
own "Choose File / No file chosen" (in the computer's language) gives way to a label and a
status in the page's language; without it the native input stays and still uploads.
Checked on the admin's learner import at 360 and 1280 px; axe-core finds no serious or
critical violation."""
import os

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.conftest import PASSWORD

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


def csv_file(tmp_path, tag):
    upload = tmp_path / f"danh-sach-{tag}.csv"
    upload.write_text("Mã cán bộ,Họ và tên,Mã đơn vị,Tên đăng nhập\n"
                      f"FI{tag},Phạm Thị Tệp,BT,tep.{tag}\n", encoding="utf-8")
    return upload


def sign_in_as_admin(page, live_server, width):
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(f"{live_server}/auth/login")
    page.get_by_label("Tên đăng nhập").fill("admin")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(lambda url: "/auth/login" not in url)
    vietnamese = page.get_by_role("button", name="Tiếng Việt")
    if vietnamese.count():  # the language is kept on the profile: a test may have changed it
        vietnamese.click()
        expect(page.locator("html")).to_have_attribute("lang", "vi")


@pytest.mark.parametrize("width", WIDTHS)
def test_with_javascript_the_file_input_speaks_vietnamese(page, live_server, width, tmp_path):
    sign_in_as_admin(page, live_server, width)
    page.goto(f"{live_server}/admin/import")
    field = page.locator(".lms-file")
    expect(field).to_have_class("lms-file lms-file-enhanced")
    button, state = field.locator(".lms-file-button"), field.locator(".lms-file-state")
    native = page.get_by_label("Tệp (CSV hoặc XLSX)")
    expect(button).to_be_visible()
    expect(button).to_have_text("Chọn tệp…")
    expect(state).to_have_text("Chưa chọn tệp")
    expect(state).to_have_attribute("aria-live", "polite")
    # The native control is hidden visually only: still there, still focusable.
    assert native.bounding_box()["width"] <= 1 and native.evaluate("e => getComputedStyle(e).display") != "none"
    assert button.bounding_box()["height"] >= 44
    # Its label, hint and error links stay, and the status is read with it.
    described = native.get_attribute("aria-describedby").split()
    assert described[-1] == state.get_attribute("id")
    assert all(page.locator(f"#{part}").count() == 1 for part in described)
    assert serious(page) == [] and no_sideways_scroll(page)
    shot(page, f"file-input-none-{width}")

    # The keyboard reaches the input, and its focus ring is drawn on the label.
    page.get_by_role("heading", level=1).click()
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.type") == "file":
            break
    expect(native).to_be_focused()
    assert button.evaluate("e => getComputedStyle(e).outlineStyle") == "solid"
    shot(page, f"file-input-focus-{width}")

    upload = csv_file(tmp_path, f"js{width}")
    native.set_input_files(str(upload))
    expect(state).to_have_text(upload.name)
    assert serious(page) == [] and no_sideways_scroll(page)
    shot(page, f"file-input-chosen-{width}")
    page.get_by_role("button", name="Kiểm tra và nhập").click()
    expect(page.locator(".lms-slip")).to_have_count(1)


def test_without_javascript_the_native_input_shows_and_uploads(browser, live_server, tmp_path):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 800})
    page = context.new_page()
    try:
        sign_in_as_admin(page, live_server, 360)
        page.goto(f"{live_server}/admin/import")
        native = page.get_by_label("Tệp (CSV hoặc XLSX)")
        expect(native).to_be_visible()
        assert native.bounding_box()["width"] > 200 and native.bounding_box()["height"] >= 44
        expect(page.locator(".lms-file-button")).to_be_hidden()  # no label that would lie
        expect(page.locator(".lms-file-state")).to_be_hidden()
        assert no_sideways_scroll(page)
        shot(page, "file-input-no-script-360")
        upload = csv_file(tmp_path, "nojs")
        native.set_input_files(str(upload))
        page.get_by_role("button", name="Kiểm tra và nhập").click()
        expect(page.locator(".lms-slip")).to_have_count(1)
        expect(page.locator(".lms-slip").first).to_contain_text("Phạm Thị Tệp")
    finally:
        context.close()
