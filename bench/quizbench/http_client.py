"""Recording requests, and a minimal browser: http.client + one cookie jar."""
from __future__ import annotations

import http.client
import threading
import time
import urllib.parse
from dataclasses import dataclass
from http.cookies import SimpleCookie

from . import HTTP_TIMEOUT, LOCKED_TEXT

# --- recording requests ----------------------------------------------------------------

@dataclass
class RequestRecord:
    """One HTTP exchange as the client saw it."""

    kind: str            # e.g. "save_answer", "submit", "healthz"
    status: int | None   # None: connection-level failure
    latency: float       # seconds, connect → last body byte
    error: str | None = None      # connection error or unexpected status, if any
    locked: bool = False          # the body mentioned "database is locked"


class Recorder:
    """Thread-safe list of request records."""

    def __init__(self):
        self._lock = threading.Lock()
        self.records: list[RequestRecord] = []

    def add(self, record: RequestRecord) -> None:
        with self._lock:
            self.records.append(record)

    def of_kind(self, kind: str) -> list[RequestRecord]:
        return [r for r in self.records if r.kind == kind]


# --- a minimal browser: http.client + one cookie jar -----------------------------------

@dataclass
class Response:
    status: int
    location: str | None  # path part of the Location header, if any
    body: str


class HttpFailure(Exception):
    """The request did not produce the expected response; the flow of that learner stops."""


class Browser:
    """One simulated learner's browser: its own cookies, a new connection per request.

    gunicorn's sync workers close the connection after every response, so keep-alive
    would buy nothing. Redirects are not followed automatically: the flow follows the
    ones a browser would, so each request is timed and classified on its own.
    """

    def __init__(self, port: int, recorder: Recorder):
        self.port = port
        self.recorder = recorder
        self.cookies: dict[str, str] = {}
        self._cookie_lock = threading.Lock()  # two "tabs" share the jar when double-submitting

    def get(self, path: str, kind: str, expect: int = 200) -> Response:
        return self.request("GET", path, kind, expect=expect)

    def post(self, path: str, form: list[tuple[str, str]], kind: str,
             expect: int = 302) -> Response:
        return self.request("POST", path, kind, form=form, expect=expect)

    def request(self, method: str, path: str, kind: str, *, form=None, expect: int) -> Response:
        """Send one request, record it, raise :class:`HttpFailure` on anything unexpected."""
        body = urllib.parse.urlencode(form).encode() if form is not None else None
        headers = {"Host": f"127.0.0.1:{self.port}", "Accept": "text/html",
                   "Accept-Language": "en"}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        with self._cookie_lock:
            if self.cookies:
                headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=HTTP_TIMEOUT)
        try:
            connection.request(method, path, body=body, headers=headers)
            raw = connection.getresponse()
            text = raw.read().decode("utf-8", errors="replace")
            set_cookies = raw.headers.get_all("Set-Cookie") or []
            location = raw.headers.get("Location")
            status = raw.status
        except (OSError, http.client.HTTPException) as error:
            latency = time.perf_counter() - started
            message = f"{method} {path}: {type(error).__name__}: {error}"
            self.recorder.add(RequestRecord(kind, None, latency, error=message))
            raise HttpFailure(message) from None
        finally:
            connection.close()
        latency = time.perf_counter() - started
        self._store_cookies(set_cookies)
        locked = LOCKED_TEXT in text.lower()
        error = None if status == expect else f"{method} {path}: HTTP {status} (expected {expect})"
        self.recorder.add(RequestRecord(kind, status, latency, error=error, locked=locked))
        if error:
            raise HttpFailure(error)
        path_only = urllib.parse.urlsplit(location).path if location else None
        return Response(status, path_only, text)

    def _store_cookies(self, headers: list[str]) -> None:
        with self._cookie_lock:
            for header in headers:
                for name, morsel in SimpleCookie(header).items():
                    # Flask deletes a cookie by sending it empty with an expiry in the past.
                    if not morsel.value or morsel["max-age"] == "0":
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
