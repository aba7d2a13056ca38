"""The standalone app starts, serves its login page in Vietnamese and answers health."""


def test_anonymous_home_redirects_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")


def test_login_page_is_vietnamese_by_default(client):
    page = client.get("/auth/login").get_data(as_text=True)
    assert '<html lang="vi">' in page
    assert "Đăng nhập" in page


