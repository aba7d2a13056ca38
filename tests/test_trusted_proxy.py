"""LMS_TRUSTED_PROXY_COUNT: the client address comes from X-Forwarded-For only when the
standalone app is told it runs behind that many proxies."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from lms.auth.models import UserSession
from tests.conftest import PASSWORD, make_test_config

CLIENT = "203.0.113.77"


@pytest.fixture
def make_standalone(database_url, db, monkeypatch, tmp_path):
    """``create_app`` (the standalone factory) on the test database, inside the test's
    transaction."""
    from lms.app import create_app

    monkeypatch.setenv("FLASK_LMS_INSTANCE_PATH", str(tmp_path / "instance"))
    made = []

    def make(**config):
        app = create_app(make_test_config(LMS_DATABASE_URL=database_url,
                                          LMS_LOGIN_FAILURES_PER_ADDRESS="3 per 5 minutes",
                                          **config))
        app.extensions["lms"].database.bind_sessions_to(db.get_bind())
        made.append(app)
        return app

    yield make
    for app in made:
        app.extensions["lms"].database.dispose()


def sign_in(client, password=PASSWORD, forwarded_for=CLIENT):
    return client.post("/auth/login", data={"username": "hoa", "password": password},
                       headers={"X-Forwarded-For": forwarded_for, "X-Forwarded-Proto": "https"})


def recorded_address(db):
    return db.scalar(sa.select(UserSession.ip_address).order_by(UserSession.id.desc()))


def test_forwarded_headers_are_ignored_by_default(make_standalone, create_learner, db):
    create_learner(username="hoa")
    app = make_standalone()
    client = app.test_client()
    # Three failures that each claim another address are all counted against the real one.
    for number in range(3):
        assert sign_in(client, "wrong guess", f"198.51.100.{number}").status_code == 200
    assert sign_in(client, forwarded_for="198.51.100.99").status_code == 429
    assert app.wsgi_app.__class__.__name__ != "ProxyFix"


def test_forwarded_headers_are_honoured_when_configured(make_standalone, create_learner, db):
    create_learner(username="hoa")
    app = make_standalone(LMS_TRUSTED_PROXY_COUNT=1)
    client = app.test_client()
    for _ in range(3):
        assert sign_in(client, "wrong guess", "198.51.100.1").status_code == 200
    assert sign_in(client, forwarded_for="198.51.100.1").status_code == 429
    # Another client behind the same proxy is another address.
    response = sign_in(client, forwarded_for=CLIENT)
    assert response.status_code == 302
    assert recorded_address(db) == CLIENT


@pytest.mark.parametrize("count, scheme, address", [(0, "http", "127.0.0.1"), (1, "https", CLIENT)])
def test_scheme_and_address_as_the_app_sees_them(make_standalone, count, scheme, address):
    from flask import request

    app = make_standalone(LMS_TRUSTED_PROXY_COUNT=count)
    app.add_url_rule("/_probe", "probe",
                     lambda: f"{request.scheme} {request.remote_addr} {request.host}")
    seen = app.test_client().get("/_probe", headers={"X-Forwarded-For": CLIENT,
                                                     "X-Forwarded-Proto": "https",
                                                     "X-Forwarded-Host": "evil.example"})
    # X-Forwarded-Host is never trusted: the proxies pass Host through unchanged.
    assert seen.get_data(as_text=True) == f"{scheme} {address} localhost"


def test_only_the_configured_number_of_hops_is_trusted(make_standalone, create_learner, db):
    create_learner(username="hoa")
    app = make_standalone(LMS_TRUSTED_PROXY_COUNT=1)
    # A client that sends its own X-Forwarded-For: the proxy appends the real address,
    # and only that last hop is believed.
    response = sign_in(app.test_client(), forwarded_for=f"10.9.9.9, {CLIENT}")
    assert response.status_code == 302
    assert recorded_address(db) == CLIENT


def test_without_a_proxy_the_direct_address_is_recorded(make_standalone, create_learner, db):
    create_learner(username="hoa")
    app = make_standalone()
    assert sign_in(app.test_client()).status_code == 302
    assert recorded_address(db) == "127.0.0.1"


@pytest.mark.parametrize("value", [-1, "2", True, 9])
def test_invalid_proxy_count_is_refused(make_standalone, value):
    from lms.config import ConfigurationError

    with pytest.raises(ConfigurationError, match="LMS_TRUSTED_PROXY_COUNT"):
        make_standalone(LMS_TRUSTED_PROXY_COUNT=value)


def test_the_extension_never_wraps_a_host_app(engine, tmp_path):
    """Even with the setting, LMS(app) leaves the host's wsgi_app alone (see README)."""
    from flask import Flask

    from lms.extension import LMS

    host = Flask("host", instance_path=str(tmp_path / "host"))
    host.config.update(make_test_config(LMS_TRUSTED_PROXY_COUNT=1))
    original = host.wsgi_app
    LMS(host, engine=engine)
    assert host.wsgi_app == original
