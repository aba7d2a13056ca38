"""Sign-in and password forms (Flask-WTF: every form carries a CSRF token)."""
from __future__ import annotations

from flask import current_app
from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, ValidationError

from lms.forms import LmsForm, max_length
from lms.i18n import _, _l


class LoginForm(LmsForm):
    username = StringField(_l("Username"), validators=[DataRequired(), max_length(80)],
                           render_kw={"autocomplete": "username", "autocapitalize": "none"})
    password = PasswordField(_l("Password"), validators=[DataRequired(), max_length(256)],
                             render_kw={"autocomplete": "current-password"})
    next = HiddenField()


def _long_enough(form, field):
    minimum = current_app.config["LMS_PASSWORD_MIN_LENGTH"]
    if len(field.data or "") < minimum:
        raise ValidationError(_("Use at least %(count)d characters.", count=minimum))


class ChangePasswordForm(LmsForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()],
                                     render_kw={"autocomplete": "current-password"})
    new_password = PasswordField(_l("New password"), validators=[DataRequired(), _long_enough, max_length(256)],
                                 render_kw={"autocomplete": "new-password"})
    confirm_password = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("The two passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )

    def validate_new_password(self, field):
        if field.data and field.data == self.current_password.data:
            raise ValidationError(_("Choose a password different from the current one."))
