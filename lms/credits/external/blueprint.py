"""Route table of the external completions (nested in the credit pages)."""

from flask import Blueprint

from lms.credits.external import views

external_blueprint = Blueprint("external", __name__, url_prefix="/external")
_route = external_blueprint.add_url_rule

_route("", "mine", views.mine)
_route("/new", "submit", views.submit, methods=["GET", "POST"])
_route("/review", "review", views.review)
_route("/<lms_id:submission_id>", "detail", views.detail)
_route("/<lms_id:submission_id>/evidence", "evidence", views.evidence)
_route("/<lms_id:submission_id>/verify", "verify", views.verify, methods=["POST"])
_route("/<lms_id:submission_id>/reject", "reject", views.reject, methods=["POST"])
