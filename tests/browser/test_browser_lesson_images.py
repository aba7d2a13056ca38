"""A 1,600 px lesson photo: a phone downloads a phone-sized copy, a desktop a larger one."""
import os
import re
from urllib.parse import unquote

import pytest

from tests.browser.conftest import PASSWORD
from tests.browser.browser_helpers import serious_violations
from tests.courses.image_helpers import PHOTO, photo_pack

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("LMS_SCREENSHOT_DIR", "/tmp")
CODE = "PHOTOB1"
#: This test's own person (a language or progress change must not leak into another test).
USERNAME = "anhchup"


@pytest.fixture(scope="module")
def photo_lesson(live_app, live_server):
    from courses import operations as course_operations
    from courses.pack_operations import import_pack
    from courses.pack_validation import validate_pack
    from lms.accounts import operations
    from lms.db import get_session
    from lms.extension import get_state

    with live_app.app_context():
        pack, errors = validate_pack(photo_pack(CODE), get_state().pack_parts)
        assert errors == [], errors
        course = import_pack(pack, publish=True).course
        person = operations.create_learner(full_name="Đào Thị Ảnh", staff_code="NV20", org_unit=None)
        operations.create_account(person, USERNAME, PASSWORD)
        course_operations.enrol(person, course)
        get_session().commit()
    return f"{live_server}/courses/{CODE}/lessons/1"


def _chosen_width(page) -> tuple[int, dict]:
    """The width of the candidate the browser loaded (the original is 1,600 px)."""
    image = page.locator("article img[srcset]")
    image.scroll_into_view_if_needed()  # the image loads lazily
    page.wait_for_function("() => { const i = document.querySelector('article img[srcset]');"
                           " return i.complete && i.naturalWidth > 0; }")
    facts = image.evaluate("i => ({src: i.currentSrc, shown: i.getBoundingClientRect().width})")
    match = re.search(r"/(\d+)w/media/", unquote(facts["src"]))
    width = int(match.group(1)) if match else 1600
    assert unquote(facts["src"]).endswith(PHOTO), facts
    return width, facts


@pytest.mark.parametrize(("viewport", "ratio", "widest"), [
    (360, 1, 360), (360, 2, 720), (1280, 1, 720), (1280, 2, 1600)])
def test_the_browser_picks_a_copy_that_fits_the_screen(browser, live_server, photo_lesson,
                                                       viewport, ratio, widest):
    context = browser.new_context(viewport={"width": viewport, "height": 800}, device_scale_factor=ratio)
    page = context.new_page()
    try:
        page.goto(f"{live_server}/auth/login")
        page.get_by_label("Tên đăng nhập").fill(USERNAME)
        page.get_by_label("Mật khẩu").fill(PASSWORD)
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_url(lambda url: "/auth/login" not in url)
        page.goto(photo_lesson)

        width, facts = _chosen_width(page)

        if viewport == 360:
            assert width <= 720, facts  # never the 1,600 px original on a phone
        assert width == widest, facts
        assert facts["shown"] <= viewport - 32 + 0.5  # inside the page's padding, no overflow
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport
        assert serious_violations(page) == []
        page.screenshot(path=f"{SHOTS}/lesson-photo-{viewport}-dpr{ratio}.png", full_page=True)
    finally:
        context.close()
