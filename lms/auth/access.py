"""View decorators that apply the policy: load → authorize → act."""
from __future__ import annotations

from functools import wraps

from flask import abort, current_app, redirect, request, url_for

from lms.auth.principal import current_principal
from lms.db import get_session
from lms.extension import get_state
from lms.policy import can


def login_required_response():
    """Send an anonymous visitor to sign in (the host's login page in host mode)."""
    if get_state().is_host_mode:
        return current_app.login_manager.unauthorized()
    return redirect(url_for("lms.auth.login", next=request.full_path.rstrip("?")))


def require(action: str):
    """Decorator: anonymous → sign in; signed in without the right → 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            principal = current_principal()
            if not principal.is_authenticated:
                return login_required_response()
            if not can(principal, action):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def load_or_404(model, object_id: int, action: str | None = None):
    """Load → authorize in one step: the ``model`` row ``object_id``, or a 404 when it is
    missing or when the principal may not ``action`` it. A forbidden object looks
    exactly like a missing one, so not even its existence is shown."""
    obj = get_session().get(model, object_id)
    if obj is None or (action is not None and not can(current_principal(), action, obj)):
        abort(404)
    return obj
