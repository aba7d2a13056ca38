"""Quiz pages. Nothing served before grading reveals an answer key: question pages are
built from the question type's public view only."""
from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, url_for

from courses import queries as course_queries
from lms.auth.access import load_or_404, require
from lms.auth.principal import current_principal
from lms.db import get_session, is_read_request, utcnow, write_during_read_request
from lms.extension import get_state
from lms.i18n import _, current_locale
from quizzes import operations, queries
from lms.forms import ButtonForm
from quizzes.models import Attempt, AttemptState
from quizzes.result_summary import summarise
from quizzes.review import review_rows


def _course_and_quiz(code: str):
    learner = current_principal().learner
    enrollment = course_queries.enrollment_for(learner.id, code)
    if enrollment is None:
        course = course_queries.current_course(code)
        if course is None:
            abort(404)
        return learner, course, None, queries.quiz_of_course(course.id)
    return learner, enrollment.course, enrollment, queries.quiz_of_course(enrollment.course_id)


def _load_own_attempt(attempt_id: int) -> Attempt:
    """The learner's own attempt; anyone else's is a 404 (not even its existence leaks)."""
    attempt = load_or_404(Attempt, attempt_id, "quiz.take_attempt")
    if attempt.state == AttemptState.IN_PROGRESS and operations.is_overdue(attempt, utcnow()):
        if is_read_request():
            with write_during_read_request() as session:
                operations.close_if_overdue(session.get(Attempt, attempt_id))
            attempt = get_session().get(Attempt, attempt_id)
        else:
            operations.close_if_overdue(attempt)
        flash(_("The time for this attempt is over; your saved answers were graded."), "info")
    return attempt


def _attempts_left(quiz, learner_id) -> int | None:
    limit = quiz.settings.get("max_attempts")
    return None if not limit else max(
        limit - len(operations.finished_attempts_this_cycle(quiz, learner_id)), 0)


@require("learn")
def overview(code: str):
    learner, course, enrollment, quiz = _course_and_quiz(code)
    if quiz is None:
        abort(404)
    return render_template(
        "lms/quizzes/overview.html", course=course, quiz=quiz, enrollment=enrollment,
        open_attempt=operations.open_attempt(quiz, learner.id),
        finished=operations.finished_attempts(quiz, learner.id),
        attempts_left=_attempts_left(quiz, learner.id),
        cannot_start=operations.why_cannot_start(quiz, learner.id, utcnow()),
        best=operations.best_score_percent(quiz, learner.id), form=ButtonForm(),
        information=queries.information_items(quiz), graded_count=queries.graded_question_count(quiz))


@require("learn")
def start(code: str):
    learner, course, enrollment, quiz = _course_and_quiz(code)
    if quiz is None or enrollment is None:
        abort(404)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        attempt = operations.start_attempt(quiz, learner.id)
    except operations.QuizError as error:
        flash(str(error), "error")
        return redirect(url_for("lms.quizzes.overview", code=code))
    return redirect(url_for("lms.quizzes.question", attempt_id=attempt.id, position=1))


@require("learn")
def attempt(attempt_id: int):
    attempt = _load_own_attempt(attempt_id)
    if attempt.state == AttemptState.SUBMITTED:
        return redirect(url_for("lms.quizzes.result", attempt_id=attempt.id))
    answered = queries.responses_by_question(attempt)
    position = next((index for index, qid in enumerate(attempt.question_ids, start=1)
                     if qid not in answered), 1)
    return redirect(url_for("lms.quizzes.question", attempt_id=attempt.id, position=position))


@require("learn")
def question(attempt_id: int, position: int):
    attempt = _load_own_attempt(attempt_id)
    if attempt.state == AttemptState.SUBMITTED:
        if request.method == "POST" and _wants_json():
            return jsonify(saved=False, error=operations.attempt_closed_message()), 409
        return redirect(url_for("lms.quizzes.result", attempt_id=attempt.id))
    questions = queries.attempt_questions(attempt)
    if not 1 <= position <= len(questions):
        abort(404)
    if operations.needs_option_tokens(attempt, questions):
        attempt = _give_old_attempt_tokens(attempt, questions)
    current = questions[position - 1]
    form = ButtonForm()
    if request.method == "POST":
        return _save_and_move(attempt, current, position, questions, form)
    return _question_page(attempt, current, position, questions, form)


def _give_old_attempt_tokens(attempt: Attempt, questions) -> Attempt:
    """An attempt started before option tokens existed gets them on its first view."""
    if is_read_request():
        with write_during_read_request() as session:
            operations.ensure_option_tokens(session.get(Attempt, attempt.id), questions)
        return get_session().get(Attempt, attempt.id, populate_existing=True)
    return operations.ensure_option_tokens(attempt, questions)


def _question_page(attempt, current, position, questions, form, *, error=None, status=200):
    responses = queries.responses_by_question(attempt)
    saved = responses[current.id].answer if current.id in responses else {}
    view = queries.learner_view(attempt, current, saved, current_locale())
    kind = get_state().question_types.get(current.type)
    return render_template("lms/quizzes/question.html", attempt=attempt, question=current,
                           question_template=kind.template, question_kind=kind,
                           view=view, saved=saved, position=position, total=len(questions),
                           answered=set(responses), form=form, error=error,
                           question_ids=attempt.question_ids, seconds_left=_seconds_left(attempt),
                           max_answer_chars=operations.max_answer_chars()), status


