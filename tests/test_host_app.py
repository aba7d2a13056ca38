"""The LMS inside a host app: the README's example, mounted under /learn with the host's
layout and one overridden template; the host's own pages stay its own. The host app is
the ``portal`` fixture of tests/conftest.py (tests/test_security_headers.py uses it too)."""
import sqlalchemy as sa

from lms.accounts.models import Learner


def learners_of(app):
    """(host id, staff code, name, unit code) of every learner in the portal's database."""
    with app.app_context():
        from lms.db import get_session

        return [(learner.host_user_id, learner.staff_code, learner.full_name,
                 learner.org_unit.code if learner.org_unit else None)
                for learner in get_session().scalars(sa.select(Learner))]


def test_anonymous_is_sent_to_the_host_login(portal):
    response = portal.test_client().get("/learn/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_host_user_is_provisioned_once_and_sees_host_layout_and_override(portal):
    client = portal.test_client()
    client.get("/login?as=7")
    for _ in range(2):  # the second visit must not create a second profile
        page = client.get("/learn/").get_data(as_text=True)
        assert 'id="portal-banner"' in page                  # the host's layout
        assert 'id="portal-note"' in page                    # the overridden block
        assert "Xin chào, Trần Thị Mai" in page              # the rest of the original
    assert learners_of(portal) == [("7", "NV007", "Trần Thị Mai", "SVHTTDL")]


def test_profile_follows_the_host(portal):
    client = portal.test_client()
    client.get("/login?as=7")
    client.get("/learn/")
    portal.portal_users["7"].full_name = "Trần Thị Mai Anh"
    assert "Trần Thị Mai Anh" in client.get("/learn/").get_data(as_text=True)
    assert [row[2] for row in learners_of(portal)] == ["Trần Thị Mai Anh"]


def test_lms_login_views_are_not_registered_in_host_mode(portal):
    endpoints = {rule.endpoint for rule in portal.url_map.iter_rules()}
    assert not any(endpoint.startswith("lms.auth.") for endpoint in endpoints)
    assert "lms.index" in endpoints


def test_host_routes_and_404_are_untouched(portal):
    client = portal.test_client()
    assert client.get("/").get_data(as_text=True) == "Trang chủ cổng thông tin"
    for url in ("/nowhere", "/learn/nowhere", "/learn/auth/login"):
        response = client.get(url)
        assert response.status_code == 404
        assert response.get_data(as_text=True) == "Cổng thông tin: không tìm thấy"


def test_lms_error_pages_stay_inside_the_lms(portal):
    client = portal.test_client()
    client.get("/login?as=7")
    response = client.get("/learn/admin/units")
    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert 'id="portal-banner"' in page and "Không có quyền truy cập" in page


def test_two_apps_in_one_process_share_no_state(portal, app):
    from quizzes.question_types import QuestionType

    portal_state, standalone_state = portal.extensions["lms"], app.extensions["lms"]
    assert portal_state is not standalone_state
    assert portal_state.database.engine is not standalone_state.database.engine
    assert portal_state.rate_limiter is not standalone_state.rate_limiter

    class EssayType(QuestionType):
        name = "essay-test"
        label = {"vi": "Tự luận", "en": "Essay"}

    portal_state.question_types.register(EssayType)
    assert "essay-test" in portal_state.question_types
    assert "essay-test" not in standalone_state.question_types
    assert "lms.auth.login" in {rule.endpoint for rule in app.url_map.iter_rules()}


def test_headers_stay_out_of_the_host_pages(portal):
    client = portal.test_client()
    assert "X-Content-Type-Options" not in client.get("/").headers
    client.get("/login?as=7")
    lms_page = client.get("/learn/")
    assert lms_page.headers["X-Content-Type-Options"] == "nosniff"
    # Inside the host's layout the host decides the policy (it knows its own assets).
    assert "Content-Security-Policy" not in lms_page.headers
