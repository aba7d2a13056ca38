"""Flask-Login wiring for standalone mode (a host brings its own login manager)."""
from __future__ import annotations

from flask import Flask
from flask_login import LoginManager

from lms.extension import LMSState
from lms.i18n import _l


def init_app(app: Flask, state: LMSState) -> None:
    if state.is_host_mode:
        if not hasattr(app, "login_manager"):
            raise RuntimeError(
                "Host mode needs the host app's Flask-Login LoginManager; "
                "call login_manager.init_app(app) before LMS(app, profile_loader=...)."
            )
        return
    manager = LoginManager(app)
    manager.login_view = "lms.auth.login"
    manager.login_message = _l("Please sign in to continue.")
    manager.login_message_category = "info"
    manager.session_protection = "basic"
    manager.user_loader(_load_user)


def _load_user(user_id: str):
    from lms.accounts.models import User
    from lms.db import get_session

    raw_id, _, version = user_id.partition(":")
    if not raw_id.isdigit() or not version.isdigit():
        return None
    user = get_session().get(User, int(raw_id))
    if user is None or user.session_version != int(version):
        return None  # password changed or reset elsewhere: this session is over
    return user
