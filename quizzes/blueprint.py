"""Route table of the quiz pages."""
from flask import Blueprint

from quizzes import author_views, views

quizzes_blueprint = Blueprint("quizzes", __name__)
_route = quizzes_blueprint.add_url_rule

_route("/courses/<code>/quiz", "overview", views.overview)
_route("/courses/<code>/quiz/start", "start", views.start, methods=["POST"])
_route("/attempts/<lms_id:attempt_id>", "attempt", views.attempt)
_route("/attempts/<lms_id:attempt_id>/questions/<lms_id:position>", "question", views.question,
       methods=["GET", "POST"])
_route("/attempts/<lms_id:attempt_id>/submit", "submit", views.submit, methods=["GET", "POST"])
_route("/attempts/<lms_id:attempt_id>/result", "result", views.result)

_route("/author/courses/<lms_id:course_id>/gift", "upload_gift", author_views.upload_gift,
       methods=["GET", "POST"])
_route("/author/courses/<lms_id:course_id>/quiz", "author_preview", author_views.preview)
_route("/author/courses/<lms_id:course_id>/gift/export", "export_gift", author_views.export_gift)