def _seconds_left(attempt: Attempt) -> int | None:
    """Whole seconds until the attempt's deadline (0 once past it), None without one."""
    if attempt.deadline_dt is None:
        return None
    return max(0, int((attempt.deadline_dt - utcnow()).total_seconds()))


def _wants_json() -> bool:
    """The autosave script asks for JSON; a plain form post wants a page."""
    return request.accept_mimetypes.best == "application/json"


def _save_and_move(attempt, current, position, questions, form):
    wants_json = _wants_json()
    total = len(questions)
    if not form.validate_on_submit():
        if wants_json:
            return jsonify(saved=False, error=_("The form has expired. Please reload the page.")), 400
        abort(400)
    try:
        answer = operations.answer_from_form(attempt, current, request.form)
        operations.save_answer(attempt, current, answer)
    except operations.AnswerError as error:
        get_session().rollback()
        if wants_json:
            return jsonify(saved=False, error=str(error)), 400
        return _question_page(attempt, current, position, questions, form, error=str(error), status=400)
    except operations.QuizError as error:
        get_session().rollback()
        if wants_json:
            return jsonify(saved=False, error=str(error)), 409
        flash(str(error), "error")
        return redirect(url_for("lms.quizzes.attempt", attempt_id=attempt.id))
    if wants_json:  # the autosave script: nothing else to do
        return jsonify(saved=True)
    target = request.form.get("go", "next")
    if target == "submit" or (target == "next" and position == total):
        return redirect(url_for("lms.quizzes.submit", attempt_id=attempt.id))
    if target == "previous":
        position = max(position - 1, 1)
    elif target.isascii() and target.isdecimal() and len(target) <= 9:  # "²" and 5,000 digits are no page
        position = min(max(int(target), 1), total)
    else:
        position = min(position + 1, total)
    return redirect(url_for("lms.quizzes.question", attempt_id=attempt.id, position=position))


@require("learn")
def submit(attempt_id: int):
    attempt = _load_own_attempt(attempt_id)
    form = ButtonForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        operations.submit_attempt(attempt)  # a second submit simply returns the stored result
        return redirect(url_for("lms.quizzes.result", attempt_id=attempt.id))
    if attempt.state == AttemptState.SUBMITTED:
        return redirect(url_for("lms.quizzes.result", attempt_id=attempt.id))
    answered = queries.responses_by_question(attempt)
    unanswered = [index for index, qid in enumerate(attempt.question_ids, start=1)
                  if qid not in answered or not answered[qid].answer]
    return render_template("lms/quizzes/submit.html", attempt=attempt, unanswered=unanswered,
                           form=form, seconds_left=_seconds_left(attempt))


@require("learn")
def result(attempt_id: int):
    attempt = _load_own_attempt(attempt_id)
    if attempt.state != AttemptState.SUBMITTED:
        return redirect(url_for("lms.quizzes.attempt", attempt_id=attempt.id))
    learner_id = attempt.learner_id
    quiz = attempt.quiz
    attempts_left = _attempts_left(quiz, learner_id)
    passed_ever = operations.has_passed(quiz, learner_id)
    review = queries.may_review(attempt, has_passed=passed_ever, attempts_left=attempts_left)
    questions = queries.attempt_questions(attempt)
    responses = queries.responses_by_question(attempt)
    summary = summarise(questions, {qid: r.score for qid, r in responses.items()})
    rows = []
    if review:
        rows = review_rows(get_state().question_types,
                           [(question, responses.get(question.id)) for question in questions],
                           current_locale())
    course = quiz.course
    completion = course_queries.progress(learner_id, course,
                                         course_queries.enrollment_for(learner_id, course.code)).completion
    lessons = {lesson.number: lesson for lesson in course.lessons}
    return render_template(
        "lms/quizzes/result.html", attempt=attempt, quiz=quiz, review=review, rows=rows,
        summary=summary, passed_ever=passed_ever, completion=completion,
        attempts_left=attempts_left, best=operations.best_score_percent(quiz, learner_id),
        lessons_to_revisit=[lessons[n] for n in summary.lessons_to_revisit if n in lessons],
        retake=_retake(quiz, learner_id, attempt), form=ButtonForm())


def _retake(quiz, learner_id: int, attempt: Attempt) -> dict | None:
    """What the result page offers after a failed attempt: the "Retake" button, or why
    not yet (the wait, with the time it ends; or no attempt left). None after a pass."""
    if attempt.passed:
        return None
    now = utcnow()
    reason = operations.why_cannot_start(quiz, learner_id, now)
    opens = operations.next_attempt_opens(quiz, operations.finished_attempts(quiz, learner_id))
    # Only the wait stands in the way (not a used-up attempt limit, checked first).
    waiting = (reason is not None and opens is not None and opens > now
               and _attempts_left(quiz, learner_id) != 0)
    return {"reason": reason, "opens": opens if waiting else None,
            "minutes": int((opens - now).total_seconds() // 60) + 1 if waiting else 0}
