"""Route table of the HR reports."""
from flask import Blueprint

from lms.reports import views

reports_blueprint = Blueprint("reports", __name__, url_prefix="/reports")
reports_blueprint.add_url_rule("/learners", "learners", views.learners)
reports_blueprint.add_url_rule("/learners/<lms_id:learner_id>", "learner", views.learner)
