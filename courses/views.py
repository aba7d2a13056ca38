"""Learner pages: catalog, course, lessons, progress, my learning (load → authorize → act)."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Response, abort, flash, make_response, redirect, render_template, request, url_for

from courses import learning_time, lesson_outline, operations, queries, requirements
from courses import self_check as self_checks
from courses.forms import TOPIC_LABELS, CatalogFilterForm, SelfCheckForm
from courses.models import Course, CourseMedia, Lesson, Topic
from lms.auth.access import require
from lms.auth.principal import current_principal
from lms.conditional import revalidated
from lms.db import get_session, write_during_read_request
from lms.extension import get_state
from lms.forms import ButtonForm
from lms.i18n import _, current_locale, localized_attr
from lms.policy import can


def _current_course_or_404(code: str) -> Course:
    course = queries.current_course(code)
    if course is None:
        abort(404)
    return course


def _course_for_learner(code: str):
    """The version this learner studies: their enrolment's, else the newest published."""
    learner = current_principal().learner
    enrollment = queries.enrollment_for(learner.id, code)
    course = enrollment.course if enrollment else _current_course_or_404(code)
    return learner, course, enrollment


@require("learn")
def catalog():
    form = CatalogFilterForm(request.args)
    topic = Topic(form.topic.data) if form.topic.data in {t.value for t in Topic} else None
    courses = queries.catalog(topic, form.q.data if form.validate() else None)
    progress = queries.catalog_progress(current_principal().learner.id, courses)
    return render_template("lms/courses/catalog.html", form=form, courses=courses,
                           progress=progress, topic_labels=TOPIC_LABELS)


@require("learn")
def course(code: str):
    learner, course, enrollment = _course_for_learner(code)
    progress = queries.progress(learner.id, course, enrollment)
    next_lesson = queries.next_lesson(course, progress.done_lesson_ids)
    notes = [render(progress.completion) for render in get_state().completion_notes.values()] \
        if progress.completion else []
    return render_template("lms/courses/course.html", course=course, progress=progress,
                           next_lesson=next_lesson, completion_notes=notes,
                           requirement_sections=requirements.course_page_sections(
                               get_state().completion_requirements, course, progress, next_lesson),
                           feature_panels=[panel(course, learner) for panel
                                           in get_state().course_page_panels.values()],
                           topic_labels=TOPIC_LABELS, button_form=ButtonForm())


@require("learn")
def enrol(code: str):
    course = _current_course_or_404(code)
    if not ButtonForm().validate_on_submit():
        abort(400)
    learner = current_principal().learner
    enrollment = operations.enrol(learner, course)
    progress = queries.progress(learner.id, enrollment.course, enrollment)
    target = queries.next_lesson(enrollment.course, progress.done_lesson_ids)
    if target is None:
        return redirect(url_for("lms.courses.course", code=code))
    return redirect(url_for("lms.courses.lesson", code=code, number=target.number))


@require("learn")
def lesson(code: str, number: int):
    learner, course, enrollment = _course_for_learner(code)
    if enrollment is None:
        flash(_("Start the course first: your progress is then saved as you go."), "info")
        return redirect(url_for("lms.courses.course", code=code))
    lesson = _lesson_or_404(course, number)
    # Opening the page is what the server measures learning time by (courses.learning_time).
    with write_during_read_request():
        time = operations.record_lesson_visit(enrollment, lesson)
    # The visit is recorded either way; an unchanged page travels as a 304 (lms.conditional).
    page, status = _lesson_page(learner, course, enrollment, lesson, seconds_left=time.seconds_left)
    return revalidated(make_response(page, status))


def _lesson_or_404(course: Course, number: int) -> Lesson:
    lesson = next((item for item in course.lessons if item.number == number), None)
    if lesson is None:
        abort(404)
    return lesson


def _lesson_page(learner, course, enrollment, lesson, *, seconds_left: int,
                 not_ready: operations.LessonNotReady | None = None, status: int = 200,
                 answer: SelfCheckAnswer | None = None):
    progress = queries.progress(learner.id, course, enrollment)
    previous = next((item for item in course.lessons if item.number == lesson.number - 1), None)
    following = next((item for item in course.lessons if item.number == lesson.number + 1), None)
    body, contents = lesson_outline.outline(queries.lesson_html(lesson, current_locale()))
    # The last lesson leads on to what completes the course (the final quiz …).
    closing = requirements.course_page_sections(get_state().completion_requirements, course,
                                                progress, None) if following is None else []
    return render_template("lms/courses/lesson.html", course=course, lesson=lesson, body=body,
                           contents=contents if len(contents) >= lesson_outline.MIN_SECTIONS else [],
                           closing_sections=closing,
                           progress=progress, previous=previous, following=following,
                           is_done=lesson.id in progress.done_lesson_ids, button_form=ButtonForm(),
                           minutes_left=learning_time.minutes_left(seconds_left) if seconds_left else 0,
                           not_ready=not_ready, self_checks=_self_checks(lesson),
                           self_check_form=SelfCheckForm(formdata=None), answer=answer), status


