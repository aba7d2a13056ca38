"""The final quiz as a completion requirement, registered on ``courses``' registry.

Courses knows nothing of quizzes: it asks this requirement, by name, through the app's
``completion_requirements`` registry, and decides again on ``quiz_submitted``.
"""
from __future__ import annotations

from typing import ClassVar

from courses.requirements import Outcome
from quizzes.queries import quiz_of_course


class FinalQuizPassed:
    """A course version with a final quiz needs a passed attempt; its best score becomes
    the completion's score (the quiz may be passed before the last lesson)."""

    sufficient: ClassVar[bool] = False
    renews: ClassVar[bool] = True

    def applies(self, course) -> bool:
        return quiz_of_course(course.id) is not None

    def check(self, enrollment, since=None) -> Outcome:
        """Without ``since``: a passed attempt ever, the best attempt's score. With it (a
        recurring course's next cycle): only attempts passed at or after ``since`` count,
        and the best of those gives the score."""
        from quizzes.operations import best_passed_score_since, best_score_percent, has_passed

        quiz = quiz_of_course(enrollment.course_id)
        if quiz is None:
            return Outcome(False)
        if since is not None:
            score = best_passed_score_since(quiz, enrollment.learner_id, since)
            return Outcome(score is not None, score)
        if not has_passed(quiz, enrollment.learner_id):
            return Outcome(False)
        return Outcome(True, best_score_percent(quiz, enrollment.learner_id))

    def course_page(self, course, progress, next_lesson):
        """The final quiz's link on the course page, and when it opens."""
        from flask import render_template
        from markupsafe import Markup

        from courses.queries import quiz_requires_lessons

        return Markup(render_template("lms/quizzes/_course_panel.html", course=course,
                                      progress=progress, next_lesson=next_lesson,
                                      quiz_waits_for_lessons=quiz_requires_lessons(course)))
