"""Headers of LMS responses: error pages carry the same ones as other pages, pages with
personal data or passwords are never cached, a Permissions-Policy is sent, and static
files and course images keep their long cache."""
import pytest

from lms.accounts.models import Role

SECURITY_HEADERS = ("X-Content-Type-Options", "Referrer-Policy", "Content-Security-Policy",
                    "X-Frame-Options", "Permissions-Policy")


def assert_lms_headers(response):
    missing = [name for name in SECURITY_HEADERS if name not in response.headers]
    assert missing == [], (response.status_code, missing)
    assert response.headers["Cache-Control"] == "no-store"
    assert "camera=()" in response.headers["Permissions-Policy"]


@pytest.fixture
def learner_client(client, create_learner, login):
    create_learner("Học Viên", username="hv")
    login("hv")
    return client


def test_a_normal_page_has_them(learner_client):
    assert_lms_headers(learner_client.get("/my-learning"))


@pytest.mark.parametrize("url, message", [
    ("/no-such-page", "Không tìm thấy trang"),                     # no rule at all
    ("/admin/units/2147483648", "Không tìm thấy trang"),           # the id converter refuses it
    ("/courses/NOPE", "Không tìm thấy trang"),                     # the view's abort(404)
    ("/reports/learners", "Không có quyền truy cập"),              # 403
    ("/courses?q=a%00b", "ký tự NUL"),                             # the NUL guard's 400
])
def test_error_pages_carry_the_same_headers_and_are_translated(learner_client, url, message):
    response = learner_client.get(url)
    assert response.status_code in (400, 403, 404)
    assert_lms_headers(response)
    assert message in response.get_data(as_text=True)


def test_anonymous_error_pages_too(client):
    response = client.get("/admin/learners/99999999999")
    assert response.status_code == 404
    assert_lms_headers(response)


def test_wrong_method_is_a_translated_405_with_allow(learner_client):
    response = learner_client.get("/auth/logout")
    assert response.status_code == 405
    assert response.headers["Allow"] == "POST"
    assert_lms_headers(response)
    assert "Không được phép" in response.get_data(as_text=True)


def test_the_sign_in_page_is_not_cached(client):
    assert client.get("/auth/login").headers["Cache-Control"] == "no-store"


def test_pages_with_personal_data_are_not_cached(client, create_learner, create_unit, login):
    unit = create_unit()
    create_learner("Quản Trị", username="qt", unit=unit, roles=[Role.ADMIN])
    person = create_learner("Người Học", unit=unit)
    login("qt")
    for url in ("/admin/learners", f"/admin/learners/{person.id}", f"/reports/learners/{person.id}",
                "/admin/audit", "/"):
        assert client.get(url).headers["Cache-Control"] == "no-store", url
    # The page that shows a temporary password (a redirect, then the flash).
    client.post(f"/admin/learners/{person.id}", data={
        "full_name": "Người Học", "staff_code": person.staff_code, "org_unit_id": unit.id,
        "username": "nguoi.hoc"})
    page = client.get(f"/admin/learners/{person.id}")
    assert "nguoi.hoc" in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"


def test_static_files_and_course_images_keep_their_long_cache(learner_client, create_course):
    static = learner_client.get("/static/lms.css")
    static.close()
    assert "max-age=86400" in static.headers["Cache-Control"]
    course = create_course(code="CACHE1")
    image = learner_client.get(f"/course-media/{course.id}/media/pic.png")
    assert "max-age=31536000" in image.headers["Cache-Control"]


@pytest.mark.parametrize("app_config", [{"LMS_PERMISSIONS_POLICY": ""}])
def test_the_permissions_policy_can_be_turned_off(client):
    assert "Permissions-Policy" not in client.get("/auth/login").headers


# --- draft media -----------------------------------------------------------------------

def test_draft_media_is_served_only_to_authors_and_admins(app, client, create_course,
                                                          create_learner, login):
    draft = create_course(code="DRAFTM", publish=False)
    url = f"/course-media/{draft.id}/media/pic.png"
    create_learner("Học Viên", username="hv")
    create_learner("Tác Giả", username="tg", roles=[Role.AUTHOR])
    create_learner("Quản Trị", username="qt", roles=[Role.ADMIN])
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and anonymous.headers["Location"].startswith("/auth/login")
    for username, status in (("hv", 404), ("tg", 200), ("qt", 200)):
        other = app.test_client()
        assert other.post("/auth/login", data={"username": username,
                                               "password": "correct horse battery"}).status_code == 302
        response = other.get(url)
        assert response.status_code == status, username
        if status == 404:
            assert response.mimetype == "text/html" and b"\x89PNG" not in response.data


def test_a_withdrawn_version_stays_visible_to_its_enrolled_learners(client, create_course,
                                                                    create_learner, login,
                                                                    app_context, db):
    from courses import operations, pack_operations

    course = create_course(code="WITHDRAWN")
    enrolled = create_learner("Đã Ghi Danh", username="dgd")
    create_learner("Chưa Ghi Danh", username="cgd")
    with app_context():
        operations.enrol(enrolled, course)
        pack_operations.unpublish_course(course)
        db.commit()
    url = f"/course-media/{course.id}/media/pic.png"
    login("dgd")
    assert client.get(url).status_code == 200
    client.post("/auth/logout")
    login("cgd")
    assert client.get(url).status_code == 404


# --- host mode -------------------------------------------------------------------------

def test_in_a_host_lms_errors_carry_lms_headers_and_host_pages_stay_untouched(portal):
    client = portal.test_client()
    client.get("/login?as=7")
    for url in ("/learn/courses/NOPE", "/learn/admin/units", "/learn/courses?q=a%00b"):
        response = client.get(url)
        assert response.status_code in (400, 403, 404), url
        assert response.headers["Cache-Control"] == "no-store", url
        assert "Permissions-Policy" in response.headers and "X-Content-Type-Options" in response.headers
    host_page = client.get("/")
    assert "Permissions-Policy" not in host_page.headers and "Cache-Control" not in host_page.headers
    # An unknown address, or an id past the column range, is the host's 404 (its own page).
    for url in ("/learn/nowhere", "/learn/admin/units/2147483648"):
        assert client.get(url).get_data(as_text=True) == "Cổng thông tin: không tìm thấy"
