"""Builds the parent ``lms`` blueprint for one app; the features nest theirs in it.

The parent is built per app (not at import time) so a host-mode app and a standalone
app in the same process get different route sets and share nothing. The core's own
blueprints (auth, admin) are nested here; each feature nests its own from its
``init_app`` (``state.blueprint.register_blueprint(...)``, see ``lms.features``),
before :func:`register_blueprints` puts the parent on the app.
"""
from __future__ import annotations

from flask import Flask, redirect, request, url_for
from werkzeug.routing import IntegerConverter

from lms import compression, config, i18n
from lms.forms import csrf_hidden_field
from lms.db import MAX_ID, committing
from lms.extension import LMSState
from lms.templating import STATIC_DIR, TemplatedBlueprint

#: Name of :class:`IdConverter` in URL rules: ``/units/<lms_id:unit_id>``.
ID_CONVERTER = "lms_id"


def digits_up_to(limit: int) -> str:
    """A regular expression matching the decimal numbers 0…``limit`` (ASCII digits,
    leading zeros allowed), e.g. 0–255: ``[0-9]{1,2}|[0-1][0-9]{2}|2[0-4][0-9]{1}|25[0-4]|255``."""
    text = str(limit)
    options = [f"[0-9]{{1,{len(text) - 1}}}"] if len(text) > 1 else []
    for index, digit in enumerate(text):
        if digit != "0":
            rest = len(text) - index - 1
            options.append(f"{text[:index]}[0-{int(digit) - 1}]" + (f"[0-9]{{{rest}}}" if rest else ""))
    options.append(text)
    return "(?:" + "|".join(options) + ")"


class IdConverter(IntegerConverter):
    """A whole number that fits the id columns, for every numeric LMS path parameter.

    Werkzeug's ``int`` accepts 2^31 (PostgreSQL: "integer out of range") and 2^63 (SQLite:
    OverflowError), both 500s. This one's pattern does not match them, so the address
    falls through to the LMS's 404 page (a converter that refused in ``to_python`` would
    end routing there, with Werkzeug's own page). Converters are app-wide, so it is
    registered under its own name: a host's ``int`` routes stay as they are.
    """

    regex = digits_up_to(MAX_ID)


def make_parent_blueprint(state: LMSState) -> TemplatedBlueprint:
    from lms import core_views, errors
    from lms.admin.blueprint import admin_blueprint

    bp = TemplatedBlueprint(
        "lms", __name__, static_folder=str(STATIC_DIR), static_url_path="/static"
    )
    core_views.register(bp, catch_unknown_paths=not state.is_host_mode)
    # The first after-request hook runs last (Flask runs them in reverse, the nested
    # blueprints' first): every other hook has finished the response it encodes.
    bp.after_request(compression.hook())
    errors.register(bp)
    bp.before_request(i18n.activate_domain)
    bp.before_request(_limit_request_size)
    bp.before_request(_refuse_nul_characters)
    bp.after_request(_security_headers)
    bp.before_request(_force_password_change)
    bp.context_processor(_template_context)
    bp.url_defaults(_hash_static_names)
    if not state.is_host_mode:
        from lms.auth.blueprint import auth_blueprint

        bp.register_blueprint(auth_blueprint)
    bp.register_blueprint(admin_blueprint)
    _register_admin_links(state)
    return bp


def _register_admin_links(state: LMSState) -> None:
    """The core's own management pages, first under "Management" (the features' follow)."""
    from lms.i18n import _l
    from lms.navigation import NavLink

    learner_pages = ("new_learner", "edit_learner", "set_learner_active", "confirm_deactivate",
                     "confirm_reset_password", "reset_password", "confirm_revoke_role",
                     "grant_role", "revoke_role")
    for name, endpoint, label, current in (
        ("learners", "learners", _l("Learners"), learner_pages),
        ("units", "units", _l("Org units"), ("index", "new_unit", "edit_unit", "move_unit")),
        ("import", "import_learners", _l("Import"), ("import_template", "download_credentials")),
        ("audit", "audit", _l("Audit log"), ()),
    ):
        state.nav_links.register(f"admin.{name}", NavLink(
            f"lms.admin.{endpoint}", label, permission="admin.access",
            current=tuple(f"lms.admin.{page}" for page in current), section="manage"))


def _hash_static_names(endpoint: str, values: dict) -> None:
    """``url_for("lms.static", filename="lms.css")`` names the file by its content
    (``lms.assets``): templates write plain names, browsers cache each version a year."""
    if endpoint == "lms.static" and "filename" in values:
        from lms.assets import recent_hashed_name

        values["filename"] = recent_hashed_name(STATIC_DIR, values["filename"])


def register_blueprints(app: Flask, state: LMSState) -> None:
    """Put the parent blueprint (``state.blueprint``, features nested) on the app."""
    if not (app.debug or app.testing) and config.secret_key_problem(app):
        # Loaded by `flask lms …` without a key (lms.config.loading_for_a_command): the
        # commands run, but should this app ever be served, no LMS page is answered.
        state.blueprint.before_request(_refuse_without_secret_key)
    prefix = app.config["LMS_URL_PREFIX"] or None
    # Before the rules are added: Werkzeug resolves converters when a rule is bound.
    app.url_map.converters[ID_CONVERTER] = IdConverter
    app.register_blueprint(state.blueprint, url_prefix=prefix)
    _commit_at_the_end_of_lms_views(app)


