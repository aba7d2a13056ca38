"""Server-side sessions: start at sign-in, check on every request, end at will.

State lives only in the database, so every app server sees a logout, an "end my other
sessions" or a deactivation at the next request. Host mode does not use this module: the
host owns logins and their sessions.

Idle and expired sessions are recognised by their times (no write needed); "last seen" is
written at most once per ``LMS_SESSION_TOUCH_SECONDS``.
"""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import ipaddress
import re
import secrets

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value
from flask import current_app, g, request, session

from lms.auth.models import EndReason, UserSession
from lms.db import get_session, is_read_request, utcnow, write_during_read_request

#: Key of the token in the (signed) Flask session cookie.
SESSION_TOKEN_KEY = "lms_sid"
#: Ended or expired rows older than this are deleted when their owner signs in again.
_KEEP_DAYS = 90


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(user) -> UserSession:
    """Record a new session for ``user`` and put its token in the Flask session."""
    db = get_session()
    token = secrets.token_urlsafe(32)
    _purge_old(user.id)
    row = UserSession(token_hash=hash_token(token), user_id=user.id,
                      ip_address=client_address(),
                      user_agent=describe_user_agent(request.user_agent.string))
    db.add(row)
    db.flush()
    session[SESSION_TOKEN_KEY] = token
    g.lms_user_session = row
    return row


def client_address() -> str | None:
    """The client's address as Werkzeug sees it (after ProxyFix when configured), or None
    when it is not a valid IP address (never store arbitrary header text)."""
    try:
        return str(ipaddress.ip_address(request.remote_addr or ""))
    except ValueError:
        return None


def _purge_old(user_id: int) -> None:
    cutoff = utcnow() - dt.timedelta(days=_KEEP_DAYS)
    get_session().execute(sa.delete(UserSession).where(
        UserSession.user_id == user_id,
        sa.or_(UserSession.ended_dt < cutoff, UserSession.last_seen_dt < cutoff)))


def _limits() -> tuple[dt.timedelta, dt.timedelta]:
    config = current_app.config
    return (dt.timedelta(minutes=config["LMS_SESSION_IDLE_MINUTES"]),
            dt.timedelta(hours=config["LMS_SESSION_MAX_HOURS"]))


def is_open(row: UserSession, now: dt.datetime | None = None) -> bool:
    now = now or utcnow()
    idle, lifetime = _limits()
    return (row.ended_dt is None and now - row.last_seen_dt <= idle
            and now - row.created_dt <= lifetime)


def _open_filter(now: dt.datetime):
    idle, lifetime = _limits()
    return sa.and_(UserSession.ended_dt.is_(None), UserSession.last_seen_dt >= now - idle,
                   UserSession.created_dt >= now - lifetime)


def current(user_id: int) -> UserSession | None:
    """The open session of this request for ``user_id``, or None (signed out).

    Called by the Flask-Login user loader, so an unknown, ended, idle or too old session
    makes the request anonymous and the page sends the visitor to sign in.
    """
    if "lms_user_session" in g:
        row = g.lms_user_session
        return row if row is not None and row.user_id == user_id else None
    token = session.get(SESSION_TOKEN_KEY)
    row = None
    if isinstance(token, str) and token:
        row = _load_signed_in(hash_token(token))
    now = utcnow()
    if row is None or row.user_id != user_id or not is_open(row, now):
        g.lms_user_session = None
        g.pop("lms_signed_in_roles", None)
        return None
    g.lms_user_session = row
    _touch(row, now)
    return row


@functools.cache
def _signed_in_statement() -> sa.Select:
    """Session row, account, profile and role grants in one statement, built once per
    process (the token hash is its only parameter): the request's whole sign-in is one
    round trip instead of four, and SQLAlchemy's compiled cache finds it at once."""
    from lms.accounts.models import Learner, OrgUnit, RoleGrant, User

    return (sa.select(UserSession, User, Learner, RoleGrant.role, OrgUnit.path)
            .join(User, User.id == UserSession.user_id)
            .outerjoin(Learner, Learner.user_id == User.id)
            .outerjoin(RoleGrant, RoleGrant.learner_id == Learner.id)
            .outerjoin(OrgUnit, OrgUnit.id == RoleGrant.org_unit_id)
            .where(UserSession.token_hash == sa.bindparam("token_hash")))


