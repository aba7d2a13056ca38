"""Characters no name, username or code may hold, for forms, imports and commands.

Control characters, bidi overrides (U+202E turns "Nguyễn" into a name that reads
backwards), zero-width characters and the like are invisible or reorder what is shown:
two names that look the same would be different people, a staff code would not match
when typed. Kept free of Flask so every entry point applies the same rule.
"""
from __future__ import annotations

import unicodedata

from wtforms.validators import ValidationError

from lms.i18n import _

#: Unicode categories refused: control (Cc), format (Cf: bidi controls, zero-width
#: space/joiners, BOM, soft hyphen), surrogate (Cs), private use (Co), unassigned (Cn),
#: line and paragraph separators (Zl, Zp). Combining marks stay allowed: NFC composes
#: Vietnamese letters, other scripts need them.
REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def refused_character(text: str) -> str | None:
    """The first refused character of ``text`` as ``"U+202E"``, or None.

    Leading and trailing whitespace (a tab or newline pasted from a spreadsheet) is not
    counted: every caller strips it before storing.
    """
    for character in text.strip():
        if unicodedata.category(character) in REFUSED_CATEGORIES:
            return f"U+{ord(character):04X}"
    return None


def refused_character_message(code_point: str) -> str:
    return _("This contains an invisible or control character (%(code)s), which is not "
             "allowed. Type the text again instead of pasting it.", code=code_point)


def visible_text(_form, field) -> None:
    """WTForms validator: refuse invisible and control characters (see module docstring)."""
    code_point = refused_character(field.data or "") if isinstance(field.data, str) else None
    if code_point is not None:
        raise ValidationError(refused_character_message(code_point))


#: Longest e-mail address stored (the column's length).
MAX_EMAIL_LENGTH = 200


def is_email(text: str) -> bool:
    """The one e-mail rule of forms and imports: email-validator's syntax check (no DNS
    lookup: an agency's internal domain need not resolve from here)."""
    from email_validator import EmailNotValidError, validate_email

    if len(text) > MAX_EMAIL_LENGTH:
        return False
    try:
        validate_email(text, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


def email_address(_form, field) -> None:
    """WTForms validator applying :func:`is_email` to a non-empty field."""
    if field.data and not is_email(field.data.strip()):
        raise ValidationError(_("Invalid email address."))
