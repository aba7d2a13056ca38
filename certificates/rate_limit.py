"""Throttling of the public verification pages: each client address (IPv6 by /64, as
for sign-ins) may make ``LMS_CERTIFICATE_VERIFY_LIMIT`` requests. Codes carry 98 bits,
so guessing is hopeless anyway; the limit keeps a scraper from walking serial numbers
through the lookup form and keeps the pages cheap for the public.

Built on `limits` like :mod:`lms.auth.rate_limit`; counters in the same storage
(``LMS_RATELIMIT_STORAGE_URI``: memory, or Redis shared by every app server).
"""
from __future__ import annotations

import math
import time

from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from lms.auth.rate_limit import address_key


class VerifyRateLimiter:
    def __init__(self, storage_uri: str, *, key_prefix: str, limit: str):
        self._limiter = MovingWindowRateLimiter(storage_from_string(storage_uri))
        self._item = parse(limit)
        self._prefix = key_prefix

    @classmethod
    def from_config(cls, config) -> VerifyRateLimiter:
        return cls(config["LMS_RATELIMIT_STORAGE_URI"], key_prefix=config["LMS_RATELIMIT_KEY_PREFIX"],
                   limit=config["LMS_CERTIFICATE_VERIFY_LIMIT"])

    def hit(self, address: str | None) -> int:
        """Count one request; 0 when allowed, else the seconds to wait."""
        key = address_key(address)
        if self._limiter.hit(self._item, self._prefix, "certificate-verify", key):
            return 0
        stats = self._limiter.get_window_stats(self._item, self._prefix, "certificate-verify", key)
        return max(math.ceil(stats.reset_time - time.time()), 1)
