"""Quiz forms: the answer inputs are drawn by the template from the question type; the
form object carries the CSRF token."""
from lms.forms import LmsForm


class AttemptForm(LmsForm):
    """Save an answer, start, submit: every POST of the quiz pages."""
