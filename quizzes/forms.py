"""Quiz forms. The answer inputs of an attempt are drawn by the template from the question
type, and its POSTs carry only the CSRF token (:class:`lms.forms.ButtonForm`)."""
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, SelectField
from wtforms.fields.choices import SelectChoice

from lms.forms import LmsForm, upload_size
from lms.i18n import _l


class GiftUploadForm(LmsForm):
    gift = FileField(_l("GIFT file (.txt or .gift)"), validators=[
        FileRequired(), FileAllowed(["txt", "gift"], _l("Upload a .txt or .gift file.")),
        upload_size])
    lang = SelectField(_l("Language of the questions"),
                       choices=[SelectChoice("vi", "Tiếng Việt"), SelectChoice("en", "English")])
    skip_unsupported = BooleanField(_l("Import what is supported: skip essay questions (each "
                                       "skipped question is listed with its line)"))
