"""Route table of the credit pages."""

from flask import Blueprint

from lms.credits import admin_views, shortlist_views, views
from lms.credits.external.blueprint import external_blueprint

credits_blueprint = Blueprint("credits", __name__, url_prefix="/credits")
credits_blueprint.register_blueprint(external_blueprint)
_route = credits_blueprint.add_url_rule

_route("", "mine", views.my_credits)
_route("/standings", "standings", views.standings)
_route("/appraisals", "appraisals", shortlist_views.appraisals, methods=["GET", "POST"])
_route("/shortlist", "shortlist", shortlist_views.shortlist)
_route("/manage", "manage", admin_views.overview)
_route(
    "/manage/periods/<lms_id:period_id>",
    "edit_period",
    admin_views.edit_period,
    methods=["GET", "POST"],
)
_route(
    "/manage/criteria/<lms_id:criterion_id>",
    "edit_criterion",
    admin_views.edit_criterion,
    methods=["GET", "POST"],
)
_route(
    "/manage/rules/<lms_id:rule_id>", "edit_rule", admin_views.edit_rule, methods=["GET", "POST"]
)
_route(
    "/manage/targets/<lms_id:target_id>",
    "edit_target",
    admin_views.edit_target,
    methods=["GET", "POST"],
)
_route(
    "/manage/titles/<lms_id:title_rule_id>",
    "edit_title_rule",
    shortlist_views.edit_title_rule,
    methods=["GET", "POST"],
)
