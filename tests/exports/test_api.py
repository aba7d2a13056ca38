"""The read API: tokens per unit scope, stable cursor, revocation, rate limit, and every
answer valid against the served OpenAPI 3.1 document (also checked by schemathesis)."""
from __future__ import annotations

import re

import jsonschema
import pytest
import sqlalchemy as sa
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012


def make_token(app_context, db, unit=None) -> str:
    from lms.exports import operations

    with app_context():
        _token, secret = operations.create_api_token("HR system", unit, actor=None)
        db.commit()
    return secret


def get(client, url, secret):
    return client.get(url, headers={"Authorization": f"Bearer {secret}"})


class OpenApi:
    """Validates answers against the schemas of the served document."""

    def __init__(self, document: dict):
        self.document = document
        resource = Resource(contents=document, specification=DRAFT202012)
        self.registry = Registry().with_resource("urn:lms-api", resource)

    def check(self, path: str, response) -> None:
        operation = self.document["paths"][path]["get"]
        status = str(response.status_code)
        assert status in operation["responses"], (path, status)
        schema = operation["responses"][status]["content"]["application/json"]["schema"]
        validator = jsonschema.Draft202012Validator(
            {"$ref": "urn:lms-api" + schema["$ref"]}, registry=self.registry,
            format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
        validator.validate(response.get_json())


@pytest.fixture
def openapi(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.get_json()["openapi"] == "3.1.0"
    return OpenApi(response.get_json())


def test_a_unit_token_reads_only_its_subtree(client, app_context, db, tree, openapi):
    units = tree["units"]
    secret_a = make_token(app_context, db, units["A"])
    secret_b = make_token(app_context, db, units["B"])
    page_a = get(client, "/api/v1/completions", secret_a)
    openapi.check("/completions", page_a)
    assert {item["unit_code"] for item in page_a.get_json()["items"]} == {"A", "A1"}
    page_b = get(client, "/api/v1/completions", secret_b)
    assert [item["staff_code"] for item in page_b.get_json()["items"]] == ["CB-004"]
    # A's token asking for B's unit gets nothing; B's learner's status is a 404 for it.
    assert get(client, f"/api/v1/completions?unit={units['B'].id}", secret_a).get_json()["items"] == []
    missing = get(client, "/api/v1/learners/CB-004/status", secret_a)
    assert missing.status_code == 404
    openapi.check("/learners/{staff_code}/status", missing)
    status = get(client, "/api/v1/learners/CB-001/status", secret_a)
    openapi.check("/learners/{staff_code}/status", status)
    assert [c["course_code"] for c in status.get_json()["completions"]] == ["ATTT01", "AI01"]


def test_pagination_never_skips_or_repeats_when_completions_arrive(client, app_context, db, tree,
                                                                   create_learner, complete,
                                                                   openapi):
    secret = make_token(app_context, db)
    seen, since, pages = [], None, 0
    newcomer_added = False
    while True:
        url = "/api/v1/completions?limit=2" + (f"&since={since}" if since is not None else "")
        response = get(client, url, secret)
        openapi.check("/completions", response)
        body = response.get_json()
        seen += [item["record_id"] for item in body["items"]]
        since, pages = body["next_since"], pages + 1
        if not newcomer_added:  # a completion arrives between the first and second page
            newcomer = create_learner("Phạm Văn Mới", unit=tree["units"]["A"], staff_code="CB-009")
            complete(newcomer, tree["courses"][0])
            newcomer_added = True
        if not body["has_more"]:
            break
    from courses.models import CourseCompletion

    every = db.scalars(sa.select(CourseCompletion.id).order_by(CourseCompletion.id)).all()
    assert seen == every and len(seen) == len(set(seen)) == 6 and pages == 3


def test_revoked_and_unknown_tokens_are_refused(client, app_context, db, tree, login, openapi):
    from lms.exports.models import ApiToken

    secret = make_token(app_context, db)
    assert get(client, "/api/v1/completions", secret).status_code == 200
    token = db.scalar(sa.select(ApiToken))
    login("admin")
    assert client.post(f"/exports/api-tokens/{token.id}/revoke").status_code == 302
    refused = get(client, "/api/v1/completions", secret)
    assert refused.status_code == 401 and refused.headers["WWW-Authenticate"] == "Bearer"
    openapi.check("/completions", refused)
    assert get(client, "/api/v1/completions", "lms_wrong").status_code == 401
    assert client.get("/api/v1/completions").status_code == 401


def test_tokens_are_stored_hashed_and_shown_once(client, login, db, tree):
    import hashlib

    from lms.exports.models import ApiToken

    login("admin")
    page = client.post("/exports/api-tokens", data={"name": "Sở Nội vụ",
                                                     "org_unit_id": str(tree["units"]["A"].id)})
    token = db.scalar(sa.select(ApiToken))
    [secret] = re.findall(r"lms_[A-Za-z0-9_-]{40,}", page.text)
    assert token.secret_sha256 == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in client.get("/exports/api-tokens").text


@pytest.mark.parametrize("app_config", [{"LMS_API_RATE_LIMIT": "3 per minute",
                                         "LMS_RATELIMIT_KEY_PREFIX": "api-rate-test"}])
def test_tokens_are_rate_limited(client, app_context, db, tree, openapi):
    secret = make_token(app_context, db)
    statuses = [get(client, "/api/v1/completions", secret).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = get(client, "/api/v1/completions", secret)
    assert int(limited.headers["Retry-After"]) >= 1
    openapi.check("/completions", limited)


def test_credits_page_by_a_stable_cursor_and_stay_in_scope(client, app, app_context, db, tree,
                                                          create_learner, complete, openapi):
    """The credits feature's ledger through the same API: entries by id, in the token's
    subtree only, valid against the served document."""
    from lms.credits.defaults import seed_defaults
    from lms.dates import today

    with app_context(), app.test_request_context("/"):
        seed_defaults(today().year)
        db.commit()
    for number, unit in enumerate(("A", "A", "A", "B")):
        person = create_learner(f"Người Học {number}", unit=tree["units"][unit],
                                staff_code=f"CB-10{number}")
        complete(person, tree["courses"][0])
    secret_a = make_token(app_context, db, tree["units"]["A"])

    first = get(client, "/api/v1/credits?limit=2", secret_a)
    openapi.check("/credits", first)
    body = first.get_json()
    assert first.status_code == 200 and body["has_more"] and len(body["items"]) == 2
    rest = get(client, f"/api/v1/credits?limit=2&since={body['next_since']}", secret_a)
    openapi.check("/credits", rest)
    items = body["items"] + rest.get_json()["items"]
    assert [item["staff_code"] for item in items] == ["CB-100", "CB-101", "CB-102"]  # not B's
    ids = [item["entry_id"] for item in items]
    assert ids == sorted(set(ids)) and not rest.get_json()["has_more"]


@pytest.mark.parametrize("query", ["since=-1", "since=abc", "limit=0", "limit=501", "unit=x",
                                   "date_from=2026-02-30", "status=nope", "category=XX",
                                   "code=" + "x" * 40])
def test_bad_parameters_are_400_with_a_reason(client, app_context, db, tree, openapi, query):
    response = get(client, f"/api/v1/completions?{query}", make_token(app_context, db))
    assert response.status_code == 400 and response.get_json()["error"]
    openapi.check("/completions", response)
