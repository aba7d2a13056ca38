"""Conditional GETs for pages that are the same on every visit until something changes
(a lesson): the browser keeps its copy and asks "changed?" with ``If-None-Match``, and a
phone on a slow link gets a 304 of a few hundred bytes instead of the page again.

The validator is a hash of the page as rendered, so anything the learner would see
differently (progress, a message, the language, the quiz link on the last lesson) is a
new page. One part changes on every render while meaning the same: the signed CSRF
token (Flask-WTF signs it with the time). It is taken out of the hash and replaced by
the session's raw token, which it signs: a copy cached in this session still posts, a
copy from an earlier session (whose token the server no longer accepts) never matches.

The page is still built (the view's work, such as recording the lesson visit, happens
on every request); what is saved is the transfer.
"""
from __future__ import annotations

import hashlib

from flask import Response, current_app, g, request, session


def revalidated(response: Response) -> Response:
    """``response`` with a weak ETag of its body and ``Cache-Control: private, no-cache``
    (kept by this browser only, checked with the server before every use); a 304 when
    the request's ``If-None-Match`` names the same page."""
    if request.method not in ("GET", "HEAD") or response.status_code != 200 or response.is_streamed:
        return response
    body = response.get_data()
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    signed = g.get(field)
    digest = hashlib.sha256()
    if signed:
        body = body.replace(signed.encode(), b"")
        digest.update(str(session.get(field, "")).encode())
    digest.update(b"\0")
    digest.update(body)
    # Weak: the same page whatever the transfer encoding (the compression hook keeps weak
    # tags as they are, and would otherwise append ":br" to a strong one).
    response.set_etag(digest.hexdigest()[:32], weak=True)
    # This page's own policy, not the default "no-store": it holds course text and the
    # learner's progress, nothing another user of the browser could not see on screen.
    response.headers["Cache-Control"] = "private, no-cache"
    return response.make_conditional(request)
