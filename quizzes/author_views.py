"""Authors: import Moodle GIFT questions into a course version's quiz, export them."""
from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from courses.queries import course_version_or_404
from lms.auth.access import require
from lms.auth.principal import current_principal
from lms.db import get_session
from lms.i18n import _
from lms.extension import get_state
from quizzes.author_preview import pack_lint, preview_questions
from quizzes.gift_import import GiftImportError, import_gift, published_refusal, quiz_as_gift
from quizzes.forms import GiftUploadForm
from quizzes.pack_quiz import lesson_tag
from quizzes.queries import quiz_of_course


@require("content.author")
def upload_gift(course_id: int):
    course = course_version_or_404(course_id)
    form = GiftUploadForm()
    refusal = published_refusal(course)
    problems = []
    if refusal:
        # Shown before any upload; a POST is refused the same way, writing nothing.
        status = 409 if request.method == "POST" else 200
        return render_template("lms/quizzes/upload_gift.html", course=course, form=form,
                               problems=[], refusal=refusal, skipped=[]), status
    if form.validate_on_submit():
        data = form.gift.data.read()  # its size is checked by the form (upload_size)
        try:
            result = import_gift(course, quiz_of_course(course.id), data, lang=form.lang.data,
                                 actor=current_principal().learner,
                                 skip_unsupported=form.skip_unsupported.data)
        except GiftImportError as error:
            get_session().rollback()
            problems = error.messages
        else:
            flash(_("%(count)d questions were added to the final quiz.", count=result.added), "success")
            if not result.skipped:
                return redirect(url_for("lms.courses.preview", course_id=course.id))
            # Every skipped question with its line: on the page (flashes live in a cookie).
            return render_template("lms/quizzes/upload_gift.html", course=course,
                                   form=GiftUploadForm(formdata=None), problems=[], refusal=None,
                                   skipped=result.skipped)
    return render_template("lms/quizzes/upload_gift.html", course=course, form=form,
                           problems=problems, refusal=None, skipped=[])


@require("content.author")
def export_gift(course_id: int):
    course = course_version_or_404(course_id)
    quiz = quiz_of_course(course.id)
    if quiz is None:
        abort(404)
    lang = request.args.get("lang") if request.args.get("lang") in ("vi", "en") else "vi"
    return Response(quiz_as_gift(quiz, lang), mimetype="text/plain", headers={
        "Content-Disposition": f'attachment; filename="{course.code}-v{course.version}.{lang}.gift.txt"'})


@require("content.author")
def preview(course_id: int):
    """The quiz as an author checks it before publishing: keys, feedback, explanations,
    settings and the pack's lint. Authors only: it shows every answer."""
    course = course_version_or_404(course_id)
    quiz = quiz_of_course(course.id)
    locale = request.args.get("lang") if request.args.get("lang") in ("vi", "en") else "vi"
    state = get_state()
    errors, warnings = pack_lint(course, state.pack_parts)
    questions = preview_questions(quiz.questions, state.question_types, locale) if quiz else []
    lessons = {lesson.number: lesson for lesson in course.lessons}
    # questions_per_tag names lessons by their tag (lesson-02): say which lesson that is.
    lesson_tags = {lesson_tag(number): _("Lesson %(number)d", number=number)
                   + f": {lesson.title(locale)}" for number, lesson in lessons.items()}
    return render_template("lms/quizzes/author_preview.html", course=course, quiz=quiz,
                           questions=questions, preview_locale=locale, lessons=lessons,
                           lesson_tags=lesson_tags,
                           lint_errors=errors, lint_warnings=warnings)
