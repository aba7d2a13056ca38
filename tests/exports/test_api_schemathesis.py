"""schemathesis against the read API, for a bounded number of examples per operation:
no 5xx, and every answer (status, headers, body) as the OpenAPI document says.

Driven from a plain test (operation strategies + hypothesis) rather than schemathesis's
pytest plugin, which does not run under this project's pytest version."""
from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings

EXAMPLES_PER_OPERATION = 15


def test_the_api_keeps_its_contract(app, app_context, db, tree):
    from lms.exports import operations

    with app_context():
        _token, secret = operations.create_api_token("schemathesis", tree["units"]["A"], actor=None)
        db.commit()
    # Many examples from one token: the limiter is built on the first request, after this.
    app.config["LMS_API_RATE_LIMIT"] = "100000 per minute"
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    checked = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def check(case):
            # identity: schemathesis's WSGI transport sends "Accept-Encoding: gzip, …" but
            # does not decode, and the LMS compresses what a client accepts
            # (lms/compression.py, tested there).
            response = case.call_and_validate(headers={"Authorization": f"Bearer {secret}",
                                                       "Accept-Encoding": "identity"})
            assert response.status_code < 500

        check()
        checked.append(operation.label)
    assert sorted(checked) == ["GET /completions", "GET /credits",
                               "GET /learners/{staff_code}/status"]
