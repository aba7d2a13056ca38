"""Pages people can use on a slow phone: local assets only, light, accessible structure."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXTERNAL_URL = re.compile(r"""(?:src|href)\s*=\s*["'](?:https?:)?//""", re.IGNORECASE)


def test_css_is_under_30_kb():
    total = sum(path.stat().st_size for path in (ROOT / "lms" / "static").rglob("*.css"))
    assert 0 < total < 30 * 1024


def test_no_template_loads_anything_from_another_site():
    offenders = [str(path.relative_to(ROOT)) for path in (ROOT / "templates").rglob("*.html")
                 if EXTERNAL_URL.search(path.read_text(encoding="utf-8"))]
    assert offenders == []


#: Scripts a page may carry as an enhancement only: each has a browser test showing its
#: page works with JavaScript off (file-input.js: tests/browser/test_browser_file_inputs.py).
ENHANCEMENTS = re.compile(r'<script src="/static/file-input\.[0-9a-f]+\.js" defer></script>')


def test_no_javascript_is_required(client, create_learner, login):
    create_learner(username="hoa", roles=["admin"])
    login("hoa")
    for url in ("/auth/login", "/", "/admin/learners", "/admin/units", "/admin/import", "/admin/audit"):
        page = client.get(url).get_data(as_text=True)
        assert "<script" not in ENHANCEMENTS.sub("", page), url
        assert not re.search(r"\son[a-z]+=", page), url  # no inline handlers either


def test_login_page_is_light_and_has_landmarks(client):
    response = client.get("/auth/login")
    page = response.get_data(as_text=True)
    assert len(response.data) < 10 * 1024
    assert 'class="lms-skip" href="#lms-main"' in page
    assert '<main id="lms-main"' in page
    assert 'name="viewport"' in page
    # Every input has a label pointing at it.
    for input_id in re.findall(r'<input[^>]*\bid="([^"]+)"[^>]*type="(?:text|password)"', page):
        assert f'for="{input_id}"' in page


def test_form_errors_are_tied_to_their_fields(client, create_learner, login):
    create_learner(username="hoa")
    login("hoa")
    page = client.post("/auth/password", data={"current_password": "", "new_password": "x",
                                               "confirm_password": "y"}).get_data(as_text=True)
    assert 'aria-describedby="new_password-hint new_password-error"' in page
    assert 'id="new_password-error"' in page
    assert 'aria-invalid="true"' in page
    assert 'role="alert"' in page


def test_static_files_are_cacheable(client):
    with client.get("/static/lms.css") as response:
        assert response.status_code == 200
        assert response.headers.get("ETag") and response.headers.get("Last-Modified")
        assert "max-age=86400" in response.headers.get("Cache-Control", "")


def test_oversized_bodies_are_refused_before_reading(app, client, create_learner, login):
    import io

    app.config["LMS_MAX_UPLOAD_BYTES"] = 1000
    create_learner(username="hoa", roles=["admin"])
    login("hoa")
    big = io.BytesIO(b"x" * 200_000)
    response = client.post("/admin/import", data={"file": (big, "a.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "<h1>Tệp quá lớn</h1>" in page  # the LMS's own error page, translated


def test_security_headers_on_lms_pages(client):
    response = client.get("/auth/login")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"


def test_no_inline_styles_or_scripts_so_the_strict_policy_holds():
    for path in (ROOT / "templates").rglob("*.html"):
        if path.name.endswith(".pdf.html"):
            continue  # rendered to PDF by xhtml2pdf, never served under the page policy
        text = path.read_text(encoding="utf-8")
        assert "style=" not in text, path
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), path
