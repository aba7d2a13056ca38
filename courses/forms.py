"""Forms of the course pages (POST buttons carry a CSRF token)."""
from __future__ import annotations

from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional

from courses.models import Topic
from lms.forms import LmsForm, max_length, upload_size
from lms.i18n import _l

TOPIC_LABELS = {
    Topic.AI: _l("Artificial intelligence"),
    Topic.BIG_DATA: _l("Data and big data"),
    Topic.IOT: _l("IoT and smart cities"),
    Topic.CLOUD: _l("Cloud and collaboration"),
    Topic.CYBERSECURITY: _l("Cybersecurity"),
    Topic.E_GOVERNMENT: _l("Digital government and public services"),
}


class CatalogFilterForm(LmsForm):
    class Meta:
        csrf = False  # a GET filter changes nothing

    q = StringField(_l("Search courses"), validators=[Optional(), max_length(100)])
    topic = SelectField(_l("Topic"), validators=[Optional()], choices=[SelectChoice("", _l("All topics"))]
                        + [SelectChoice(topic.value, label) for topic, label in TOPIC_LABELS.items()])


class PackUploadForm(LmsForm):
    pack = FileField(_l("Content pack (.zip)"), validators=[
        FileRequired(), FileAllowed(["zip"], _l("Upload the pack as a .zip file.")), upload_size])


class SelfCheckForm(LmsForm):
    """One self-check answer: the place of the chosen option (the key is never on the page,
    and nothing the form sends is stored)."""

    choice = IntegerField(validators=[InputRequired(_l("Choose an answer first."))])
