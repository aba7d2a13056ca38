"""Login throttling per client IP and per username.

Built on the `limits` library (the engine under Flask-Limiter) instead of Flask-Limiter's
decorators: those register limits on a module-level view function, which would be shared
by every app in the process, and a host app keeps full control of its own routes.
Counters live in memory by default or in Redis (``LMS_RATELIMIT_STORAGE_URI``) so several
app servers share them.
"""
from __future__ import annotations

from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter


class LoginRateLimiter:
    def __init__(self, storage_uri: str, per_ip: str, per_username: str):
        self._limiter = MovingWindowRateLimiter(storage_from_string(storage_uri))
        self._per_ip = parse(per_ip)
        self._per_username = parse(per_username)

    @classmethod
    def from_config(cls, config) -> LoginRateLimiter:
        return cls(
            config["LMS_RATELIMIT_STORAGE_URI"],
            config["LMS_LOGIN_LIMIT_PER_IP"],
            config["LMS_LOGIN_LIMIT_PER_USERNAME"],
        )

    def allow_attempt(self, ip_address: str, username: str) -> bool:
        """Count one attempt from this IP; False when the IP or the username is over its limit."""
        if not self._limiter.hit(self._per_ip, "lms-login-ip", ip_address):
            return False
        return self._limiter.test(self._per_username, "lms-login-user", username)

    def record_failure(self, username: str) -> None:
        """Only failures count against a username, so its owner is not locked out by success."""
        self._limiter.hit(self._per_username, "lms-login-user", username)

    def reset(self) -> None:
        self._limiter.storage.reset()
