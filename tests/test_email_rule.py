"""One e-mail rule (issue 8, point 11): the admin form and the learner import agree,
because both ask lms.accounts.text_rules.is_email (email-validator)."""
import datetime as dt

import pytest
from werkzeug.datastructures import MultiDict

from lms.accounts import import_validation
from lms.accounts.text_rules import is_email

GOOD = ["hoa.nguyen@svhttdl.danang.gov.vn", "an@example.vn", "nguyễn@ví-dụ.vn"]
BAD = ["an@", "an", "a b@c.vn", "x@@y.vn", "an@example", "@example.vn", "a" * 190 + "@example.vn"]


@pytest.mark.parametrize("text", GOOD + BAD)
def test_form_and_import_give_the_same_answer(app, text):
    with app.test_request_context():
        from lms.admin.forms import LearnerForm

        form = LearnerForm(formdata=MultiDict({"email": text}), meta={"csrf": False})
        form.org_unit_id.choices = [(0, "—")]
        form.validate()
        form_accepts = not form.email.errors
        imported = import_validation._email(text, None, None, dt.date.today())
    import_accepts = not isinstance(imported, import_validation._Invalid)
    assert form_accepts == import_accepts == is_email(text) == (text in GOOD)
