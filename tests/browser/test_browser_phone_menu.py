"""Issue 13, point 5: on a phone the header is one short row and the menu folds into a
<details> that opens without JavaScript; every main action is at least 44 px tall."""
import os

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("LMS_SCREENSHOTS")  # a folder: save what the test saw, to look at
MIN_TARGET = 44


def shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def serious(page):
    return [v["id"] for v in Axe().run(page).response["violations"]
            if v["impact"] in ("serious", "critical")]


@pytest.fixture
def no_script_page(browser, live_server):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(f"{live_server}/auth/login")
    page.get_by_label("Tên đăng nhập").fill("admin")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(lambda url: "/auth/login" not in url)
    yield page
    context.close()


def box(locator):
    return locator.bounding_box()


def test_phone_header_is_short_and_menu_opens_without_javascript(no_script_page):
    page = no_script_page
    header = box(page.locator("header.lms-header"))
    assert header["height"] <= 60, header  # one row: about 8 % of a 740 px screen
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    learners = page.locator("header").get_by_role("link", name="Học viên", exact=True)
    expect(learners).to_be_hidden()
    menu = page.locator("summary.lms-menu-button")
    assert box(menu)["height"] >= MIN_TARGET and box(menu)["width"] >= MIN_TARGET
    shot(page, "menu-360-closed")
    menu.click()
    expect(learners).to_be_visible()
    shot(page, "menu-360-open")
    links = page.locator(".lms-menu .lms-nav a, .lms-menu .lms-nav button")
    assert links.count() >= 6
    expect(page.locator(".lms-menu .lms-nav-heading")).to_have_text("Quản lý")
    for index in range(links.count()):
        target = box(links.nth(index))
        assert target["height"] >= MIN_TARGET and target["width"] >= 200, (index, target)
    # The menu lies over the page instead of pushing it down.
    assert box(page.locator("main"))["y"] == pytest.approx(header["y"] + header["height"], abs=1)
    learners.click()
    page.wait_for_url(lambda url: url.endswith("/admin/learners"))
    assert page.locator("h1").count() == 1


@pytest.fixture
def phone_page(page, sign_in):
    """A 360 px page with JavaScript, signed in as the admin (axe-core needs scripts)."""
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in("admin")
    return page


def test_language_switch_is_a_big_enough_target_on_a_phone(phone_page):
    switch = phone_page.get_by_role("button", name="English")
    assert box(switch)["height"] >= MIN_TARGET
    assert serious(phone_page) == []


def test_wide_screen_shows_the_menu_as_a_row(page, live_server, sign_in):
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in("admin")
    expect(page.locator("summary.lms-menu-button")).to_be_hidden()
    wide = page.locator(".lms-menu-wide")
    expect(wide.get_by_role("link", name="Khóa học", exact=True)).to_be_visible()
    # An admin's sixteen pages: the learner's own in the row, the rest under "Quản lý".
    audit = wide.get_by_role("link", name="Nhật ký hệ thống")
    expect(audit).to_be_hidden()
    header = box(page.locator("header.lms-header"))
    assert header["height"] <= 110, header  # the bar and one row of links
    main_top = box(page.locator("main"))["y"]
    wide.locator("summary", has_text="Quản lý").click()
    expect(audit).to_be_visible()
    shot(page, "menu-1280")
    # The drop-down lies over the page instead of pushing it down.
    assert box(page.locator("main"))["y"] == pytest.approx(main_top, abs=1)
    assert serious(page) == []
    audit.click()
    page.wait_for_url(lambda url: url.endswith("/admin/audit"))
    # On a management page, "Quản lý" itself says the page is under it.
    expect(page.locator(".lms-menu-wide summary.lms-current")).to_have_text("Quản lý")
    # One menu for assistive technology: the phone copy is not rendered at this width.
    assert page.get_by_role("navigation", name="Menu chính").count() == 1


def test_phone_menu_has_no_serious_accessibility_violation_when_open(phone_page):
    phone_page.locator("summary.lms-menu-button").click()
    expect(phone_page.locator("header").get_by_role("link", name="Đơn vị")).to_be_visible()
    assert serious(phone_page) == []
    assert phone_page.get_by_role("navigation", name="Menu chính").count() == 1


@pytest.mark.parametrize("width", [360, 1280])
def test_sessions_page_does_not_scroll_sideways(page, live_server, sign_in, width):
    page.set_viewport_size({"width": width, "height": 740})
    sign_in("admin")
    page.goto(f"{live_server}/auth/sessions")
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    shot(page, f"sessions-{width}")
    assert serious(page) == []
