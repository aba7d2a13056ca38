"""Authors' pages: upload a pack (zip), preview it in both languages, publish or not."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy.exc import IntegrityError

from courses import legal_refs, pack_operations
from courses.forms import TOPIC_LABELS, PackUploadForm
from courses.models import Course, Topic
from courses.pack_files import PackFilesError, read_zip
from courses.pack_validation import validate_pack
from courses.queries import course_version_or_404, lesson_html
from lms.auth.access import require
from lms.auth.principal import current_principal
from lms.db import get_session
from lms.extension import get_state
from lms.forms import ButtonForm
from lms.i18n import _


@require("content.author")
def list_courses():
    # Courses taken elsewhere (Topic.EXTERNAL) are records of verified evidence, not content.
    courses = get_session().scalars(sa.select(Course).where(Course.topic != Topic.EXTERNAL)
                                    .order_by(Course.code, Course.version.desc())).all()
    return render_template("lms/courses/author_courses.html", courses=courses,
                           review_due={course.id: _review_due(course) for course in courses},
                           button_form=ButtonForm(), topic_labels=TOPIC_LABELS)


def _review_due(course: Course) -> list[str]:
    """Why this version needs a legal review ("cần rà soát"), as translated sentences."""
    reasons = legal_refs.review_reasons(course.legal_references or [], course.review_by,
                                        legal_refs.shipped_registry(), dt.date.today())
    return [_("the review date %(date)s has passed", date=reason.date.strftime("%d/%m/%Y"))
            if reason.kind == "review_by_passed" else
            _("%(number)s was replaced by %(successor)s on %(date)s", number=reason.number,
              successor=reason.successor, date=reason.date.strftime("%d/%m/%Y"))
            for reason in reasons]


@require("content.author")
def upload_pack():
    form = PackUploadForm()
    errors = []
    if form.validate_on_submit():
        data = form.pack.data.read()  # its size is checked by the form (upload_size)
        try:
            warnings = []
            pack, errors = validate_pack(read_zip(data), get_state().pack_parts, warnings=warnings)
            if pack is not None:
                result = pack_operations.import_pack(pack, publish=False,
                                                     actor=current_principal().learner)
                flash(_("The pack was imported as a draft: check it, then publish it.")
                      if result.created else _("This version was already imported."), "success")
                _flash_warnings(warnings)
                return redirect(url_for("lms.courses.preview", course_id=result.course.id))
        except PackFilesError as error:
            errors = error.errors
        except pack_operations.PackImportError as error:
            get_session().rollback()
            form.pack.errors.append(str(error))
        except IntegrityError:
            get_session().rollback()  # the same version was imported by a parallel request
            form.pack.errors.append(_("This version is being imported right now; reload in a moment."))
    return render_template("lms/courses/upload_pack.html", form=form, errors=errors)


#: Warnings shown after an upload (the rest are counted): flashes live in the session cookie.
MAX_FLASHED_WARNINGS = 3


def _flash_warnings(warnings) -> None:
    for warning in warnings[:MAX_FLASHED_WARNINGS]:
        flash(_("Warning: %(problem)s", problem=str(warning)), "info")
    if len(warnings) > MAX_FLASHED_WARNINGS:
        flash(_("%(count)d more warnings: run validate-pack on the pack to see them all.",
                count=len(warnings) - MAX_FLASHED_WARNINGS), "info")


@require("content.author")
def preview(course_id: int):
    course = course_version_or_404(course_id)
    locale = request.args.get("lang") if request.args.get("lang") in ("vi", "en") else "vi"
    # The sections of the files other features own (the quiz), from their pack parts.
    part_sections = [part.preview(course, locale) for part in get_state().pack_parts.values()]
    return render_template("lms/courses/preview.html", course=course, preview_locale=locale,
                           lessons=[(lesson, lesson_html(lesson, locale)) for lesson in course.lessons],
                           part_sections=part_sections, button_form=ButtonForm(),
                           topic_labels=TOPIC_LABELS)


@require("content.author")
def publish(course_id: int):
    course = course_version_or_404(course_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    pack_operations.publish_course(course, actor=current_principal().learner)
    flash(_("Version %(version)d of %(code)s is published.", version=course.version, code=course.code), "success")
    return redirect(url_for("lms.courses.author_courses"))


@require("content.author")
def unpublish(course_id: int):
    course = course_version_or_404(course_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    pack_operations.unpublish_course(course, actor=current_principal().learner)
    flash(_("Version %(version)d of %(code)s is no longer published.", version=course.version,
            code=course.code), "success")
    return redirect(url_for("lms.courses.author_courses"))


@require("content.author")
def confirm_unpublish(course_id: int):
    """Before unpublishing: what learners lose (a GET; the button POSTs to ``unpublish``)."""
    from lms.i18n import current_locale

    course = course_version_or_404(course_id)
    return render_template(
        "lms/confirm.html", form=ButtonForm(formdata=None),
        heading=_("Unpublish %(title)s?", title=course.title(current_locale())),
        question=_("Version %(version)d of %(code)s leaves the catalog.", version=course.version,
                   code=course.code),
        consequences=[_("Learners can no longer open its lessons or start its quiz."),
                      _("Completions, certificates and credits already earned stay.")],
        action_url=url_for("lms.courses.unpublish", course_id=course.id), button=_("Unpublish"),
        cancel_url=url_for("lms.courses.author_courses"))
