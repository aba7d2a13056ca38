"""External completions in a browser (issue 9, point 4): a learner records a course taken
elsewhere with a photo of the certificate, HR of the unit verifies it from the queue,
and the learner sees it verified and credited. axe-core finds no serious or critical
problem on the form, the queue and the submission page at 360 and 1280 px, and none of
them scrolls sideways."""
import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from tests.browser.browser_helpers import serious_violations
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser
WIDTHS = ({"width": 360, "height": 740}, {"width": 1280, "height": 900})


def check_layout(page):
    for size in WIDTHS:
        page.set_viewport_size(size)
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0, size
        assert serious_violations(page) == [], size


def certificate_photo(folder):
    """A real (small) JPEG, as a phone would take it: the evidence check decodes it."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (320, 200), "white")
    ImageDraw.Draw(image).rectangle((20, 20, 300, 180), outline="navy", width=4)
    path = folder / "giay-chung-nhan.jpg"
    image.save(path, "JPEG", quality=80)
    return path


def test_a_course_taken_elsewhere_is_verified_by_hr_and_credited(browser, page, live_server, sign_in,
                                                                   tmp_path):
    sign_in("ngoai")
    page.goto(f"{live_server}/credits/external/new")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ghi nhận khóa học bên ngoài")
    check_layout(page)
    page.get_by_label("Đơn vị tổ chức và khóa học").select_option("NGOAI-BDHVS")
    page.get_by_label("Tên khóa học (như ghi trên minh chứng)").fill("Kỹ năng số cơ bản")
    page.get_by_label("Số tiết").fill("4")
    day = dt.date.today() - dt.timedelta(days=10)
    page.get_by_label("Ngày hoàn thành").fill(day.strftime("%d/%m/%Y"))
    page.get_by_label("Minh chứng: giấy chứng nhận hoặc xác nhận (PDF, PNG hoặc JPEG)").set_input_files(
        str(certificate_photo(tmp_path)))
    page.get_by_role("button", name="Gửi để xác minh").click()
    page.wait_for_url(re.compile(r"/credits/external/\d+$"))
    submission_url = page.url
    expect(page.locator("main")).to_contain_text("Chờ xác minh")
    check_layout(page)

    hr = browser.new_context()
    hr_page = hr.new_page()
    try:
        hr_page.goto(f"{live_server}/auth/login")
        hr_page.get_by_label("Tên đăng nhập").fill("nhansu")
        hr_page.get_by_label("Mật khẩu").fill(PASSWORD)
        hr_page.get_by_role("button", name="Đăng nhập").click()
        hr_page.wait_for_url(lambda url: "/auth/login" not in url)
        hr_page.goto(f"{live_server}/credits/external/review")
        expect(hr_page.get_by_role("heading", level=1)).to_have_text("Kết quả học tập bên ngoài cần xác minh")
        check_layout(hr_page)
        hr_page.get_by_role("link", name="Kỹ năng số cơ bản").click()
        hr_page.wait_for_url(submission_url)
        # The evidence opens from the page (a personal-data read, audited).
        evidence = hr_page.locator("a[href$='/evidence']")
        assert evidence.count() == 1
        opened = hr_page.request.get(f"{live_server}{evidence.get_attribute('href')}")
        assert opened.status == 200 and opened.headers["content-type"] == "image/jpeg"
        check_layout(hr_page)
        hr_page.get_by_role("button", name="Xác minh", exact=True).click()
        hr_page.wait_for_load_state()
        expect(hr_page.locator("main")).to_contain_text("Đã xác minh")
    finally:
        hr.close()

    page.goto(f"{live_server}/credits/external")
    expect(page.locator("main")).to_contain_text("Đã xác minh")
    check_layout(page)
    page.goto(f"{live_server}/credits")
    assert "NGOAI-BDHVS" in page.locator("main").inner_text()  # credited under its own rule
