"""Routes of the parent blueprint itself: home, health, language switch."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, current_app, redirect, render_template, session, url_for
from wtforms import HiddenField

from lms.auth.access import require
from lms.db import get_session
from lms.forms import LmsForm
from lms.i18n import SESSION_LOCALE_KEY
from lms.safe_redirect import safe_next_url


class LanguageForm(LmsForm):
    locale = HiddenField()
    next = HiddenField()


@require("learn")
def index():
    """Home: what to do next — mandatory courses still open, then the courses in progress."""
    from courses import queries as course_queries
    from lms.auth.principal import current_principal

    learner_id = current_principal().learner.id
    in_progress = [row for row in course_queries.my_learning(learner_id) if not row[2]]
    return render_template("lms/home.html", in_progress=in_progress,
                           mandatory=course_queries.open_mandatory_courses(learner_id))


def health():
    """Liveness for load balancers: 200 when the database answers, 503 when not."""
    try:
        get_session().execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        current_app.logger.exception("LMS health check: database unreachable")
        return {"status": "unavailable", "database": "error"}, 503
    return {"status": "ok", "database": "ok"}, 200


def set_language():
    """Remember the chosen language in the session and on the learner's profile."""
    form = LanguageForm()
    target = safe_next_url(form.next.data) or url_for("lms.index")
    locale = form.locale.data
    if not form.validate_on_submit() or locale not in current_app.config["LMS_LOCALES"]:
        return redirect(target)
    session[SESSION_LOCALE_KEY] = locale
    from lms.auth.principal import current_principal

    learner = current_principal().learner
    if learner is not None and learner.locale != locale:
        learner.locale = locale
        get_session().commit()
    return redirect(target)


def register(bp: Blueprint) -> None:
    bp.add_url_rule("/", "index", index)
    bp.add_url_rule("/healthz", "health", health)
    bp.add_url_rule("/language", "set_language", set_language, methods=["POST"])
