"""Issue 13, point 16: a favicon, compressed LMS pages (only the LMS's), hashed static
names with a year-long cache."""
import gzip
import re

import brotli
import pytest

from lms import create_app
from lms.assets import HASHED_MAX_AGE, PLAIN_MAX_AGE, hashed_name
from lms.templating import STATIC_DIR
from tests.conftest import TEST_SECRET

LONG_PAGE_HEADERS = {"Accept-Encoding": "gzip"}


@pytest.fixture
def standalone(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": TEST_SECRET,
                      "LMS_DATABASE_URL": f"sqlite:///{tmp_path / 'lms.sqlite3'}"})
    yield app
    app.extensions["lms"].database.dispose()


def test_favicon_is_served_and_linked(standalone):
    client = standalone.test_client()
    with client.get("/favicon.ico") as icon:
        assert icon.status_code == 200
        assert icon.data[:4] == b"\x00\x00\x01\x00"  # the ICO signature
    page = client.get("/auth/login").get_data(as_text=True)
    links = re.findall(r'<link rel="icon" href="([^"]+)"', page)
    assert len(links) == 2 and any(".svg" in link for link in links)
    for link in links:
        with client.get(link) as response:
            assert response.status_code == 200


def test_login_page_is_compressed_when_asked(standalone):
    client = standalone.test_client()
    plain = client.get("/auth/login")
    assert "Content-Encoding" not in plain.headers
    html = plain.data
    zipped = client.get("/auth/login", headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped.headers["Vary"]
    assert len(zipped.data) < len(html) / 2
    assert gzip.decompress(zipped.data).count(b"<form") == html.count(b"<form")
    best = client.get("/auth/login", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert best.headers["Content-Encoding"] == "br"
    assert b"</html>" in brotli.decompress(best.data)


def test_identity_and_tiny_responses_stay_plain(standalone):
    client = standalone.test_client()
    refused = client.get("/auth/login", headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in refused.headers
    health = client.get("/healthz", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in health.headers  # a few bytes: not worth it


def test_compression_can_be_turned_off(standalone):
    standalone.config["LMS_COMPRESSION"] = False
    response = standalone.test_client().get("/auth/login", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in response.headers


def test_host_pages_are_not_compressed(tmp_path):
    from flask import Flask

    from lms import LMS

    host = Flask("host")
    host.config.update(TESTING=True, SECRET_KEY=TEST_SECRET, LMS_URL_PREFIX="/learn",
                       LMS_DATABASE_URL=f"sqlite:///{tmp_path / 'host.sqlite3'}")
    host.add_url_rule("/", "home", lambda: "<!doctype html><p>" + "cổng thông tin " * 200)
    LMS(host)
    client = host.test_client()
    home = client.get("/", headers={"Accept-Encoding": "gzip, br"})
    assert "Content-Encoding" not in home.headers
    assert "Accept-Encoding" not in home.headers.get("Vary", "")
    assert not any(key.startswith("COMPRESS_") for key in host.config)
    lms_page = client.get("/learn/healthz", headers={"Accept-Encoding": "gzip"})
    assert lms_page.status_code in (200, 503)
    host.extensions["lms"].database.dispose()


def test_static_names_carry_their_content_hash(standalone):
    client = standalone.test_client()
    page = client.get("/auth/login").get_data(as_text=True)
    css_url = re.search(r'<link rel="stylesheet" href="([^"]+)"', page).group(1)
    digest = re.fullmatch(r"/static/lms\.([0-9a-f]{10})\.css", css_url).group(1)
    import hashlib

    assert hashlib.sha256((STATIC_DIR / "lms.css").read_bytes()).hexdigest().startswith(digest)
    with client.get(css_url) as hashed:
        assert hashed.status_code == 200
        assert hashed.data == (STATIC_DIR / "lms.css").read_bytes()
        assert hashed.cache_control.max_age == HASHED_MAX_AGE and hashed.cache_control.immutable
    # An outdated hash or the plain name: served, but only for the short time.
    for old in ("/static/lms.0000000000.css", "/static/lms.css"):
        with client.get(old) as response:
            assert response.status_code == 200
            assert response.cache_control.max_age == PLAIN_MAX_AGE
            assert not response.cache_control.immutable
    assert client.get("/static/nothing.1234567890.css").status_code == 404


def test_hash_follows_the_bytes(tmp_path):
    (tmp_path / "site.css").write_text("a{}", encoding="utf-8")
    first = hashed_name(tmp_path, "site.css")
    (tmp_path / "site.css").write_text("b{color:red}", encoding="utf-8")
    second = hashed_name(tmp_path, "site.css")
    assert first != second and first.startswith("site.") and first.endswith(".css")
    assert hashed_name(tmp_path, "missing.css") == "missing.css"
    assert hashed_name(tmp_path, "../etc/passwd") == "../etc/passwd"


def test_the_url_builder_sees_an_edited_file_after_the_recheck_delay(tmp_path, monkeypatch):
    from lms import assets

    (tmp_path / "site.css").write_text("a{}", encoding="utf-8")
    clock = [1000.0]
    monkeypatch.setattr(assets.time, "monotonic", lambda: clock[0])
    first = assets.recent_hashed_name(tmp_path, "site.css")
    (tmp_path / "site.css").write_text("b{color:red}", encoding="utf-8")
    assert assets.recent_hashed_name(tmp_path, "site.css") == first  # remembered, no stat
    clock[0] += assets.RECHECK_SECONDS
    assert assets.recent_hashed_name(tmp_path, "site.css") == hashed_name(tmp_path, "site.css") != first
