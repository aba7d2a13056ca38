"""How the course actions read in the audit log (``state.audit_actions``)."""
from __future__ import annotations

import sqlalchemy as sa
from flask import url_for
from markupsafe import Markup

from lms.audit.sentences import N_, AuditAction, sentence
from lms.i18n import _l, current_locale


def _course_titles(events) -> dict:
    """Titles of the courses a page of events names, in one query."""
    from courses.models import Course
    from lms.db import get_session

    ids = {int(e.object_id) for e in events if e.object_type == "course" and str(e.object_id).isdigit()}
    if not ids:
        return {}
    return {course.id: course for course in get_session().scalars(
        sa.select(Course).where(Course.id.in_(ids)))}


def _course(event, names) -> Markup:
    details = event.details or {}
    course = names.extra.get(event.action, {}).get(int(event.object_id)) \
        if str(event.object_id).isdigit() else None
    if course is None:
        return Markup.escape(details.get("code", "—"))
    return Markup('<a href="{}">{}</a>').format(
        url_for("lms.courses.preview", course_id=course.id), course.title(current_locale()))


def _about_course(message):
    return lambda event, names: sentence(message, actor=names.actor(event), course=_course(event, names),
                                         version=(event.details or {}).get("version", "?"))


ACTIONS = {
    "content.pack_imported": AuditAction(_l("Content pack imported"), _about_course(N_("%(actor)s imported version %(version)s of the course %(course)s.")), _course_titles),
    "content.course_published": AuditAction(_l("Course published"), _about_course(N_("%(actor)s published version %(version)s of the course %(course)s.")), _course_titles),
    "content.course_unpublished": AuditAction(_l("Course unpublished"), _about_course(N_("%(actor)s unpublished version %(version)s of the course %(course)s.")), _course_titles),
}


def register(state) -> None:
    for code, action in ACTIONS.items():
        state.audit_actions.register(code, action)