def _load_signed_in(token_hash: str) -> UserSession | None:
    """The session row of ``token_hash``, its user and learner put in the identity map
    (so the user loader and the principal need no statement of their own) and the
    learner's grants kept in ``g.lms_signed_in_roles`` for :mod:`lms.auth.principal`."""
    rows = get_session().execute(_signed_in_statement(), {"token_hash": token_hash}).all()
    if not rows:
        return None
    row, user, learner = rows[0][0], rows[0][1], rows[0][2]
    # Linked as loaded, which also holds them: the identity map keeps only weak
    # references, and the user loader's ``get`` must find the user still there. The
    # reverse side of a one-to-one is never looked up in the identity map on its own.
    set_committed_value(row, "user", user)
    set_committed_value(user, "learner", learner)
    if learner is not None:
        g.lms_signed_in_roles = (learner.id, [(grant[3], grant[4]) for grant in rows if grant[3] is not None])
    return row


def _touch(row: UserSession, now: dt.datetime) -> None:
    """Move "last seen" forward, at most once per LMS_SESSION_TOUCH_SECONDS.

    A GET reads with a deferred transaction, so the write gets a short one of its own;
    a POST is already a write transaction and the view's commit carries it.
    """
    every = dt.timedelta(seconds=current_app.config["LMS_SESSION_TOUCH_SECONDS"])
    if now - row.last_seen_dt < every:
        return
    statement = (sa.update(UserSession).where(UserSession.id == row.id)
                 .values(last_seen_dt=now).execution_options(synchronize_session=False))
    if is_read_request():
        outer = get_session()
        if outer.new or outer.dirty or outer.deleted:
            return  # never mix into a request that already changed something; next time
        with write_during_read_request() as writer:
            writer.execute(statement)
    else:
        get_session().execute(statement)
    # The row already holds this value: a plain assignment would mark it changed and
    # leave an update nobody commits (and a refreshed row is expired after the write).
    set_committed_value(row, "last_seen_dt", now)


def end(row: UserSession, reason: EndReason) -> None:
    get_session().execute(
        sa.update(UserSession).where(UserSession.id == row.id, UserSession.ended_dt.is_(None))
        .values(ended_dt=utcnow(), ended_reason=reason)
        .execution_options(synchronize_session=False))


def end_all(user_id: int, reason: EndReason, *, except_id: int | None = None) -> int:
    """End every open session of a user (but ``except_id``); returns how many."""
    statement = sa.update(UserSession).where(UserSession.user_id == user_id,
                                             UserSession.ended_dt.is_(None))
    if except_id is not None:
        statement = statement.where(UserSession.id != except_id)
    result = get_session().execute(statement.values(ended_dt=utcnow(), ended_reason=reason)
                                   .execution_options(synchronize_session=False))
    return result.rowcount


def open_sessions(user_id: int) -> list[UserSession]:
    """The user's open sessions, most recently used first."""
    return list(get_session().scalars(
        sa.select(UserSession).where(UserSession.user_id == user_id, _open_filter(utcnow()))
        .order_by(UserSession.last_seen_dt.desc(), UserSession.id.desc())))


def forget() -> None:
    """Drop the token from the Flask session (the row is ended separately)."""
    session.pop(SESSION_TOKEN_KEY, None)
    g.lms_user_session = None


# --- a short description of the device ------------------------------------------------

_BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("coc_coc_browser", "Cốc Cốc"),
             ("Firefox/", "Firefox"), ("Chrome/", "Chrome"), ("Safari/", "Safari"))
_SYSTEMS = (("Windows", "Windows"), ("Android", "Android"), (re.compile(r"iPhone|iPad"), "iOS"),
            ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"), ("Linux", "Linux"))


def describe_user_agent(user_agent: str | None) -> str | None:
    """``"Chrome · Windows"`` from a User-Agent header; None when nothing is recognised.

    Only the browser family and the system are kept: enough for a person to tell their
    office PC from their phone, without storing a fingerprint.
    """
    if not user_agent:
        return None
    browser = next((name for marker, name in _BROWSERS if marker in user_agent), None)
    system = next((name for marker, name in _SYSTEMS
                   if (marker.search(user_agent) if isinstance(marker, re.Pattern)
                       else marker in user_agent)), None)
    parts = [part for part in (browser, system) if part]
    return " · ".join(parts) if parts else None  # never store an arbitrary header
