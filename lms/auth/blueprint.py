"""Route table of standalone sign-in (not registered in host mode)."""
from flask import Blueprint

from lms.auth import views

auth_blueprint = Blueprint("auth", __name__, url_prefix="/auth")
auth_blueprint.add_url_rule("/login", "login", views.login, methods=["GET", "POST"])
auth_blueprint.add_url_rule("/logout", "logout", views.logout, methods=["POST"])
auth_blueprint.add_url_rule("/password", "change_password", views.change_password,
                            methods=["GET", "POST"])
auth_blueprint.add_url_rule("/sessions", "sessions", views.sessions)
auth_blueprint.add_url_rule("/sessions/end-others", "end_other_sessions",
                            views.end_other_sessions, methods=["POST"])
