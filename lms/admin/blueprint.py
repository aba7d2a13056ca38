"""Route table of the admin area (every view requires an admin grant)."""
from flask import Blueprint

from lms.admin.views import audit as views_audit
from lms.admin.views import confirmations as views_confirm
from lms.admin.views import imports as views_import
from lms.admin.views import learners as views_learners
from lms.admin.views import units as views_units

admin_blueprint = Blueprint("admin", __name__, url_prefix="/admin")
_route = admin_blueprint.add_url_rule

_route("/", "index", views_units.index)
_route("/units", "units", views_units.list_units)
_route("/units/new", "new_unit", views_units.new_unit, methods=["GET", "POST"])
_route("/units/<lms_id:unit_id>", "edit_unit", views_units.edit_unit, methods=["GET", "POST"])
_route("/units/<lms_id:unit_id>/move", "move_unit", views_units.move_unit, methods=["GET", "POST"])

_route("/learners", "learners", views_learners.list_learners)
_route("/learners/new", "new_learner", views_learners.new_learner, methods=["GET", "POST"])
_route("/learners/<lms_id:learner_id>", "edit_learner", views_learners.edit_learner,
       methods=["GET", "POST"])
_route("/learners/<lms_id:learner_id>/active", "set_learner_active", views_learners.set_active,
       methods=["POST"])
# GET on a destructive action's address: its confirmation page (lms.admin.views.confirmations).
_route("/learners/<lms_id:learner_id>/active", "confirm_deactivate", views_confirm.confirm_deactivate)
_route("/learners/<lms_id:learner_id>/password-reset", "confirm_reset_password",
       views_confirm.confirm_reset_password)
_route("/learners/<lms_id:learner_id>/roles/<lms_id:grant_id>/revoke", "confirm_revoke_role",
       views_confirm.confirm_revoke_role)
_route("/learners/<lms_id:learner_id>/password-reset", "reset_password",
       views_learners.reset_password, methods=["POST"])
_route("/learners/<lms_id:learner_id>/roles", "grant_role", views_learners.grant_role,
       methods=["POST"])
_route("/learners/<lms_id:learner_id>/roles/<lms_id:grant_id>/revoke", "revoke_role",
       views_learners.revoke_role, methods=["POST"])

_route("/import", "import_learners", views_import.import_learners, methods=["GET", "POST"])
for _extension in ("csv", "xlsx"):  # two fixed addresses, one view
    _route(f"/import/template.{_extension}", "import_template", views_import.import_template,
           defaults={"extension": _extension})
_route("/import/credentials", "download_credentials", views_import.download_credentials,
       methods=["POST"])
_route("/audit", "audit", views_audit.list_events)
