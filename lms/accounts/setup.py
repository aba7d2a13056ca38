"""Account set-up used by commands: the first administrator."""
from __future__ import annotations

import sqlalchemy as sa
from flask import current_app

from lms.accounts import operations
from lms.accounts.import_validation import USERNAME
from lms.accounts.models import Role, User
from lms.accounts.text_rules import refused_character
from lms.db import get_session


class SetupError(ValueError):
    """A set-up step cannot run; the message says why."""


def create_admin(username: str, password: str, *, full_name: str | None = None) -> User:
    """Create an account with the admin role (flushed; the caller's unit of work
    commits). Refuses weak or taken input."""
    minimum = current_app.config["LMS_PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        raise SetupError(f"The password must have at least {minimum} characters.")
    session = get_session()
    username = operations.normalise_username(username)
    if not username:
        raise SetupError("The username is empty.")
    for label, text in (("username", username), ("full name", full_name or "")):
        code_point = refused_character(text)
        if code_point is not None:
            raise SetupError(f"The {label} holds an invisible or control character ({code_point}).")
    if not USERNAME.match(username):
        raise SetupError("A username has 3–80 characters: letters a–z, digits, '.', '_' or '-'.")
    if session.scalar(sa.select(User.id).where(User.username == username)) is not None:
        raise SetupError(f"The username {username} is taken.")
    learner = operations.create_learner(full_name=full_name or username)
    try:
        user = operations.create_account(learner, username, password)
    except operations.AccountError as error:
        raise SetupError(str(error)) from None
    operations.grant_role(learner, Role.ADMIN, None, actor=None)
    return user
