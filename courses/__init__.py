"""Courses: content packs, lessons, enrolment, progress and completion.

A feature (``lms.features``): the core imports it only by name, through the feature
list. Courses owns completion and knows no other feature: they add completion
requirements (``courses.requirements``) and content-pack parts (``courses.pack_parts``)
through the app's registries.
"""
from __future__ import annotations

#: Features that must be enabled before this one.
REQUIRES: tuple[str, ...] = ()


def load_models() -> None:
    import courses.models  # noqa: F401  (the import defines the tables)


def init_app(app, state) -> None:
    """Nest the course pages, add the pack commands, register "all lessons done", the
    menu links and home section, and decide completion again on ``quiz_submitted``."""
    from courses import audit_actions, cli, operations, requirements
    from courses.mandatory import PackMandatoryCourses
    from courses.blueprint import courses_blueprint
    from lms import cli as lms_cli
    from lms import signals
    from lms.i18n import _l
    from lms.navigation import NavLink

    state.blueprint.register_blueprint(courses_blueprint)
    for command in cli.COMMANDS:
        lms_cli.add_command(state, command)
    requirements.register_defaults(state.completion_requirements)
    learner_pages = ("lms.courses.catalog", "lms.courses.course", "lms.courses.lesson",
                     "lms.courses.my_learning")
    state.nav_links.register("courses.catalog", NavLink(
        "lms.courses.catalog", _l("Courses"), current=("lms.courses.course", "lms.courses.lesson")))
    state.nav_links.register("courses.my_learning", NavLink("lms.courses.my_learning", _l("My learning")))
    state.nav_links.register("courses.author", NavLink(
        "lms.courses.author_courses", _l("Course content"), permission="content.author",
        current=("lms.courses.",), not_current=learner_pages, section="manage"))
    state.home_sections.register("courses", home_section)
    state.mandatory_courses.register("courses", PackMandatoryCourses())
    audit_actions.register(state)
    signals.quiz_submitted.connect(operations.on_quiz_submitted, sender=app)


def home_section(principal):
    """What to do next: mandatory courses (open, then done), then courses in progress."""
    from courses import home

    return home.render(principal.learner)
