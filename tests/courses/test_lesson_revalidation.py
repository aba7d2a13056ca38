"""Issue 14, point 4: an unchanged lesson page answers ``If-None-Match`` with 304 (a phone
on a slow link keeps its copy), while the visit is still recorded; any change the
learner would see is a new page. Media revalidation: tests/courses/test_learning.py.

CSRF is on here, as in production: the signed form token differs on every render, and
the validator must see through it without letting another session's copy match."""
import pytest
import sqlalchemy as sa

from courses.models import LessonProgress
from tests.conftest import PASSWORD, csrf_token_from

URL = "/courses/REVAL1/lessons/1"


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


def post_from(client, page_url, url, **data):
    """POST ``url`` with the CSRF token of the page at ``page_url``, as a browser would."""
    token = csrf_token_from(client.get(page_url).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data})


def signed_in_client(app):
    client = app.test_client()
    post_from(client, "/auth/login", "/auth/login", username="hoa", password=PASSWORD)
    client.get("/")  # shows (and so ends) the sign-in messages: a page with them is another page
    return client


@pytest.fixture
def learner_client(app, create_learner, create_course):
    create_learner("Lò Thị Hoa", username="hoa")
    create_course(code="REVAL1", lessons=2)
    client = signed_in_client(app)
    post_from(client, "/courses/REVAL1", "/courses/REVAL1/enrol")
    client.get(URL)  # the first visit; its "started" message, if any, is shown and gone
    return client


def test_an_unchanged_lesson_is_a_304_and_the_visit_still_counts(learner_client, db):
    client = learner_client
    first = client.get(URL)
    assert first.status_code == 200
    tag = first.headers["ETag"]
    assert tag.startswith('W/"')  # weak: the same page in any transfer encoding
    assert first.headers["Cache-Control"] == "private, no-cache"
    seen_before = db.scalar(sa.select(LessonProgress.last_seen_dt))
    again = client.get(URL, headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == tag
    db.expire_all()
    assert db.scalar(sa.select(LessonProgress.last_seen_dt)) >= seen_before  # recorded on the 304
    # Served compressed, the same page keeps the same validator.
    compressed = client.get(URL, headers={"If-None-Match": tag, "Accept-Encoding": "br, gzip"})
    assert compressed.status_code == 304
    # The copy the browser kept still posts: its token is this session's.
    token = csrf_token_from(first.get_data(as_text=True))
    done = client.post("/courses/REVAL1/lessons/1/done", data={"csrf_token": token})
    assert done.status_code == 302


def test_progress_or_language_makes_a_new_page(learner_client):
    client = learner_client
    tag = client.get(URL).headers["ETag"]
    post_from(client, URL, "/courses/REVAL1/lessons/1/done")
    client.get("/courses/REVAL1/lessons/2")
    after = client.get(URL, headers={"If-None-Match": tag})
    assert after.status_code == 200 and after.headers["ETag"] != tag
    tag = after.headers["ETag"]
    post_from(client, URL, "/language", locale="en")
    english = client.get(URL, headers={"If-None-Match": tag})
    assert english.status_code == 200 and english.headers["ETag"] != tag


def test_another_session_never_matches(app, learner_client):
    tag = learner_client.get(URL).headers["ETag"]
    other = signed_in_client(app)
    # The same person and page in a new session: the first session's copy holds form
    # tokens this session would refuse, so it must not be reused here.
    other.get(URL)
    assert other.get(URL, headers={"If-None-Match": tag}).status_code == 200
    assert learner_client.get(URL, headers={"If-None-Match": tag}).status_code == 304


def test_other_pages_stay_no_store(learner_client):
    page = learner_client.get("/courses/REVAL1")
    assert page.headers["Cache-Control"] == "no-store" and "ETag" not in page.headers
