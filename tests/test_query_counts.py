"""Issue 14: each learner page runs a fixed number of statements, the same for a small
site and a bigger one (more courses, lessons, learners, attempts): no N+1 anywhere.

The numbers are pinned per page. A change that adds a statement to a page must say
so here; one that saves statements lowers the pin. Statements of the test fixture's
savepoints are not counted; the lesson page's own writes (the visit) are.
"""
import re

import pytest
import sqlalchemy as sa

from tests.conftest import PASSWORD

#: Statements per page, as measured (principal and session lookups included).
PINNED = {
    # The sign-in (session row, account, profile, roles) is one statement of each.
    "home": 14,  # the credits progress once per page, though its section and the mandatory courses both ask
    "catalog": 5,
    "course": 12,
    "lesson": 18,  # includes the visit: lock, upsert, time update, enrolment touch
    "my_learning": 2,
    "question": 4,
    "result": 13,  # the submitted attempts and the latest completion read once per page
    "credits": 10,
}


def count_statements(app, client, url) -> int:
    statements = []

    def remember(conn, cursor, statement, *args):
        statements.append(statement)

    engine = app.extensions["lms"].database.engine
    sa.event.listen(engine, "before_cursor_execute", remember)
    try:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    finally:
        sa.event.remove(engine, "before_cursor_execute", remember)
    # BEGIN is a statement of its own on SQLite only (BEGIN IMMEDIATE, lms.db): not counted.
    return len([s for s in statements if not s.startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO", "BEGIN"))])


def start_and_submit(client, code) -> int:
    client.post(f"/courses/{code}/enrol")
    location = client.post(f"/courses/{code}/quiz/start").headers["Location"]
    attempt_id = int(re.match(r"/attempts/(\d+)/questions/1$", location).group(1))
    return attempt_id


def pages(client, code, attempt_id) -> dict[str, str]:
    return {"home": "/", "catalog": "/courses", "course": f"/courses/{code}",
            "lesson": f"/courses/{code}/lessons/1", "my_learning": "/my-learning",
            "question": f"/attempts/{attempt_id}/questions/1", "result": f"/attempts/{attempt_id}/result",
            "credits": "/credits"}


def measure(app, client, code, attempt_id) -> dict[str, int]:
    urls = pages(client, code, attempt_id)
    counts = {}
    for name in ("question",):  # before the submit: the attempt is open
        counts[name] = count_statements(app, client, urls[name])
    client.post(f"/attempts/{attempt_id}/submit")
    for name, url in urls.items():
        if name != "question":
            counts[name] = count_statements(app, client, url)
    return counts


@pytest.fixture
def seeded(app, app_context, db):
    """The shipped credit defaults, so /credits and the home page show a period."""
    from lms.credits.defaults import seed_defaults
    from lms.dates import today

    with app_context():
        seed_defaults(today().year)
        db.commit()


def test_learner_pages_cost_the_same_on_a_small_and_a_bigger_site(app, client, seeded, create_learner,
                                                                   create_course, login):
    create_learner("Lò Thị Hoa", username="hoa")
    login("hoa", PASSWORD)
    client.get("/")  # the sign-in messages, shown once
    create_course(code="SMALL1", lessons=2, quiz=True)
    small = measure(app, client, "SMALL1", start_and_submit(client, "SMALL1"))

    # A bigger site: more courses with more lessons, the learner enrolled in all with
    # progress, other learners, and an earlier attempt.
    for number in range(2, 6):
        create_course(code=f"MORE{number}", lessons=6, quiz=True)
        client.post(f"/courses/MORE{number}/enrol")
        client.post(f"/courses/MORE{number}/lessons/1/done")
    for number in range(8):
        create_learner(f"Học Viên {number}", username=f"hv{number}")
    create_course(code="LARGE1", lessons=6, quiz=True)
    start_and_submit(client, "LARGE1")
    client.post("/courses/LARGE1/lessons/2/done")
    large = measure(app, client, "LARGE1", start_and_submit(client, "LARGE1"))

    assert large == small, {name: (small[name], large[name]) for name in small if small[name] != large[name]}
    assert small == PINNED, repr(small)