def _commit_at_the_end_of_lms_views(app: Flask) -> None:
    """The one commit point of a request (indico's ``RH.process``): every LMS endpoint,
    a feature's included, commits when it returns and rolls back when it raises
    (:func:`lms.db.committing`). Wrapped here, after registration, so no view and no
    feature has to remember it; the host's own endpoints are left alone."""
    for endpoint, view in app.view_functions.items():
        if endpoint.startswith("lms."):
            app.view_functions[endpoint] = committing(view)


def _refuse_without_secret_key():
    """A plain 503: the LMS's error page itself needs the key (its forms carry CSRF)."""
    from flask import Response, current_app

    current_app.logger.error("LMS refused a request: %s", config.secret_key_problem(current_app))
    return Response("Service unavailable: the server is not configured.\n", 503,
                    mimetype="text/plain")


STRICT_CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
              "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
STANDALONE_LAYOUT = "lms/layout.html"


def _security_headers(response):
    """Headers for LMS responses only (the host's own pages keep theirs), error pages
    included: the error handlers are the blueprint's, so this hook runs after them too."""
    from flask import current_app

    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    # Pages show names, records, temporary passwords: no copy may stay in a browser or
    # proxy cache. Responses that chose their own policy (static files, course images)
    # keep it.
    response.headers.setdefault("Cache-Control", "no-store")
    permissions = current_app.config["LMS_PERMISSIONS_POLICY"]
    if permissions:
        response.headers.setdefault("Permissions-Policy", permissions)
    policy = current_app.config["LMS_CONTENT_SECURITY_POLICY"]
    if policy == "auto":
        policy = STRICT_CSP if current_app.config["LMS_BASE_TEMPLATE"] == STANDALONE_LAYOUT else None
    if policy:
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("X-Frame-Options", "DENY")
    return response


#: Room for the other form fields of an upload beside the file itself.
_FORM_OVERHEAD_BYTES = 64 * 1024


def _limit_request_size():
    """Refuse oversized bodies (413) before Werkzeug reads them, on LMS routes only: a
    host's own limits stay as the host set them."""
    from flask import current_app

    request.max_content_length = current_app.config["LMS_MAX_UPLOAD_BYTES"] + _FORM_OVERHEAD_BYTES


def _refuse_nul_characters():
    """A NUL character in the address or a form field ends here with a 400 page.

    PostgreSQL cannot hold NUL in text (nor compare with it), so a search, a login or a
    staff code carrying one would fail deep in a query. No legitimate input holds NUL.
    """
    from lms.errors import InvalidCharacters

    if "\x00" in request.path or _holds_nul(request.args):
        raise InvalidCharacters()
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        if _holds_nul(request.form) or any(
                "\x00" in name or "\x00" in (upload.filename or "")
                for name, upload in request.files.items(multi=True)):
            raise InvalidCharacters()


def _holds_nul(values) -> bool:
    return any("\x00" in key or "\x00" in value for key, value in values.items(multi=True))


_PASSWORD_CHANGE_EXEMPT = {"lms.auth.change_password", "lms.auth.logout", "lms.static",
                           "lms.health", "lms.set_language"}


def _force_password_change():
    """After an admin reset, nothing but the change-password page until it is done."""
    from flask_login import current_user

    if request.endpoint in _PASSWORD_CHANGE_EXEMPT or not current_user:
        return None
    if getattr(current_user, "must_change_password", False) and current_user.is_authenticated:
        return redirect(url_for("lms.auth.change_password"))
    return None


def _template_context() -> dict:
    from flask import current_app

    from lms.auth.principal import current_principal
    from lms.policy import can

    principal = current_principal()
    return {
        "lms_base_template": current_app.config["LMS_BASE_TEMPLATE"],
        "lms_principal": principal,
        "lms_can": lambda action, obj=None: can(principal, action, obj),
        "lms_locale": i18n.current_locale(),
        "lms_locales": current_app.config["LMS_LOCALES"],
        "lms_host_mode": current_app.extensions["lms"].is_host_mode,
        "lms_organisation": i18n.localized(current_app.config["LMS_ORGANISATION_NAME"]),
        "format_day": i18n.format_day,
        "format_moment": i18n.format_moment,
        "format_score": i18n.format_score,
        "format_number": i18n.format_number,
        "localized": i18n.localized,
        "csrf_field": _csrf_field,
        "lms_csrf_field": csrf_hidden_field,
        "lms_nav_links": lambda section: _nav_links(principal, section),
        # Kept for hosts' template overrides; the LMS's own header uses lms_csrf_field.
        "lms_language_form": _language_form,
        "lms_logout_form": _logout_form,
    }


def _nav_links(principal, section: str) -> list:
    """The menu links ``principal`` may follow in ``section``, worked out once per request:
    the header writes the menu twice (phone and wide screen), and every template of a
    page (the home page's sections too) gets this context."""
    from flask import current_app, g

    from lms.policy import can

    memo = g.setdefault("lms_nav_links", {})
    learner = principal.learner
    key = (learner.id if learner is not None else None, principal.roles, principal.hr_unit_paths, section)
    if key not in memo:
        memo[key] = [link for link in current_app.extensions["lms"].nav_links.values()
                     if link.section == section and (link.permission is None or can(principal, link.permission))]
    return memo[key]


def _csrf_field(form):
    """The form's CSRF token without an id (several forms share a page), if CSRF is on."""
    from markupsafe import Markup

    token = getattr(form, "csrf_token", None)
    return token(id=False) if token is not None else Markup("")


def _language_form():
    from lms.core_views import LanguageForm

    return LanguageForm(formdata=None)  # rendering only: never parse this request's body


def _logout_form():
    from lms.forms import ButtonForm

    return ButtonForm(formdata=None)
