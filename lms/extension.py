"""The Flask extension object: ``LMS(app)`` or ``lms = LMS(); lms.init_app(app)``."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask
from sqlalchemy.engine import Engine

from lms import config as lms_config
from lms.db import Database, close_session, create_database
from lms.registry import Registry

#: Signature of the host-mode profile hook: host user -> profile fields (see README).
ProfileLoader = Callable[[Any], "dict[str, Any] | None"]


@dataclass
class LMSState:
    """Everything the LMS keeps for one app, at ``app.extensions["lms"]``."""

    database: Database
    #: Host mode when set: maps the host's Flask-Login user to profile fields.
    profile_loader: ProfileLoader | None
    rate_limiter: Any
    #: Pluggable registries, one per app so two apps never share them. The core makes
    #: the empty registries; features fill them in their ``init_app``.
    #: Question types (``quizzes.question_types.QuestionTypeRegistry``), set by quizzes.
    question_types: Any = None
    #: What a course needs before it counts as completed (``courses.requirements``).
    completion_requirements: Registry = field(
        default_factory=lambda: Registry("completion requirement"))
    #: Files of a content pack beside course.yaml and the lessons (``courses.pack_parts``).
    pack_parts: Registry = field(default_factory=lambda: Registry("content-pack part"))
    export_formats: Registry = field(default_factory=lambda: Registry("export format"))
    #: Tables of records offered to the exporters (``lms.datasets.Dataset``).
    export_datasets: Registry = field(default_factory=lambda: Registry("export dataset"))
    #: Columns other features add to the completion records (``lms.datasets.CompletionColumns``).
    completion_export_columns: Registry = field(
        default_factory=lambda: Registry("completion export columns"))
    #: Where completions made outside the LMS come from (``lms.datasets.CompletionOrigins``).
    completion_origins: Registry = field(
        default_factory=lambda: Registry("completion origins"))
    #: HTML other features show with a learner's completion on the course page (the
    #: certificate's link): ``render(completion) -> Markup`` ("" for nothing).
    completion_notes: Registry = field(default_factory=lambda: Registry("completion note"))
    certificate_placeholders: Registry = field(
        default_factory=lambda: Registry("certificate placeholder"))
    #: How each audited action reads in the audit log (``lms.audit.sentences.AuditAction``):
    #: the core registers its own, each feature the actions it records.
    audit_actions: Registry = field(default_factory=lambda: Registry("audit action"))
    #: Main-menu links and home-page sections of the features (``lms.navigation``).
    nav_links: Registry = field(default_factory=lambda: Registry("menu link"))
    home_sections: Registry = field(default_factory=lambda: Registry("home-page section"))
    #: Panels other features add to a course's page (``lms.navigation.CoursePanel``:
    #: ``panel(course, learner)`` → HTML or ""), e.g. the credits the course can earn.
    course_page_panels: Registry = field(default_factory=lambda: Registry("course-page panel"))
    #: Sources of the courses a person must take, with due dates (``lms.mandatory``).
    mandatory_courses: Registry = field(default_factory=lambda: Registry("mandatory-course source"))
    #: Sources of named reporting periods (``lms.reporting_periods``), e.g. credits'
    #: emulation periods offered on HR's certificate ZIP form.
    reporting_periods: Registry = field(default_factory=lambda: Registry("reporting-period source"))
    #: The parent ``lms`` blueprint of this app; features nest theirs in it.
    blueprint: Any = None
    #: This app's ``flask lms`` command group; features add theirs (``lms.cli.add_command``).
    cli: Any = None
    #: Names of the features running in this app, in start order (``lms.features``).
    features: list[str] = field(default_factory=list)
    #: The task queue (lms.tasks.queue.TaskQueue): task handlers, periodic jobs, Huey.
    tasks: Any = None
    #: Head revisions of the LMS migrations, cached by /healthz on first use.
    migration_heads: frozenset[str] | None = None

    @property
    def is_host_mode(self) -> bool:
        return self.profile_loader is not None


class LMS:
    """The learning-management extension.

    :param app: the Flask app to attach to now (or call :meth:`init_app` later).
    :param engine: an SQLAlchemy engine to use instead of ``LMS_DATABASE_URL``.
    :param profile_loader: host mode. A callable receiving the host's logged-in
        Flask-Login user and returning a dict with ``host_user_id``, ``full_name`` and
        optionally ``staff_code``, ``org_unit_code``, ``email``, ``position``; the LMS
        creates the learner profile on first visit and keeps it in sync. The LMS's own
        login views are not registered then: the host owns logins.
    """

    def __init__(
        self,
        app: Flask | None = None,
        *,
        engine: Engine | None = None,
        profile_loader: ProfileLoader | None = None,
    ):
        self._engine = engine
        self._profile_loader = profile_loader
        if app is not None:
            self.init_app(app)

    def init_app(
        self,
        app: Flask,
        *,
        engine: Engine | None = None,
        profile_loader: ProfileLoader | None = None,
    ) -> None:
        """Attach the LMS to ``app``: settings, database, login, translations, routes, CLI."""
        if "lms" in app.extensions:
            raise RuntimeError("The LMS is already initialised on this app.")
        lms_config.apply_defaults(app)
        lms_config.validate(app)

        from lms import babel_setup, cli, features, login_setup, routing
        from lms.auth.rate_limit import LoginRateLimiter
        from lms.models_registry import load_all_models
        from lms.tasks import worker

        enabled = features.enabled_features(app)
        load_all_models(extra_features=enabled)
        state = LMSState(
            database=create_database(app, engine or self._engine),
            profile_loader=profile_loader or self._profile_loader,
            rate_limiter=LoginRateLimiter.from_config(app.config),
        )
        app.extensions["lms"] = state
        app.teardown_appcontext(close_session)
        state.tasks = worker.init_app(app, state)

        babel_setup.init_app(app)
        login_setup.init_app(app, state)
        from lms.audit.core_actions import register_core_actions

        register_core_actions(state)
        state.blueprint = routing.make_parent_blueprint(state)
        state.cli = cli.init_app(app)
        # Features nest their blueprints in the parent before it is registered on the app.
        state.features = features.init_features(app, state)
        routing.register_blueprints(app, state)


def get_state(app: Flask | None = None) -> LMSState:
    """The LMS state of ``app`` (default: the current app)."""
    if app is None:
        from flask import current_app

        app = current_app
    return app.extensions["lms"]
