"""Every registered LMS route × every kind of visitor gets exactly what the policy allows.

A new route without an entry in ACCESS (tests/access_world.py) fails
``test_every_route_is_in_the_matrix``. The ``world`` fixture is in tests/conftest.py.
"""
import pytest

from tests.access_world import ACCESS, ROLES, url_of

#: Routes whose allowed outcome is a redirect to the sign-in page.
ENDS_AT_LOGIN = {"lms.auth.logout"}

#: Routes whose allowed outcome is a 404.
ENDS_AT_NOT_FOUND = {"lms.not_found"}

#: Routes authenticated by an API token, not the session: 401 without one, whoever asks.
ENDS_AT_UNAUTHORIZED = {"lms.api.completions", "lms.api.credits", "lms.api.learner_status"}

#: Public routes: served to anonymous visitors on purpose (listed explicitly).
PUBLIC = {"lms.static", "lms.health", "lms.set_language", "lms.auth.login", "lms.not_found",
          "lms.verify.lookup", "lms.verify.page", "lms.verify.json", "lms.verify.check",
          "lms.verify.status", "lms.verify.jwks", "lms.verify.issuer",
          "lms.exports.check", "lms.api.openapi", *ENDS_AT_UNAUTHORIZED}


def test_every_route_is_in_the_matrix(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()
                 if rule.endpoint.startswith("lms.")}
    assert endpoints == set(ACCESS), (
        f"missing from ACCESS: {sorted(endpoints - set(ACCESS))}; "
        f"stale in ACCESS: {sorted(set(ACCESS) - endpoints)}")


def test_public_routes_are_exactly_those_open_to_anonymous():
    assert {endpoint for endpoint, (_m, _u, roles) in ACCESS.items()
            if "anonymous" in roles} == PUBLIC


def _outcome_problem(endpoint: str, role: str, url: str, response) -> str | None:
    """What is wrong with ``role``'s answer from ``endpoint`` (None: what the policy says)."""
    _method, _template, allowed = ACCESS[endpoint]
    status, location = response.status_code, response.headers.get("Location", "")
    if endpoint in ENDS_AT_NOT_FOUND:
        expected = status == 404
    elif endpoint in ENDS_AT_UNAUTHORIZED:
        expected = status == 401
    elif role in allowed:
        expected = status in (200, 302, 400) and not (
            status == 302 and endpoint not in ENDS_AT_LOGIN and "/auth/login" in location)
    elif role == "anonymous":
        expected = status == 302 and location.startswith("/auth/login")
    else:
        expected = status == 403
    return None if expected else f"{role} {url} -> {status} {location}".rstrip()


@pytest.mark.parametrize("endpoint", sorted(ACCESS))
def test_access(app, db, world, endpoint):
    """Each kind of visitor in turn, each with a session of their own, on one world (it
    is built once per route, not once per route and visitor: the matrix stays fast)."""
    from tests.conftest import PASSWORD

    method = ACCESS[endpoint][0]
    problems = []
    for role in ROLES:
        client = app.test_client()
        if role != "anonymous":
            signed_in = client.post("/auth/login",
                                    data={"username": f"m-{role}", "password": PASSWORD})
            assert signed_in.status_code == 302, role
        url = url_of(world, endpoint, role)
        response = client.open(url, method=method)
        response.close()  # static files are streamed from an open file
        problems.append(_outcome_problem(endpoint, role, url, response))
    assert [problem for problem in problems if problem] == []
