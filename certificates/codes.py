"""Serial numbers and verification codes (pure: no Flask, no database).

A verification code is 20 characters from an alphabet without look-alikes (no 0/O,
no 1/I/L, and no U, which handwriting confuses with V), printed in five groups of four:
``K7QF-3MZP-…``. 20 characters of a 30-letter alphabet carry 98 bits of randomness, well
above the 80 the issue asks, and people read a group of four at a time.
"""
from __future__ import annotations

import math
import re
import secrets
import string

#: Digits and capitals without 0 O 1 I L U (U reads as V in many hands).
ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 20
GROUP = 4
#: Bits of randomness of one code.
CODE_BITS = CODE_LENGTH * math.log2(len(ALPHABET))

_CODE_RE = re.compile(f"[{ALPHABET}]{{{CODE_LENGTH}}}")


def new_verification_code() -> str:
    """A fresh random code (stored form, no separators)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def grouped(code: str) -> str:
    """The printed form: groups of four joined by hyphens."""
    return "-".join(code[i:i + GROUP] for i in range(0, len(code), GROUP))


def normalize_code(text: str | None) -> str | None:
    """The stored form of a code as someone typed it (case, spaces and hyphens ignored);
    None when it cannot be a code (then no lookup is made at all)."""
    if not text or len(text) > 64:
        return None
    cleaned = re.sub(r"[\s\-]", "", text).upper()
    return cleaned if _CODE_RE.fullmatch(cleaned) else None


class SerialPatternError(ValueError):
    """The configured serial pattern cannot give unique serials."""


def check_serial_pattern(pattern: str) -> None:
    """Refuse a pattern that does not name both ``{seq…}`` and ``{year}`` (serials would
    repeat across years, or not be numbered) or that uses any other field."""
    try:
        fields = {name for _text, name, _spec, _conv in string.Formatter().parse(pattern)
                  if name is not None}
        pattern.format(seq=1, year=2026)
    except (ValueError, KeyError, IndexError) as error:
        raise SerialPatternError(f"serial pattern {pattern!r}: {error}") from None
    if fields != {"seq", "year"}:
        raise SerialPatternError(
            f"serial pattern {pattern!r} must use exactly the fields {{seq}} and {{year}}")


def format_serial(pattern: str, *, seq: int, year: int) -> str:
    """``format_serial("{seq:05d}/{year}/GCN-SVHTTDL", seq=42, year=2026)`` →
    ``"00042/2026/GCN-SVHTTDL"``."""
    return pattern.format(seq=seq, year=year)