def _self_checks(lesson: Lesson) -> list[self_checks.SelfCheckQuestion]:
    """The questions of the lesson in the page's language (read from its stored Markdown)."""
    return self_checks.questions_of(localized_attr(lesson, "source"))


class SelfCheckAnswer:
    """What the lesson page shows under self-check ``number`` after an answer: the chosen
    option's feedback, or why the answer could not be read."""

    def __init__(self, number: int, choice: int | None = None, correct: bool = False,
                 feedback: str = "", error: str | None = None):
        self.number, self.choice, self.correct = number, choice, correct
        self.feedback, self.error = feedback, error


@require("learn")
def self_check(code: str, number: int, question: int):
    """Answer one self-check question: the lesson again, with the feedback at the question.

    Formative only: nothing is written (no attempt, response, time or completion), so it
    needs no commit and can never count toward a grade or a credit.
    """
    learner, course, enrollment = _course_for_learner(code)
    lesson = next((item for item in course.lessons if item.number == number), None)
    if lesson is None or enrollment is None:
        abort(404)
    questions = _self_checks(lesson)
    if not 1 <= question <= len(questions):
        abort(404)
    form = SelfCheckForm()
    item = questions[question - 1]
    if not form.validate_on_submit() or not 0 <= (form.choice.data or 0) < len(item.choices):
        if "csrf_token" in form.errors:
            abort(400)
        answer = SelfCheckAnswer(question, error=_("Choose an answer first."))
        return _lesson_page(learner, course, enrollment, lesson, seconds_left=0, answer=answer,
                            status=400)
    chosen = item.choices[form.choice.data]
    return _lesson_page(learner, course, enrollment, lesson, seconds_left=0, answer=SelfCheckAnswer(
        question, form.choice.data, chosen.correct, chosen.feedback))


@require("learn")
def lesson_done(code: str, number: int):
    learner, course, enrollment = _course_for_learner(code)
    lesson = next((item for item in course.lessons if item.number == number), None)
    if lesson is None or enrollment is None:
        abort(404)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        operations.mark_lesson_done(enrollment, lesson, learner)
    except operations.LessonNotReady as not_ready:
        get_session().rollback()  # nothing was written; this ends the lock on the enrolment
        # The lesson again, with how long is left: a plain page, no script needed.
        return _lesson_page(learner, course, enrollment, lesson, seconds_left=not_ready.seconds_left,
                            not_ready=not_ready, status=409)
    following = next((item for item in course.lessons if item.number == number + 1), None)
    if following is not None:
        return redirect(url_for("lms.courses.lesson", code=code, number=following.number))
    flash(_("You have read every lesson of this course."), "success")
    return redirect(url_for("lms.courses.course", code=code))


@require("learn")
def my_learning():
    rows = queries.my_learning(current_principal().learner.id)
    return render_template("lms/courses/my_learning.html", rows=rows)


@require("learn")
def media(course_id: int, path: str):
    """A course image. A draft's images are the authors' until it is published: learners
    get them for published versions and for the version they are enrolled in (which may
    have been withdrawn since); anyone else gets the same 404 as for a missing image."""
    course = get_session().get(Course, course_id)
    if course is None or not _may_see_media(course):
        abort(404)
    item = get_session().scalar(sa.select(CourseMedia).where(
        CourseMedia.course_id == course_id, CourseMedia.path == path))
    if item is None:
        abort(404)
    return _media_response(item)


def _may_see_media(course: Course) -> bool:
    principal = current_principal()
    if course.is_published or can(principal, "content.author"):
        return True
    enrollment = queries.enrollment_for(principal.learner.id, course.code)
    return enrollment is not None and enrollment.course_id == course.id


def _media_response(item: CourseMedia):
    response = Response(item.data, mimetype=item.content_type)
    # A course version never changes: its images can be cached for a year.
    response.headers["Cache-Control"] = "private, max-age=31536000, immutable"
    response.headers["ETag"] = f'"{item.sha256}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    if item.content_type == "image/svg+xml":
        # Checked at import (courses.svg_safety); opened on its own, an SVG is a document,
        # so it also gets a policy that runs no script and loads nothing.
        response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    return response.make_conditional(request)
