"""Issue 13, point 6: dates typed as people type them (lms.day_parsing), in forms and in
the learner import; an impossible date gets a clear, translated message."""
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lms.day_parsing import DayError, parse_day, show_day

DAYS = st.dates(min_value=dt.date(1000, 1, 1), max_value=dt.date(9999, 12, 31))


def written_forms(day: dt.date) -> list[str]:
    d, m, y = day.day, day.month, day.year
    return [f"{d:02d}/{m:02d}/{y}", f"{d}/{m}/{y}", f"{d:02d}.{m:02d}.{y}", f"{d}.{m}.{y}",
            f"{d:02d}-{m:02d}-{y}", f"{d:02d}{m:02d}{y}", f"{y}-{m:02d}-{d:02d}",
            f"{y}-{m}-{d}", f" {d} / {m} / {y} ", f"{d:02d}／{m:02d}／{y}"]  # full-width slashes


@given(DAYS)
def test_every_accepted_form_reads_back_the_same_day(day):
    for text in written_forms(day):
        assert parse_day(text) == day, text


@given(DAYS)
def test_shown_back_as_dd_mm_yyyy_and_read_again(day):
    shown = show_day(day)
    assert shown == day.strftime("%d/%m/") + f"{day.year:04d}"
    assert parse_day(shown) == day


@given(st.integers(1, 9999), st.integers(1, 12), st.integers(29, 40))
def test_a_day_the_month_lacks_is_refused_as_such(year, month, day):
    try:
        real = dt.date(year, month, day)
    except ValueError:
        real = None
    text = f"{day:02d}/{month:02d}/{year:04d}"
    if real is not None:
        assert parse_day(text) == real
    else:
        with pytest.raises(DayError) as refused:
            parse_day(text)
        assert (refused.value.reason, refused.value.day, refused.value.month) == ("day", day, month)


@given(st.integers(13, 99), st.integers(1, 28), st.integers(1900, 2100))
def test_month_past_twelve_is_refused(month, day, year):
    with pytest.raises(DayError) as refused:
        parse_day(f"{day}/{month}/{year}")
    assert refused.value.reason == "month" and refused.value.month == month


@given(st.text(max_size=30))
def test_any_text_is_a_date_or_a_day_error(text):
    try:
        value = parse_day(text)
    except DayError:
        return
    assert isinstance(value, dt.date)
    # Whatever was accepted is one of the written forms of that date, spaces aside.
    compact = "".join(text.split())
    assert any("".join(form.split()) == compact or parse_day(form) == value
               for form in written_forms(value))


@pytest.mark.parametrize("text", ["31/2/2026", "31/02/2026", "31022026", "2026-02-31", "29/02/2025"])
def test_impossible_dates(text):
    with pytest.raises(DayError) as refused:
        parse_day(text)
    assert refused.value.reason == "day"


@pytest.mark.parametrize("text", ["", "5/9/26", "05/09-2026", "2026/09/05x", "5 9 2026",
                                  "0509202", "tomorrow", "2026-9", "١٢/٠٣/٢٠٢٦", "5/9/2026" * 10])
def test_not_written_as_a_date(text):
    with pytest.raises(DayError) as refused:
        parse_day(text)
    assert refused.value.reason == "format"


# --- the form field --------------------------------------------------------------------

@pytest.fixture
def day_form(app):
    from wtforms.validators import Optional

    from lms.forms import DayField, LmsForm

    class Form(LmsForm):
        day = DayField("Day", validators=[Optional()])

    return Form


@pytest.mark.parametrize("typed", ["5/9/2026", "05.09.2026", "05-09-2026", "05092026", "2026-09-05"])
def test_form_accepts_and_shows_back_dd_mm_yyyy(app, day_form, typed):
    from werkzeug.datastructures import MultiDict

    with app.test_request_context():
        form = day_form(formdata=MultiDict({"day": typed}))
        assert form.validate(), form.errors
        assert form.day.data == dt.date(2026, 9, 5)
        shown = day_form(formdata=None, data={"day": form.day.data})
        assert 'value="05/09/2026"' in str(shown.day)
        assert "inputmode" not in str(shown.day)


@pytest.mark.parametrize(("locale", "message"), [
    ("vi", "Tháng 2 năm 2026 không có ngày 31."),
    ("en", "Month 2 of 2026 has no day 31."),
])
def test_impossible_date_message_in_both_languages(app, day_form, locale, message):
    from flask import session
    from werkzeug.datastructures import MultiDict

    from lms.i18n import SESSION_LOCALE_KEY

    with app.test_request_context():
        session[SESSION_LOCALE_KEY] = locale
        form = day_form(formdata=MultiDict({"day": "31/02/2026"}))
        assert not form.validate()
        assert form.day.errors == [message]
        assert 'value="31/02/2026"' in str(form.day)  # what was typed stays, to correct it
