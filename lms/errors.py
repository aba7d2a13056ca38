"""Error pages for LMS routes only (blueprint-scoped: the host's pages stay its own)."""
from __future__ import annotations

from flask import Blueprint, render_template
from werkzeug.exceptions import BadRequest, HTTPException

from lms.i18n import _l

_MESSAGES = {
    400: (_l("Bad request"), _l("The form has expired or the data sent is not valid. Please reload the page and try again.")),
    403: (_l("Access denied"), _l("Your account does not have permission to view this page.")),
    404: (_l("Page not found"), _l("The page or content you are looking for does not exist.")),
    405: (_l("Not allowed"), _l("This address cannot be opened this way. Go back and use the buttons on the page.")),
    413: (_l("File too large"), _l("The uploaded file is larger than allowed.")),
    429: (_l("Too many requests"), _l("You have tried too many times. Please wait a few minutes and try again.")),
    500: (_l("System error"), _l("Something went wrong. Please try again in a few minutes.")),
}


class InvalidCharacters(BadRequest):
    """The address or a form field holds a character no input may hold (NUL)."""

    lms_message = _l("The address or the form contains a character that is not allowed (a "
                     "NUL character). Check what was typed or pasted and try again.")


def _handler(code: int):
    def handle(error):
        title, message = _MESSAGES[code]
        message = getattr(error, "lms_message", None) or message
        # The exception's own headers (Allow on a 405, Retry-After on a 429), not its body's type.
        headers = [(name, value) for name, value in error.get_headers() if name != "Content-Type"] \
            if isinstance(error, HTTPException) else []
        return render_template("lms/error.html", code=code, title=title, message=message), code, headers

    return handle


def register(bp: Blueprint) -> None:
    for code in _MESSAGES:
        bp.register_error_handler(code, _handler(code))
