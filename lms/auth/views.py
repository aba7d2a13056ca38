"""Standalone sign-in, sign-out and password change."""
from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from lms.accounts import operations
from lms.accounts.models import User
from lms.accounts.passwords import spend_equal_time
from lms.audit.operations import record_event
from lms.auth.access import login_required_response
from lms.auth.forms import ChangePasswordForm, LoginForm, LogoutForm
from lms.db import get_session
from lms.extension import get_state
from lms.i18n import SESSION_LOCALE_KEY, _
from lms.safe_redirect import safe_next_url


def login():
    if current_user.is_authenticated:
        return redirect(url_for("lms.index"))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        response = _attempt_login(form)
        if response is not None:
            return response
    return render_template("lms/auth/login.html", form=form)


def _attempt_login(form: LoginForm):
    username = operations.normalise_username(form.username.data)
    limiter = get_state().rate_limiter
    if not limiter.allow_attempt(request.remote_addr or "unknown", username):
        record_event("auth.login_throttled", actor_label=username)
        get_session().commit()
        abort(429)
    db = get_session()
    user = db.scalar(sa.select(User).where(User.username == username))
    password_ok = operations.verify_password(user, form.password.data) if user else \
        spend_equal_time(form.password.data)
    if not (password_ok and user.is_active):
        limiter.record_failure(username)
        record_event("auth.login_failed", actor_label=username)
        db.commit()
        # One message for every failure: never reveal which usernames exist.
        flash(_("Wrong username or password."), "error")
        return None
    _start_session(user)
    record_event("auth.login", actor=user.learner, object_type="user", object_id=user.id)
    db.commit()
    if user.must_change_password:
        return redirect(url_for("lms.auth.change_password"))
    return redirect(safe_next_url(form.next.data) or url_for("lms.index"))


def _start_session(user: User) -> None:
    """A fresh session at sign-in (no fixation), keeping only the language choice."""
    locale = session.get(SESSION_LOCALE_KEY) or user.learner.locale
    session.clear()
    if locale:
        session[SESSION_LOCALE_KEY] = locale
    login_user(user)
    operations.record_login(user)


def logout():
    form = LogoutForm()
    if not form.validate_on_submit():
        abort(400)
    logout_user()
    locale = session.get(SESSION_LOCALE_KEY)
    session.clear()
    if locale:
        session[SESSION_LOCALE_KEY] = locale
    flash(_("You have signed out."), "info")
    return redirect(url_for("lms.auth.login"))


def change_password():
    if not current_user.is_authenticated:
        return login_required_response()
    user = current_user._get_current_object()  # the real object: it is stored in g below
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not operations.verify_password(user, form.current_password.data):
            form.current_password.errors.append(_("The current password is not correct."))
        else:
            operations.change_password(user, form.new_password.data)
            get_session().commit()
            login_user(user)  # the session id changed with the version: stay signed in
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("lms.index"))
    return render_template("lms/auth/change_password.html", form=form,
                           forced=user.must_change_password)
