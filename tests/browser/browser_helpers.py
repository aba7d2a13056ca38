"""Helpers of the browser tests: what axe-core finds serious, and the key of a learner's
attempt with the way a learner answers each question."""
import sqlalchemy as sa
from axe_playwright_python.sync_playwright import Axe

SERIOUS = {"serious", "critical"}


def serious_violations(page):
    results = Axe().run(page)
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
            for v in results.response["violations"] if v["impact"] in SERIOUS]


def correct_answers(live_app, username):
    """The key of the learner's attempt, read from the database by the test (the pages
    never carry it): [(type, payload)] in the attempt's order."""
    from lms.accounts.models import Learner, User
    from lms.db import get_session
    from quizzes.models import Attempt, Question

    with live_app.app_context():
        session = get_session()
        learner_id = session.scalar(sa.select(Learner.id).join(User).where(User.username == username))
        attempt = session.scalars(sa.select(Attempt).where(Attempt.learner_id == learner_id)
                                  .order_by(Attempt.id.desc())).first()
        questions = {q.id: q for q in session.scalars(sa.select(Question).where(Question.id.in_(attempt.question_ids)))}
        return [(questions[qid].type, questions[qid].payload) for qid in attempt.question_ids]


def answer(page, question_type, payload):
    """Pick by the label a learner reads: the inputs carry only this attempt's tokens."""
    if question_type in ("single", "multiple"):
        for choice in payload["choices"]:
            if choice["correct"]:
                page.get_by_label(choice["text"]["vi"], exact=True).check()
    elif question_type == "true_false":
        page.get_by_label("Đúng" if payload["answer"] else "Sai", exact=True).check()
    elif question_type == "numeric":
        page.locator("input[name='answer']").fill(f"{payload['answers'][0]['value']:g}")
    else:
        page.locator("input[name='answer']").fill(payload["answers"][0]["text"])
