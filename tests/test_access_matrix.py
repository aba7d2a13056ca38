"""Every registered LMS route × every kind of visitor gets exactly what the policy allows.

A new route without an entry in ACCESS fails ``test_every_route_is_in_the_matrix``.
"""
import pytest

ROLES = ("anonymous", "learner", "author", "hr", "admin")
EVERYONE = set(ROLES)
SIGNED_IN = EVERYONE - {"anonymous"}
ADMIN = {"admin"}
AUTHORS = {"author", "admin"}

#: endpoint → (method, URL template, roles allowed). Placeholders are filled per test.
ACCESS = {
    "lms.static": ("GET", "/static/lms.css", EVERYONE),
    "lms.health": ("GET", "/healthz", EVERYONE),
    # Unknown addresses get the LMS's own 404 page (standalone only).
    "lms.not_found": ("GET", "/no-such-page", EVERYONE),
    "lms.set_language": ("POST", "/language", EVERYONE),
    "lms.auth.login": ("GET", "/auth/login", EVERYONE),
    "lms.auth.logout": ("POST", "/auth/logout", SIGNED_IN),
    "lms.auth.change_password": ("GET", "/auth/password", SIGNED_IN),
    "lms.auth.sessions": ("GET", "/auth/sessions", SIGNED_IN),
    "lms.auth.end_other_sessions": ("POST", "/auth/sessions/end-others", SIGNED_IN),
    "lms.index": ("GET", "/", SIGNED_IN),
    "lms.admin.index": ("GET", "/admin/", ADMIN),
    "lms.admin.units": ("GET", "/admin/units", ADMIN),
    "lms.admin.new_unit": ("GET", "/admin/units/new", ADMIN),
    "lms.admin.edit_unit": ("GET", "/admin/units/{unit}", ADMIN),
    "lms.admin.move_unit": ("GET", "/admin/units/{unit}/move", ADMIN),
    "lms.admin.learners": ("GET", "/admin/learners", ADMIN),
    "lms.admin.new_learner": ("GET", "/admin/learners/new", ADMIN),
    "lms.admin.edit_learner": ("GET", "/admin/learners/{learner}", ADMIN),
    "lms.admin.set_learner_active": ("POST", "/admin/learners/{learner}/active", ADMIN),
    "lms.admin.reset_password": ("POST", "/admin/learners/{learner}/password-reset", ADMIN),
    "lms.admin.confirm_deactivate": ("GET", "/admin/learners/{learner}/active", ADMIN),
    "lms.admin.confirm_reset_password": ("GET", "/admin/learners/{learner}/password-reset", ADMIN),
    "lms.admin.confirm_revoke_role": ("GET", "/admin/learners/{learner}/roles/{grant}/revoke", ADMIN),
    "lms.admin.grant_role": ("POST", "/admin/learners/{learner}/roles", ADMIN),
    "lms.admin.revoke_role": ("POST", "/admin/learners/{learner}/roles/{grant}/revoke", ADMIN),
    "lms.admin.import_learners": ("GET", "/admin/import", ADMIN),
    # Without a valid token an admin is sent back to the import page (tests/test_credential_slips.py).
    "lms.admin.import_template": ("GET", "/admin/import/template.xlsx", ADMIN),
    "lms.admin.download_credentials": ("POST", "/admin/import/credentials", ADMIN),
    "lms.admin.audit": ("GET", "/admin/audit", ADMIN),
    "lms.courses.catalog": ("GET", "/courses", SIGNED_IN),
    "lms.courses.course": ("GET", "/courses/{code}", SIGNED_IN),
    "lms.courses.enrol": ("POST", "/courses/{code}/enrol", SIGNED_IN),
    "lms.courses.lesson": ("GET", "/courses/{code}/lessons/1", SIGNED_IN),
    "lms.courses.lesson_done": ("POST", "/courses/{code}/lessons/1/done", SIGNED_IN),
    "lms.courses.self_check": ("POST", "/courses/{code}/lessons/1/self-check/1", SIGNED_IN),
    "lms.courses.my_learning": ("GET", "/my-learning", SIGNED_IN),
    "lms.courses.media": ("GET", "/course-media/{course}/media/pic.png", SIGNED_IN),
    "lms.courses.author_courses": ("GET", "/author/courses", AUTHORS),
    "lms.courses.upload_pack": ("GET", "/author/packs/upload", AUTHORS),
    "lms.courses.preview": ("GET", "/author/courses/{course}/preview", AUTHORS),
    "lms.courses.publish": ("POST", "/author/courses/{course}/publish", AUTHORS),
    "lms.courses.unpublish": ("POST", "/author/courses/{course}/unpublish", AUTHORS),
    "lms.courses.confirm_unpublish": ("GET", "/author/courses/{course}/unpublish", AUTHORS),
    "lms.quizzes.overview": ("GET", "/courses/{code}/quiz", SIGNED_IN),
    "lms.quizzes.start": ("POST", "/courses/{code}/quiz/start", SIGNED_IN),
    # {attempt} is the visitor's own attempt: anyone else's is a 404 (tested in tests/quizzes).
    "lms.quizzes.attempt": ("GET", "/attempts/{attempt}", SIGNED_IN),
    "lms.quizzes.question": ("GET", "/attempts/{attempt}/questions/1", SIGNED_IN),
    "lms.quizzes.submit": ("GET", "/attempts/{attempt}/submit", SIGNED_IN),
    "lms.quizzes.result": ("GET", "/attempts/{attempt}/result", SIGNED_IN),
    "lms.quizzes.upload_gift": ("GET", "/author/courses/{course}/gift", AUTHORS),
    "lms.quizzes.export_gift": ("GET", "/author/courses/{course}/gift/export", AUTHORS),
    "lms.reports.learners": ("GET", "/reports/learners", {"hr", "admin"}),
    # {learner} sits in the HR officer's unit; out-of-scope learners are a 404 (test_reports).
    "lms.reports.learner": ("GET", "/reports/learners/{learner}", {"hr", "admin"}),
}

