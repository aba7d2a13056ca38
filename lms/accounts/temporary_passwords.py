"""Temporary passwords that can be read out, written down and typed on a phone.

Lower-case letters and digits without the look-alikes (no l or 1, no o or 0, and no
capitals at all, so no I or O): 32 symbols, 5 bits each. Fifteen of them (75 bits, far
beyond any online guessing behind the sign-in throttle) are shown in three groups of
five, "k7hmx 4tqp9 wnc2e", and typed without the gaps. No Flask here.
"""
from __future__ import annotations

import secrets

ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"
LENGTH = 15
GROUP = 5


def generate(length: int = LENGTH) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def groups(password: str, size: int = GROUP) -> list[str]:
    """The password cut into groups for reading: ["k7hmx", "4tqp9", "wnc2e"]."""
    return [password[index:index + size] for index in range(0, len(password), size)]
