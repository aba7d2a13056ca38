"""Sign-in throttling that serves an office and still slows down guessing.

Only failures count, under three keys:

- per client address (``LMS_LOGIN_FAILURES_PER_ADDRESS``): one machine guessing many
  accounts; generous, because a whole office may share one NAT address;
- per (username, address) (``LMS_LOGIN_FAILURES_PER_USERNAME_AND_ADDRESS``): tight, and
  it does not reach the owner signing in from another address;
- per username from everywhere (``LMS_LOGIN_FAILURES_PER_USERNAME``): well above the
  others. Past ``LMS_LOGIN_DELAY_AFTER_FAILURES`` failures in that window each further
  attempt for the username must wait a delay that doubles with every failure, capped by
  ``LMS_LOGIN_DELAY_MAX_SECONDS``: an attack spread over many addresses slows down
  exponentially, and the owner is never kept out longer than the cap.

Built on the `limits` library (the engine under Flask-Limiter) instead of Flask-Limiter's
decorators: those register limits on a module-level view function, which would be shared
by every app in the process, and a host app keeps full control of its own routes.
Counters live in memory by default or in Redis (``LMS_RATELIMIT_STORAGE_URI``) so several
app servers share them; every key starts with ``LMS_RATELIMIT_KEY_PREFIX``.

When the counter store cannot be reached (Redis restarting), sign-in goes on without
throttling and each lost check is logged as an error: an outage of a defence-in-depth
layer must not lock a whole department out of its training, and the passwords behind it
are hashed and strength-checked. Only connection failures are tolerated; any other error
is a bug and still raises.
"""
from __future__ import annotations

import functools
import ipaddress
import logging
import math
import time

from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter


log = logging.getLogger(__name__)


def _outage_errors() -> tuple[type[BaseException], ...]:
    """The errors that mean "the counter store is unreachable", not "the code is wrong"."""
    errors: list[type[BaseException]] = [ConnectionError, TimeoutError]
    try:
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError
    except ImportError:  # the redis extra is not installed: memory storage only
        pass
    else:
        errors += [RedisConnectionError, RedisTimeoutError]
    return tuple(errors)


OUTAGE_ERRORS = _outage_errors()


