"""Which new passwords are refused, and why (in words the person understands).

Strength is estimated with zxcvbn (Dropbox's estimator, Python port ``zxcvbn`` 4.5): it
knows the common passwords of public leaks, English words and names, keyboard patterns,
dates, repeats and l33t spellings, and it is told the person's own details so that a
password made of them scores low. zxcvbn does not know Vietnamese names, so a password
that is mostly the person's username, name, staff code or e-mail is refused by the check
below before the estimate. No Flask imports: callers pass the settings.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from zxcvbn import zxcvbn

from lms.i18n import _, strip_diacritics

#: Personal tokens this long or longer are refused anywhere inside the password; shorter
#: ones ("an", "hoa") are common inside ordinary words and count only when little else is left.
_CONTAINED_MIN = 4
#: What must remain of a password, in letters, once the person's details are removed.
_REST_MIN = 4
#: zxcvbn's own limit: longer passwords are estimated on their first 72 characters,
#: which keeps a 256-character password from costing seconds of CPU.
_ESTIMATE_CHARS = 72


@dataclass(frozen=True)
class PasswordRules:
    min_length: int
    min_score: int
    context_words: tuple[str, ...] = ()

    @classmethod
    def from_config(cls, config) -> PasswordRules:
        organisation = config.get("LMS_ORGANISATION_NAME") or {}
        names = organisation.values() if isinstance(organisation, dict) else [organisation]
        words = [word for name in names for word in _compact_words(str(name))]
        return cls(min_length=int(config["LMS_PASSWORD_MIN_LENGTH"]),
                   min_score=int(config["LMS_PASSWORD_MIN_SCORE"]),
                   context_words=tuple(config["LMS_PASSWORD_CONTEXT_WORDS"]) + tuple(words))


def _compact(text: str | None) -> str:
    """Lower case, no diacritics, letters and digits only: ``"Nguyễn Văn An"`` → ``nguyenvanan``."""
    return re.sub(r"[\W_]+", "", strip_diacritics(text or ""))


def _compact_words(text: str | None) -> list[str]:
    return [word for word in (_compact(part) for part in strip_diacritics(text or "").split())
            if word]


def personal_tokens(*, username: str | None = None, full_name: str | None = None,
                    staff_code: str | None = None, email: str | None = None) -> list[str]:
    tokens = {_compact(username), _compact(full_name), _compact(staff_code),
              _compact((email or "").partition("@")[0])}
    words = _compact_words(full_name)
    tokens.update(words)
    if len(words) > 1:  # "An Nguyễn", the given name first, as in English forms
        tokens.add(words[-1] + words[0])
        tokens.add(words[-1] + "".join(words[:-1]))
    tokens.update(_compact_words((username or "").replace(".", " ").replace("_", " ")))
    return sorted((token for token in tokens if token), key=len, reverse=True)


def _built_from(password: str, tokens: list[str]) -> bool:
    compact = _compact(password)
    if any(len(token) >= _CONTAINED_MIN and token in compact for token in tokens):
        return True
    rest = compact
    for token in tokens:
        rest = rest.replace(token, "")
    letters_left = re.sub(r"\d", "", rest)
    return rest != compact and len(letters_left) < _REST_MIN


def password_problem(password: str, rules: PasswordRules, **person) -> str | None:
    """None when ``password`` may be used; otherwise the translated reason.

    ``person`` holds ``username``, ``full_name``, ``staff_code`` and ``email`` (any may be
    missing).
    """
    if len(password) < rules.min_length:
        return _("Use at least %(count)d characters.", count=rules.min_length)
    tokens = personal_tokens(**person)
    if _built_from(password, tokens):
        return _("This password is built from your username, name, staff code or e-mail. "
                 "Choose one that has nothing to do with you.")
    common = _("This password is too common or too easy to guess. A sentence of four or "
               "five unrelated words is easy to remember and hard to guess.")
    if _built_from(password, [_compact(word) for word in rules.context_words if word]):
        return common  # the site's own words ("matkhau", the organisation) come first to mind
    result = zxcvbn(password[:_ESTIMATE_CHARS], user_inputs=tokens + list(rules.context_words),
                    max_length=_ESTIMATE_CHARS)
    if result["score"] >= rules.min_score:
        return None
    if any(match.get("dictionary_name") == "user_inputs" for match in result["sequence"]):
        return _("This password is built from your username, name, staff code or e-mail. "
                 "Choose one that has nothing to do with you.")
    return common
