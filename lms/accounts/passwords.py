"""Password hashing (werkzeug's scrypt by default) with a method set per app."""
from __future__ import annotations

from functools import lru_cache

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["LMS_PASSWORD_HASH_METHOD"])


def check_password(password_hash: str, password: str) -> bool:
    return check_password_hash(password_hash, password)


def spend_equal_time(password: str) -> bool:
    """Check against a throwaway hash so an unknown username costs as much as a wrong
    password (no timing hint about which usernames exist). Always False."""
    check_password_hash(_throwaway_hash(current_app.config["LMS_PASSWORD_HASH_METHOD"]), password)
    return False


@lru_cache(maxsize=4)
def _throwaway_hash(method: str) -> str:
    return generate_password_hash("not a real password", method=method)
