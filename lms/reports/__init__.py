"""HR reports: learners of the HR officer's org-unit subtrees and their learning records.

A feature (``lms.features``), although it sits inside ``lms``: it reads the tables of
``courses`` and ``quizzes``. The core imports it only by name, through the feature list.
"""
from __future__ import annotations

#: Features that must be enabled before this one.
REQUIRES: tuple[str, ...] = ("courses", "quizzes")


def load_models() -> None:
    """No tables of its own."""


def init_app(app, state) -> None:
    from lms.i18n import _l
    from lms.navigation import NavLink
    from lms.reports.blueprint import reports_blueprint
    from lms.reports.home import home_section

    state.blueprint.register_blueprint(reports_blueprint)
    state.nav_links.register("reports", NavLink(
        "lms.reports.learners", _l("Learning records"), permission="reports.view",
        current=("lms.reports.",), section="manage"))
    state.home_sections.register("reports", home_section)
