"""Seams through which features put links in the main menu and sections on the home
page, so the core's templates name no feature's endpoints.

A feature registers in its ``init_app``::

    state.nav_links.register("courses", NavLink("lms.courses.catalog", _l("Courses"),
                                                current=("lms.courses.course",)))
    state.home_sections.register("courses", render_my_courses)

Links are shown in registration order (feature list order), after "Home". A link of
the ``manage`` section (the pages of HR, authors and admins) goes under the menu's
"Management" entry: a learner's row stays short, and an admin's sixteen pages do not
wrap the header into three lines.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


#: The menu's sections, in the order shown.
SECTIONS = ("learn", "manage")


@dataclass(frozen=True)
class NavLink:
    """One entry of the main menu."""

    #: The endpoint linked to (``url_for`` without arguments).
    endpoint: str
    #: Lazy translated label (``lms.i18n._l``).
    label: Any
    #: Policy action the viewer needs (``lms.policy``), None for every signed-in user.
    permission: str | None = None
    #: Other endpoints (or prefixes ending in ".") on which this entry is the current page.
    current: tuple[str, ...] = ()
    #: Endpoints excluded from ``current`` prefixes (a more specific entry owns them).
    not_current: tuple[str, ...] = ()
    #: ``learn`` (the learner's own pages, in the row) or ``manage`` (under "Management").
    section: str = "learn"

    def __post_init__(self) -> None:
        if self.section not in SECTIONS:
            raise ValueError(f"menu section must be one of {SECTIONS}, not {self.section!r}")

    def is_current(self, endpoint: str | None) -> bool:
        if not endpoint or endpoint in self.not_current:
            return False
        if endpoint == self.endpoint:
            return True
        return any(endpoint == c or (c.endswith(".") and endpoint.startswith(c))
                   for c in self.current)


#: A home-page section: called with the current principal, returns HTML (Markup) or "".
HomeSection = Callable[[Any], Any]


#: A course-page panel: called with the course version shown and the viewer's learner
#: profile, returns HTML (Markup) or "". Courses renders them below the summary.
CoursePanel = Callable[[Any, Any], Any]
