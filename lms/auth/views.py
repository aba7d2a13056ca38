"""Standalone sign-in, sign-out, password change and the list of open sessions."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import abort, flash, g, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from lms.accounts import operations
from lms.accounts.models import User
from lms.accounts.passwords import spend_equal_time
from lms.audit.operations import record_event
from lms.auth import user_sessions
from lms.auth.access import login_required_response
from lms.auth.forms import ChangePasswordForm, LoginForm
from lms.auth.models import EndReason
from lms.auth.rate_limit import address_key
from lms.db import get_session, utcnow
from lms.extension import get_state
from lms.forms import ButtonForm
from lms.i18n import SESSION_LOCALE_KEY, _, format_moment, ngettext
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
    address = address_key(request.remote_addr)
    limiter = get_state().rate_limiter
    db = get_session()
    wait = limiter.login_wait(address, username)
    if wait:
        # Refused before the password is checked: a guess during the wait tells nothing.
        record_event("auth.login_throttled", actor_label=username, details={"wait_seconds": wait})
        return throttled_response(wait)
    user = db.scalar(sa.select(User).where(User.username == username))
    password_ok = operations.verify_password(user, form.password.data) if user else \
        spend_equal_time(form.password.data)
    if not (password_ok and user.is_active):
        limiter.record_login_failure(address, username)
        record_event("auth.login_failed", actor_label=username)
        # One message for every failure: never reveal which usernames exist.
        flash(_("Wrong username or password."), "error")
        return None
    limiter.record_login_success(address, username)
    previous_login = user.last_login_dt
    _start_session(user)
    record_event("auth.login", actor=user.learner, object_type="user", object_id=user.id)
    _flash_account_history(user, previous_login)
    if user.must_change_password:
        return redirect(url_for("lms.auth.change_password"))
    return redirect(safe_next_url(form.next.data) or url_for("lms.index"))


def throttled_response(wait_seconds: int, status: int = 429):
    """A page that says when to try again, with the same time in ``Retry-After``."""
    if wait_seconds < 60:
        when = ngettext("Please try again in %(num)d second.",
                        "Please try again in %(num)d seconds.", wait_seconds)
    elif wait_seconds < 2 * 3600:
        when = ngettext("Please try again in %(num)d minute.",
                        "Please try again in %(num)d minutes.", -(-wait_seconds // 60))
    else:
        when = ngettext("Please try again in %(num)d hour.",
                        "Please try again in %(num)d hours.", -(-wait_seconds // 3600))
    at = format_moment(utcnow() + dt.timedelta(seconds=wait_seconds))
    response = render_template("lms/auth/throttled.html", when=when, at=at)
    return response, status, {"Retry-After": str(wait_seconds)}


def _flash_account_history(user: User, previous_login) -> None:
    """After sign-in, say when the account was last used and its password last set, so
    the person notices a sign-in or a change that was not theirs."""
    if previous_login is None:
        flash(_("Welcome. This is the first sign-in to this account."), "info")
    else:
        flash(_("Your previous sign-in was on %(when)s.", when=format_moment(previous_login)),
              "info")
    if user.password_changed_dt is not None:
        flash(_("Your password was last changed on %(when)s.",
                when=format_moment(user.password_changed_dt)), "info")


def _start_session(user: User) -> None:
    """A fresh session at sign-in (no fixation), keeping only the language choice, with
    its server-side row."""
    locale = session.get(SESSION_LOCALE_KEY) or user.learner.locale
    session.clear()
    if locale:
        session[SESSION_LOCALE_KEY] = locale
    login_user(user)
    user_sessions.start(user)
    operations.record_login(user)


def logout():
    form = ButtonForm()
    if not form.validate_on_submit():
        abort(400)
    row = g.get("lms_user_session") if current_user.is_authenticated else None
    if row is not None:
        user_sessions.end(row, EndReason.LOGOUT)  # a copy of the cookie dies with it
    logout_user()
    locale = session.get(SESSION_LOCALE_KEY)
    session.clear()
    user_sessions.forget()
    if locale:
        session[SESSION_LOCALE_KEY] = locale
    flash(_("You have signed out."), "info")
    return redirect(url_for("lms.auth.login"))


def change_password():
    if not current_user.is_authenticated:
        return login_required_response()
    user = current_user._get_current_object()  # the real object: it is stored in g below
    limiter = get_state().rate_limiter
    form = ChangePasswordForm()
    if form.validate_on_submit():
        wait = limiter.password_change_wait(user.id)
        if wait:
            return throttled_response(wait)
        if not operations.verify_password(user, form.current_password.data):
            limiter.record_password_change_failure(user.id)
            form.current_password.errors.append(_("The current password is not correct."))
        else:
            response = _save_new_password(user, form)
            if response is not None:
                return response
    return render_template("lms/auth/change_password.html", form=form,
                           forced=user.must_change_password)


def _save_new_password(user: User, form: ChangePasswordForm):
    row = g.get("lms_user_session")
    try:
        operations.change_password(user, form.new_password.data,
                                   keep_session_id=row.id if row is not None else None)
    except operations.AccountError as error:
        get_session().rollback()
        form.new_password.errors.append(str(error))
        return None
    login_user(user)  # the session id changed with the version: stay signed in
    flash(_("Your password has been changed. Your other sessions have been ended."), "success")
    return redirect(url_for("lms.index"))


def sessions():
    """The account's open sessions (device, address, last seen); end the others."""
    if not current_user.is_authenticated:
        return login_required_response()
    current = g.get("lms_user_session")
    rows = user_sessions.open_sessions(current_user.id)
    page = render_template("lms/auth/sessions.html", rows=rows, current=current,
                           form=ButtonForm())
    return page, 200, {"Cache-Control": "no-store"}  # addresses and devices: personal data


def end_other_sessions():
    if not current_user.is_authenticated:
        return login_required_response()
    if not ButtonForm().validate_on_submit():
        abort(400)
    current = g.get("lms_user_session")
    ended = user_sessions.end_all(current_user.id, EndReason.ENDED_BY_USER,
                                  except_id=current.id if current is not None else None)
    record_event("auth.sessions_ended", actor=current_user.learner, object_type="user",
                 object_id=current_user.id, details={"count": ended})
    flash(ngettext("%(num)d other session has been ended.",
                   "%(num)d other sessions have been ended.", ended), "success")
    return redirect(url_for("lms.auth.sessions"))
