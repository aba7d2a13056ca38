"""Routes of the parent blueprint itself: home, health, language switch."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect
from wtforms import HiddenField

from lms.auth.access import require
from lms.db import get_session
from lms.extension import get_state
from lms.forms import LmsForm
from lms.i18n import SESSION_LOCALE_KEY
from lms.migrations_runner import VERSION_TABLE, head_revisions
from lms.safe_redirect import safe_next_url


class LanguageForm(LmsForm):
    locale = HiddenField()
    next = HiddenField()


@require("learn")
def index():
    """Home: each feature's section (courses: mandatory courses still open, then the
    courses in progress), in feature-list order (``state.home_sections``)."""
    from lms.auth.principal import current_principal

    principal = current_principal()
    sections = [section(principal) for section in get_state().home_sections.values()]
    return render_template("lms/home.html", lms_home_sections=sections)


def health():
    """Readiness for load balancers: 200 when the database answers and its schema is at
    the migration head; 503 with the reason otherwise (a server started on a database
    nobody upgraded must not get traffic). Costs two one-row queries: the head revisions
    are read from the migration scripts once per app."""
    db = get_session()
    try:
        db.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        current_app.logger.exception("LMS health check: database unreachable")
        return {"status": "unavailable", "database": "error"}, 503
    expected = _migration_heads()
    try:
        found = set(db.scalars(sa.text(f"SELECT version_num FROM {VERSION_TABLE}")))
    except sa.exc.SQLAlchemyError:
        db.rollback()
        return _schema_unavailable("missing", None, expected,
                                   "no LMS schema in this database: run `flask lms db upgrade`")
    if found != expected:
        return _schema_unavailable(
            "outdated", found, expected,
            f"the schema is at {_revisions(found)}, the code expects {_revisions(expected)}: "
            "run `flask lms db upgrade`")
    return {"status": "ok", "database": "ok", "schema": "ok"}, 200


def _schema_unavailable(schema: str, found, expected, reason: str):
    current_app.logger.error("LMS health check: %s", reason)
    return {"status": "unavailable", "database": "ok", "schema": schema,
            "revision": _revisions(found) if found else None, "expected": _revisions(expected),
            "reason": reason}, 503


def _revisions(revisions) -> str:
    return ", ".join(sorted(revisions))


def _migration_heads() -> frozenset[str]:
    """The head revisions of the LMS migrations, read once per app (scripts don't change
    while it runs)."""
    state = get_state()
    if state.migration_heads is None:
        state.migration_heads = frozenset(head_revisions())
    return state.migration_heads


def not_found(unknown: str):
    """Any other address under the LMS (standalone only): the LMS's own translated 404 —
    or 405 when the address exists for other methods — with the LMS's headers. Without
    this rule Werkzeug answers such addresses itself, outside the blueprint."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    allowed = set()
    for method in ("GET", "POST"):
        if method == request.method:
            continue
        try:
            endpoint, _args = adapter.match(method=method)
        except (NotFound, MethodNotAllowed, RequestRedirect):
            continue
        if endpoint != request.endpoint:
            allowed.add(method)
    if allowed:
        raise MethodNotAllowed(valid_methods=sorted(allowed))
    abort(404)


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
    return redirect(target)


#: Methods the catch-all answers (with 404 or 405).
_ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]


def register(bp: Blueprint, *, catch_unknown_paths: bool) -> None:
    """Add the parent blueprint's routes. ``catch_unknown_paths``: standalone, where every
    address belongs to the LMS; in host mode unknown addresses stay the host's 404s."""
    bp.add_url_rule("/", "index", index)
    bp.add_url_rule("/healthz", "health", health)
    bp.add_url_rule("/language", "set_language", set_language, methods=["POST"])
    if catch_unknown_paths:
        # The lowest-priority rule Werkzeug has: every real route and redirect wins.
        bp.add_url_rule("/<path:unknown>", "not_found", not_found, methods=_ALL_METHODS)