#: Routes whose allowed outcome is a redirect to the sign-in page.
ENDS_AT_LOGIN = {"lms.auth.logout"}

#: Routes whose allowed outcome is a 404.
ENDS_AT_NOT_FOUND = {"lms.not_found"}

#: Public routes: served to anonymous visitors on purpose (listed explicitly).
PUBLIC = {"lms.static", "lms.health", "lms.set_language", "lms.auth.login", "lms.not_found"}


def test_every_route_is_in_the_matrix(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()
                 if rule.endpoint.startswith("lms.")}
    assert endpoints == set(ACCESS), (
        f"missing from ACCESS: {sorted(endpoints - set(ACCESS))}; "
        f"stale in ACCESS: {sorted(set(ACCESS) - endpoints)}")


def test_public_routes_are_exactly_those_open_to_anonymous():
    assert {endpoint for endpoint, (_m, _u, roles) in ACCESS.items()
            if "anonymous" in roles} == PUBLIC


@pytest.fixture
def world(create_unit, create_learner, create_course, app_context, db):
    """One person per role, plus objects for the URL placeholders."""
    from lms.accounts.models import Role

    unit = create_unit("MATRIX")
    people = {
        "learner": create_learner("Học Viên", username="m-learner", unit=unit),
        "author": create_learner("Tác Giả", username="m-author", unit=unit, roles=[Role.AUTHOR]),
        "hr": create_learner("Tổ Chức", username="m-hr", unit=unit, roles=[Role.HR], hr_unit=unit),
        "admin": create_learner("Quản Trị", username="m-admin", unit=unit, roles=[Role.ADMIN]),
    }
    target = create_learner("Đối Tượng", username="m-target", unit=unit, roles=[Role.AUTHOR])
    course = create_course(code="MATRIX01", quiz=True, self_check=True)
    from courses import operations
    from quizzes import operations as quiz_operations
    from quizzes.queries import quiz_of_course

    attempts = {}
    with app_context():  # enrolled, each with an attempt, so these routes answer
        quiz = quiz_of_course(course.id)
        for role, person in people.items():
            operations.enrol(person, course)
            attempts[role] = quiz_operations.start_attempt(quiz, person.id).id
        db.commit()
    return {"people": people, "unit": unit.id, "learner": target.id,
            "grant": target.role_grants[0].id, "code": course.code, "course": course.id,
            "attempts": attempts}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", sorted(ACCESS))
def test_access(app, client, login, world, endpoint, role):
    method, template, allowed = ACCESS[endpoint]
    url = template.format(unit=world["unit"], learner=world["learner"], grant=world["grant"],
                          code=world["code"], course=world["course"],
                          attempt=world["attempts"].get(role, world["attempts"]["learner"]))
    if role != "anonymous":
        assert login(f"m-{role}").status_code == 302
    response = client.open(url, method=method)
    response.close()  # static files are streamed from an open file
    if endpoint in ENDS_AT_NOT_FOUND:
        assert response.status_code == 404, (url, role, response.status_code)
    elif role in allowed:
        assert response.status_code in (200, 302, 400), (url, role, response.status_code)
        if response.status_code == 302 and endpoint not in ENDS_AT_LOGIN:
            assert "/auth/login" not in response.headers["Location"], (url, role)
    elif role == "anonymous":
        assert response.status_code == 302, (url, response.status_code)
        assert response.headers["Location"].startswith("/auth/login"), (url, role)
    else:
        assert response.status_code == 403, (url, role, response.status_code)
