"""A person signs in, switches language, signs out; axe-core finds no serious problem."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.browser_helpers import serious_violations

pytestmark = pytest.mark.browser


def test_sign_in_switch_language_sign_out(page, live_server, sign_in):
    # expect(...) retries until the page after each click has loaded.
    heading = page.get_by_role("heading", level=1)
    sign_in("hocvien")
    expect(heading).to_have_text("Xin chào, Lò Thị Hoa")
    page.get_by_role("button", name="English").click()
    expect(heading).to_have_text("Hello, Lò Thị Hoa")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.reload()
    expect(heading).to_have_text("Hello, Lò Thị Hoa")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/auth/login$"))
    expect(heading).to_have_text("Sign in")
    page.get_by_role("button", name="Tiếng Việt").click()
    expect(heading).to_have_text("Đăng nhập")


def test_wrong_password_message(page, live_server):
    page.goto(f"{live_server}/auth/login")
    page.get_by_label("Tên đăng nhập").fill("hocvien")
    page.get_by_label("Mật khẩu").fill("not the password")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_text("Tên đăng nhập hoặc mật khẩu không đúng")).to_be_visible()


def test_skip_link_is_first_and_reaches_main(page, live_server):
    page.goto(f"{live_server}/auth/login")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "lms-skip"
    assert page.evaluate("document.activeElement.getBoundingClientRect().left") >= 0


def test_login_page_has_no_serious_accessibility_violation(page, live_server):
    page.goto(f"{live_server}/auth/login")
    assert serious_violations(page) == []


@pytest.mark.parametrize("path", ["/admin/learners", "/admin/units", "/admin/units/new",
                                  "/admin/learners/new", "/admin/import", "/admin/audit",
                                  "/auth/password", "/auth/sessions", "/", "/reports/learners"])
def test_admin_pages_have_no_serious_accessibility_violation(page, live_server, sign_in, path):
    sign_in("admin")
    page.goto(f"{live_server}{path}")
    assert page.locator("main").count() == 1
    assert serious_violations(page) == []


def test_usable_at_360_pixels(page, live_server, sign_in):
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in("admin")
    page.goto(f"{live_server}/admin/learners")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0


def test_author_and_learning_pages_have_no_serious_accessibility_violation(page, live_server, sign_in):
    sign_in("admin")
    visited = []
    for path in ("/author/courses", "/author/packs/upload", "/courses", "/my-learning",
                 "/courses/CYBER01", "/courses/CYBER01/quiz"):
        page.goto(f"{live_server}{path}")
        visited.append((path, serious_violations(page)))
    page.goto(f"{live_server}/author/courses")
    page.get_by_role("link", name="Xem trước").first.click()
    page.wait_for_url(re.compile(r"/preview$"))
    visited.append(("preview", serious_violations(page)))
    page.get_by_role("link", name="Nhập câu hỏi từ tệp GIFT").click()
    page.wait_for_url(re.compile(r"/gift$"))
    visited.append(("gift", serious_violations(page)))
    assert [(path, found) for path, found in visited if found] == []
