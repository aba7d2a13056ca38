"""Only ever redirect to a path on this site (no open redirects through ``next``)."""
from __future__ import annotations

from urllib.parse import urlsplit


def safe_next_url(target: str | None) -> str | None:
    """Return ``target`` if it is a local path such as ``/learn/courses?x=1``, else None."""
    if not target:
        return None
    target = target.strip()
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(ch) < 32 for ch in target):
        return None  # browsers treat "/\evil.com" as "//evil.com"
    return target
