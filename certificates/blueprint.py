"""Route table of the certificate pages (learner, admin) and of the public verification."""
from flask import Blueprint

from certificates import admin_views, archive_views, verify_views, views

certificates_blueprint = Blueprint("certificates", __name__)
_route = certificates_blueprint.add_url_rule

_route("/my-certificates", "mine", views.mine)
_route("/certificates/<lms_id:certificate_id>/pdf", "download", views.download)
_route("/certificates/<lms_id:certificate_id>/credential", "credential", views.credential)
_route("/reports/certificates", "request_archive", archive_views.request_archive,
       methods=["GET", "POST"])
_route("/reports/certificates/<lms_id:archive_id>", "archive", archive_views.archive)
_route("/reports/certificates/<lms_id:archive_id>/zip", "download_archive",
       archive_views.download_archive)
_route("/admin/certificates", "admin_list", admin_views.certificates)
_route("/admin/certificates/<lms_id:certificate_id>/revoke", "revoke", admin_views.revoke,
       methods=["GET", "POST"])

#: Public and throttled: its own blueprint so the limit applies to these routes only.
verify_blueprint = Blueprint("verify", __name__)
verify_blueprint.before_request(verify_views.throttle)
_verify = verify_blueprint.add_url_rule

_verify("/verify", "lookup", verify_views.lookup)
_verify("/verify/<code>", "page", verify_views.page)
_verify("/verify/<code>/json", "json", verify_views.as_json)
_verify("/verify/<code>/check", "check", verify_views.check, methods=["POST"])
_verify("/certificates/status/<code>", "status", verify_views.status)
_verify("/certificates/jwks.json", "jwks", verify_views.jwks)
_verify("/certificates/issuer", "issuer", verify_views.issuer)
