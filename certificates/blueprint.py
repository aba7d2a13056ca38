"""Route table of the certificate pages (learner, admin) and of the public verification."""
from flask import Blueprint

from certificates import verify_views, views

certificates_blueprint = Blueprint("certificates", __name__)
_route = certificates_blueprint.add_url_rule

_route("/my-certificates", "mine", views.mine)
_route("/certificates/<lms_id:certificate_id>/pdf", "download", views.download)

#: Public and throttled: its own blueprint so the limit applies to these routes only.
verify_blueprint = Blueprint("verify", __name__)
verify_blueprint.before_request(verify_views.throttle)
_verify = verify_blueprint.add_url_rule

_verify("/verify", "lookup", verify_views.lookup)
_verify("/verify/<code>", "page", verify_views.page)
_verify("/verify/<code>/json", "json", verify_views.as_json)
_verify("/verify/<code>/check", "check", verify_views.check, methods=["POST"])
