"""File inputs speak the page's language (issue 13, point 13).

The browser writes "Choose File / No file chosen" in the computer's language; the shared
form macro adds a label and a status in the page's language, which file-input.js shows
once it runs (tests/browser/test_browser_file_inputs.py checks that part). Every file
field of every form goes through the macro, so every one is checked here, in both
languages.
"""
from __future__ import annotations

import importlib
import re

import pytest
from flask import render_template_string
from flask_wtf.file import FileField, MultipleFileField

from lms.accounts.models import Role
from lms.forms import LmsForm

#: The modules whose forms carry a file field today; a new one is found by the walk below
#: once its module is imported (the app imports every feature's forms at start).
FORM_MODULES = ("lms.admin.forms", "courses.forms", "quizzes.forms", "certificates.forms",
                "lms.exports.forms", "lms.credits.external.forms")

TEXTS = {"vi": ("Chọn tệp…", "Chưa chọn tệp"), "en": ("Choose a file…", "No file chosen")}

MACRO = '{% from "lms/_forms.html" import field %}{{ field(form[name]) }}'


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def file_fields():
    for module in FORM_MODULES:
        importlib.import_module(module)
    found = []
    for form_class in set(_subclasses(LmsForm)):
        for name in dir(form_class):
            unbound = getattr(form_class, name, None)
            if getattr(unbound, "field_class", None) in (FileField, MultipleFileField):
                found.append((form_class, name))
    return sorted(found, key=lambda pair: (pair[0].__module__, pair[0].__name__, pair[1]))


def test_the_walk_finds_every_upload_form():
    modules = {form_class.__module__ for form_class, _ in file_fields()}
    assert modules == set(FORM_MODULES)


@pytest.mark.parametrize("language", sorted(TEXTS))
def test_every_file_field_renders_the_page_language_texts(app, app_context, language):
    choose, none = TEXTS[language]
    other_choose, other_none = TEXTS["en" if language == "vi" else "vi"]
    fields = file_fields()
    assert len(fields) >= 6
    with app_context(), app.test_request_context(f"/?lang={language}"):
        for form_class, name in fields:
            form = form_class(meta={"csrf": False})
            form[name].errors = ["Lỗi thử"]  # an error stays tied to its input
            html = render_template_string(MACRO, form=form, name=name)
            where = f"{form_class.__name__}.{name}"
            field_id = form[name].id
            assert f">{choose}</label>" in html, where
            assert f">{none}</span>" in html and f'data-none="{none}"' in html, where
            assert other_choose not in html and other_none not in html, where
            # The field's own label, and the input still the one the label names.
            assert html.count(f'for="{field_id}"') == 2, where
            assert re.search(rf'<input[^>]*type="file"', html), where
            described = re.search(r'<input[^>]*aria-describedby="([^"]*)"', html).group(1).split()
            assert f"{field_id}-error" in described, where
            if form[name].description:
                assert f"{field_id}-hint" in described, where
            assert 'aria-invalid="true"' in html, where
            # The status is announced; the enhancement is a same-origin script (no inline JS).
            assert re.search(rf'id="{field_id}-chosen" aria-live="polite"', html), where
            assert re.search(r'<script src="/static/file-input\.[0-9a-f]+\.js" defer></script>', html), where
            assert "<script>" not in html, where


@pytest.mark.parametrize("language", sorted(TEXTS))
def test_the_learner_import_page_shows_the_texts(client, create_learner, login, language):
    """The real page, not only the macro: an admin's learner import, in both languages."""
    create_learner("Quản Trị Viên", username="boss", roles=[Role.ADMIN])
    login("boss")
    page = client.get(f"/admin/import?lang={language}").get_data(as_text=True)
    choose, none = TEXTS[language]
    assert f'<html lang="{language}">' in page
    assert page.count('type="file"') == 1 and choose in page and none in page
    assert page.count("/static/file-input.") == 1
