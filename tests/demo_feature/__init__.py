"""A host's own feature, for tests/test_features.py: a package plus one line in
``LMS_FEATURES``, with no edit of the LMS. It registers a page, a command, a menu link,
a home-page section, a completion requirement and an export format."""
from __future__ import annotations

from typing import ClassVar

import click
from flask import Blueprint
from markupsafe import Markup

REQUIRES = ("courses",)
demo_blueprint = Blueprint("demo", __name__)
#: Learner ids whose survey is done (the demo requirement's data, kept per process).
SURVEYS_DONE: set[int] = set()


@demo_blueprint.route("/demo-feature")
def page():
    return "demo feature page"


@click.command("demo-hello")
def hello():
    """Say hello from the demo feature."""
    from flask import current_app

    click.echo(f"hello from {current_app.name}")


class SurveyDone:
    """A completion requirement a host adds: the end-of-course survey was sent."""

    sufficient: ClassVar[bool] = False

    def applies(self, course) -> bool:
        return True

    def check(self, enrollment, since=None):
        from courses.requirements import Outcome

        return Outcome(enrollment.learner_id in SURVEYS_DONE)


def load_models() -> None:
    """No tables."""


def init_app(app, state) -> None:
    from lms import cli
    from lms.navigation import NavLink

    state.blueprint.register_blueprint(demo_blueprint)
    cli.add_command(state, hello)
    state.nav_links.register("demo", NavLink("lms.demo.page", "Demo feature link"))
    state.home_sections.register("demo", lambda principal: Markup(
        f"<p id='demo-home'>Demo section for {principal.learner.full_name}</p>"))
    state.completion_requirements.register("survey", SurveyDone())
    state.export_formats.register("demo-csv", {"media_type": "text/csv"})
