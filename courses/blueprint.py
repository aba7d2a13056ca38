"""Route table of the learner's course pages and the authors' pack pages."""
from flask import Blueprint

from courses import author_views, views

courses_blueprint = Blueprint("courses", __name__)
_route = courses_blueprint.add_url_rule

_route("/courses", "catalog", views.catalog)
_route("/courses/<code>", "course", views.course)
_route("/courses/<code>/enrol", "enrol", views.enrol, methods=["POST"])
_route("/courses/<code>/lessons/<lms_id:number>", "lesson", views.lesson)
_route("/courses/<code>/lessons/<lms_id:number>/done", "lesson_done", views.lesson_done,
       methods=["POST"])
_route("/courses/<code>/lessons/<lms_id:number>/self-check/<lms_id:question>", "self_check",
       views.self_check, methods=["POST"])
_route("/my-learning", "my_learning", views.my_learning)
_route("/course-media/<lms_id:course_id>/<path:path>", "media", views.media)

_route("/author/courses", "author_courses", author_views.list_courses)
_route("/author/packs/upload", "upload_pack", author_views.upload_pack, methods=["GET", "POST"])
_route("/author/courses/<lms_id:course_id>/preview", "preview", author_views.preview)
_route("/author/courses/<lms_id:course_id>/publish", "publish", author_views.publish,
       methods=["POST"])
_route("/author/courses/<lms_id:course_id>/unpublish", "unpublish", author_views.unpublish,
       methods=["POST"])
# GET on the address: the confirmation page; its button POSTs to "unpublish".
_route("/author/courses/<lms_id:course_id>/unpublish", "confirm_unpublish", author_views.confirm_unpublish)
