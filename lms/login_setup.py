"""Flask-Login wiring for standalone mode (a host brings its own login manager).

A standalone sign-in is valid only while its server-side session row is open
(:mod:`lms.auth.user_sessions`): a cookie replayed after logout, after "end my other
sessions", after the idle timeout or past the maximum lifetime loads no user, and the
page sends the visitor to sign in. In host mode none of this applies: the host's login
and sessions decide who is signed in.
"""
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
    from lms.auth import user_sessions
    from lms.db import get_session

    raw_id, _, version = user_id.partition(":")
    if not raw_id.isdigit() or not version.isdigit() or len(raw_id) > 18:
        return None
    if user_sessions.current(int(raw_id)) is None:
        return None  # no open server-side session: logged out, ended, idle or too old
    user = get_session().get(User, int(raw_id))
    if user is None or user.session_version != int(version):
        return None  # password changed or reset elsewhere: this session is over
    return user