def _through_outage(fallback):
    """Run a counter operation; when the store is unreachable, log it and return
    ``fallback`` (0 for "no wait", None for a record that could not be kept)."""
    def decorate(method):
        @functools.wraps(method)
        def run(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except OUTAGE_ERRORS as error:
                log.error("Sign-in throttling skipped: the counter store is unreachable "
                          "(%s: %s).", type(error).__name__, error)
                return fallback
        return run
    return decorate


def address_key(address: str | None) -> str:
    """The key one client address counts under: an IPv4 address itself, an IPv6 address's
    /64 network (one LAN, or one subscriber: they hold the whole /64, so counting single
    IPv6 addresses would give an attacker 2^64 fresh ones)."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return "unknown"
    if ip.version == 6:
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


class LoginRateLimiter:
    def __init__(self, storage_uri: str, *, key_prefix: str, per_address: str,
                 per_username_and_address: str, per_username: str, delay_after: int,
                 delay_base_seconds: float, delay_max_seconds: float,
                 password_change: str):
        self.storage = storage_from_string(storage_uri)
        self._limiter = MovingWindowRateLimiter(self.storage)
        self._prefix = key_prefix
        self._per_address = parse(per_address)
        self._per_username_and_address = parse(per_username_and_address)
        self._per_username = parse(per_username)
        self._delay_after = int(delay_after)
        self._delay_base = float(delay_base_seconds)
        self._delay_max = float(delay_max_seconds)
        self._password_change = parse(password_change)

    @classmethod
    def from_config(cls, config) -> LoginRateLimiter:
        return cls(
            config["LMS_RATELIMIT_STORAGE_URI"],
            key_prefix=config["LMS_RATELIMIT_KEY_PREFIX"],
            per_address=config["LMS_LOGIN_FAILURES_PER_ADDRESS"],
            per_username_and_address=config["LMS_LOGIN_FAILURES_PER_USERNAME_AND_ADDRESS"],
            per_username=config["LMS_LOGIN_FAILURES_PER_USERNAME"],
            delay_after=config["LMS_LOGIN_DELAY_AFTER_FAILURES"],
            delay_base_seconds=config["LMS_LOGIN_DELAY_BASE_SECONDS"],
            delay_max_seconds=config["LMS_LOGIN_DELAY_MAX_SECONDS"],
            password_change=config["LMS_PASSWORD_CHANGE_FAILURES"],
        )

    # --- sign-in ----------------------------------------------------------------------

    @_through_outage(0)
    def login_wait(self, address: str, username: str) -> int:
        """Seconds before this address may try this username again; 0 when it may now.

        Only reads the counters: an attempt that is let through and succeeds costs nothing.
        """
        waits = [
            self._window_wait(self._per_address, "login-address", address),
            self._window_wait(self._per_username_and_address, "login-user-address",
                              username, address),
            self._window_wait(self._per_username, "login-user", username),
            self._cooldown_wait(username),
        ]
        return max(waits)

    @_through_outage(None)
    def record_login_failure(self, address: str, username: str) -> None:
        """Count one failure under the three keys; start the username's delay if due."""
        self._limiter.hit(self._per_address, self._prefix, "login-address", address)
        self._limiter.hit(self._per_username_and_address, self._prefix,
                          "login-user-address", username, address)
        self._limiter.hit(self._per_username, self._prefix, "login-user", username)
        failures = self.username_failures(username)
        if failures >= self._delay_after:
            delay = self.delay_for(failures)
            key = self._cooldown_key(username)
            # The counter holds the delay's end in milliseconds. A storage's own expiry is
            # only whole seconds (limits 3.x memory truncates it, Redis TTL rounds), which
            # told clients to come back up to a second too early.
            ends_ms = int((time.time() + delay) * 1000)
            self.storage.clear(key)
            self.storage.incr(key, math.ceil(delay) + 1, amount=ends_ms)

    @_through_outage(None)
    def record_login_success(self, address: str, username: str) -> None:
        """The owner got in from this address: forget their typos there (not elsewhere)."""
        self._limiter.clear(self._per_username_and_address, self._prefix,
                            "login-user-address", username, address)

    def username_failures(self, username: str) -> int:
        stats = self._limiter.get_window_stats(self._per_username, self._prefix, "login-user",
                                               username)
        return self._per_username.amount - stats.remaining

    def delay_for(self, failures: int) -> float:
        """Seconds to wait after the ``failures``-th failure of one username."""
        if failures < self._delay_after:
            return 0.0
        exponent = min(failures - self._delay_after, 60)  # 2**60 s is far past any cap
        return min(self._delay_base * 2 ** exponent, self._delay_max)

    # --- change password --------------------------------------------------------------

    @_through_outage(0)
    def password_change_wait(self, user_id: int) -> int:
        return self._window_wait(self._password_change, "password-change", str(user_id))

    @_through_outage(None)
    def record_password_change_failure(self, user_id: int) -> None:
        self._limiter.hit(self._password_change, self._prefix, "password-change", str(user_id))

    # --- helpers ----------------------------------------------------------------------

    def _window_wait(self, item, *identifiers: str) -> int:
        if self._limiter.test(item, self._prefix, *identifiers):
            return 0
        stats = self._limiter.get_window_stats(item, self._prefix, *identifiers)
        return max(math.ceil(stats.reset_time - time.time()), 1)

    def _cooldown_key(self, username: str) -> str:
        return f"{self._prefix}/login-delay/{username}"

    def _cooldown_wait(self, username: str) -> int:
        remaining = self.storage.get(self._cooldown_key(username)) / 1000 - time.time()
        if remaining <= 0:
            return 0
        return max(math.ceil(remaining), 1)

    def reset(self) -> None:
        self.storage.reset()
