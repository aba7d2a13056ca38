"""Route table of the exports pages (the read API has its own, :mod:`lms.exports.api`)."""
from flask import Blueprint

from lms.exports import token_views, views

exports_blueprint = Blueprint("exports", __name__, url_prefix="/exports")
exports_blueprint.context_processor(views.template_context)
exports_blueprint.add_url_rule("/", "index", views.index)
exports_blueprint.add_url_rule("/check", "check", views.check, methods=["GET", "POST"])
exports_blueprint.add_url_rule("/records", "records", views.records)
exports_blueprint.add_url_rule("/jobs/<lms_id:record_id>", "job", views.job)
exports_blueprint.add_url_rule("/jobs/<lms_id:record_id>/file", "job_file", views.job_file)
exports_blueprint.add_url_rule("/api-tokens", "api_tokens", token_views.api_tokens,
                               methods=["GET", "POST"])
exports_blueprint.add_url_rule("/api-tokens/<lms_id:token_id>/revoke", "revoke_api_token",
                               token_views.revoke_api_token, methods=["POST"])
exports_blueprint.add_url_rule("/<name>", "dataset", views.dataset_page)
exports_blueprint.add_url_rule("/<name>/run", "run", views.run, methods=["POST"])
