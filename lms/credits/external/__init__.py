"""External completions: a course taken outside the LMS (a Bình dân học vụ số
confirmation, a class at the provincial political school) submitted with its evidence,
verified or rejected by HR of the learner's unit, and — verified — recorded as a
completion through the completion requirements, so it credits like any other.

Part of the ``lms.credits`` feature (its ``init_app`` calls :func:`init_app`); see
docs/credits.md, "External completions".
"""
from __future__ import annotations


def init_app(app, state) -> None:
    """The sufficient completion requirement, the HR queue in the menu, audit sentences
    (the pages come with the credit blueprint, which nests this package's)."""
    from lms.credits.external import audit_actions
    from lms.credits.external.requirement import VerifiedExternalCompletion
    from lms.i18n import _l
    from lms.navigation import NavLink

    state.completion_requirements.register("external", VerifiedExternalCompletion())
    state.nav_links.register("credits.external_review", NavLink(
        "lms.credits.external.review", _l("External completions"), permission="external.review",
        section="manage", current=("lms.credits.external.",),
        not_current=("lms.credits.external.mine", "lms.credits.external.submit")))
    audit_actions.register(state)
