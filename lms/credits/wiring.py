"""What ``lms.credits.init_app`` registers on the app's state (kept out of __init__ so
importing the package stays cheap)."""

from __future__ import annotations


def init_app(app, state) -> None:
    from lms import signals
    from lms.credits import audit_actions, cli, external, operations
    from lms.credits.blueprint import credits_blueprint
    from lms.credits.datasets import register_datasets
    from lms.credits.mandatory import TargetMandatoryCourses
    from lms.credits.reporting_periods import EmulationReportingPeriods
    from lms.i18n import _l
    from lms.navigation import NavLink

    # A group of its own (``flask lms credits …``); its commands push the app context
    # themselves (AppGroup), so the group is added as it is, not wrapped like a command.
    state.cli.add_command(cli.credits_cli)
    signals.course_completed.connect(operations.on_course_completed, sender=app)
    signals.certificate_revoked.connect(operations.on_certificate_revoked, sender=app)
    state.blueprint.register_blueprint(credits_blueprint)
    state.nav_links.register("credits.mine", NavLink(
        "lms.credits.mine", _l("My credits"),
        current=("lms.credits.external.mine", "lms.credits.external.submit")))
    state.nav_links.register(
        "credits.standings",
        NavLink("lms.credits.standings", _l("Standings"), permission="credits.view_standings",
                section="manage"),
    )
    state.nav_links.register(
        "credits.manage",
        NavLink(
            "lms.credits.manage",
            _l("Credit rules"),
            permission="credits.manage",
            section="manage",
            current=("lms.credits.edit_",),
        ),
    )
    state.nav_links.register(
        "credits.shortlist",
        NavLink(
            "lms.credits.shortlist",
            _l("Emulation shortlist"),
            permission="credits.view_standings",
            section="manage",
            current=("lms.credits.appraisals",),
        ),
    )
    audit_actions.register(state)
    external.init_app(app, state)
    state.home_sections.register("credits", home_section)
    state.course_page_panels.register("credits", course_panel)
    state.mandatory_courses.register("credits", TargetMandatoryCourses())
    state.reporting_periods.register("credits", EmulationReportingPeriods())
    register_datasets(state)


def home_section(principal):
    """The learner's credits this period against the target, with a link to the page."""
    from flask import render_template
    from markupsafe import Markup

    from lms.credits import progress, queries
    from lms.credits.labels import STATUS_LABELS
    from lms.credits.rules import format_credits
    from lms.dates import today

    period = queries.period_on(today())
    if period is None:
        return ""
    mine = progress.learner_progress(principal.learner, period, today())
    return Markup(
        render_template(
            "lms/credits/_home.html",
            progress=mine,
            status_labels=STATUS_LABELS,
            fmt_credits=format_credits,
        )
    )


def course_panel(course, learner):
    """What the course can earn today under the rules in force (nothing: no panel)."""
    from flask import render_template
    from markupsafe import Markup

    from lms.credits import course_value
    from lms.credits.rules import format_credits

    found = course_value.course_value(course, learner)
    if found is None:
        return ""
    period, lines = found
    return Markup(
        render_template(
            "lms/credits/_course_panel.html", period=period, lines=lines, fmt_credits=format_credits
        )
    )
