"""Every dropdown speaks the page's language (issue 13, point 13).

Generic on purpose: every GET route of the access matrix (which holds every route) is
opened by every role allowed to see it, in English and in Vietnamese, and every
``<option>`` of every ``<select>`` is checked against what the app knows in both
languages:

* names stored twice (every ``*_vi``/``*_en`` column pair in the metadata: units, course
  titles, criteria, periods, titles…) — the other language's name must not show;
* the message catalog — an English page must not show a Vietnamese translation, a
  Vietnamese page not an English label that has a translation;
* on English pages, any Vietnamese letter left once English words, proper names (people,
  names spelt the same in both languages) and the language's own name are taken out.

A new page with a select, or a new select on a page, is covered without touching this file.
"""
from __future__ import annotations

import re
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import pytest
import sqlalchemy as sa
from babel.messages.pofile import read_po

from lms.db import metadata
from tests.conftest import PASSWORD
from tests.access_world import ACCESS, url_of

CATALOG = Path(__file__).resolve().parent.parent / "lms" / "translations" / "vi" / "LC_MESSAGES" / "messages.po"
#: A language is offered under its own name ("Tiếng Việt" on an English page), as
#: language pickers do everywhere: the person who needs it must recognise it.
ENDONYMS = ("Tiếng Việt",)
#: Pages whose selects this test must have seen (so a broken walk cannot pass unseen).
MUST_SEE = {"lms.admin.new_learner", "lms.admin.new_unit", "lms.admin.move_unit", "lms.admin.learners", "lms.admin.audit",
            "lms.courses.catalog", "lms.reports.learners", "lms.exports.dataset",
            "lms.exports.api_tokens", "lms.certificates.request_archive", "lms.credits.edit_rule",
            "lms.credits.standings", "lms.credits.appraisals", "lms.credits.shortlist",
            "lms.credits.external.submit"}


class _Options(HTMLParser):
    """(select name, option text) of every option on a page."""

    def __init__(self):
        super().__init__()
        self.options: list[tuple[str, str]] = []
        self._select: str | None = None
        self._text: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "select":
            self._select = dict(attrs).get("name") or dict(attrs).get("id") or "?"
        elif tag == "option" and self._select is not None:
            self._text = []

    def handle_data(self, data):
        if self._text is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "option" and self._text is not None:
            self.options.append((self._select, " ".join("".join(self._text).split())))
            self._text = None
        elif tag == "select":
            self._select = None


def options_of(page: str) -> list[tuple[str, str]]:
    parser = _Options()
    parser.feed(page)
    return parser.options


def has_vietnamese_letter(text: str) -> bool:
    """Đ/đ or any letter with a diacritic (ă, ơ, ư, tone marks…)."""
    return any(char in "đĐ" or (char.isalpha() and len(unicodedata.normalize("NFD", char)) > 1)
               for char in text)


def stored_names(db) -> tuple[set[str], set[str], set[str]]:
    """(Vietnamese only, English only, the same in both) over every *_vi/*_en column pair."""
    vi_only, en_only, same = set(), set(), set()
    for table in metadata.sorted_tables:
        for column in table.c:
            if not column.name.endswith("_vi") or column.name[:-3] + "_en" not in table.c:
                continue
            english = table.c[column.name[:-3] + "_en"]
            for vi, en in db.execute(sa.select(column, english)).all():
                if not isinstance(vi, str) or not isinstance(en, str) or not vi or not en:
                    continue
                if vi == en:
                    same.add(vi)
                elif vi not in en and en not in vi:  # "Hà Nội" inside "Hà Nội Department" says nothing
                    vi_only.add(vi)
                    en_only.add(en)
    return vi_only, en_only, same


def catalog_labels() -> tuple[set[str], set[str]]:
    """(Vietnamese translations, English labels) of the catalog entries that differ."""
    with CATALOG.open("rb") as file:
        catalog = read_po(file, locale="vi")
    vietnamese, english = set(), set()
    for message in catalog:
        if not message.id or not isinstance(message.id, str) or not message.string:
            continue
        if message.string != message.id and "%(" not in message.id:
            vietnamese.add(message.string)
            english.add(message.id)
    return vietnamese - english, english - vietnamese  # a word both ways proves nothing


@pytest.fixture
def bilingual(world, create_unit, db):
    """A sub-unit whose two names differ, inside HR's unit, so every unit list holds one."""
    from lms.accounts.models import OrgUnit

    create_unit("MATRIX-TC", parent=db.get(OrgUnit, world["unit"]),
                name_vi="Phòng Tổ chức cán bộ", name_en="Personnel Office")
    return world


def _pages_with_selects(app, world, locale: str) -> dict[tuple[str, str], list[tuple[str, str]]]:
    """{(endpoint, role): options} of every GET page with a select, seen in ``locale``."""
    seen = {}
    for role in ("learner", "author", "hr", "admin"):
        client = app.test_client()
        assert client.post("/auth/login", data={"username": f"m-{role}", "password": PASSWORD}).status_code == 302
        client.post("/language", data={"locale": locale})
        for endpoint, (method, _template, allowed) in sorted(ACCESS.items()):
            if method != "GET" or role not in allowed:
                continue
            with client.get(url_of(world, endpoint, role)) as response:
                if response.status_code != 200 or response.mimetype != "text/html":
                    continue
                page = response.get_data(as_text=True)
            assert f'<html lang="{locale}"' in page, (endpoint, role, f"the page is not in {locale}")
            if "<select" in page:
                seen[endpoint, role] = options_of(page)
    return seen


def _without(text: str, fragments) -> str:
    """``text`` with every known fragment cut out, longest first."""
    for fragment in fragments:
        if fragment in text:
            text = text.replace(fragment, " ")
    return text


def test_english_pages_show_no_vietnamese_in_any_dropdown(app, db, bilingual):
    seen = _pages_with_selects(app, bilingual, "en")
    vi_only, en_only, same = stored_names(db)
    vi_labels, en_labels = catalog_labels()
    people = set(db.scalars(sa.text("SELECT full_name FROM lms_learners")))
    allowed = sorted(en_only | same | en_labels | people | set(ENDONYMS), key=len, reverse=True)

    wrong = []
    for (endpoint, role), options in seen.items():
        for select, text in options:
            names = [name for name in vi_only if name in text]
            if names or text in vi_labels or has_vietnamese_letter(_without(text, allowed)):
                wrong.append((endpoint, role, select, text))

    assert wrong == []
    assert MUST_SEE <= {endpoint for endpoint, _role in seen}, MUST_SEE - {e for e, _r in seen}
    shown = {text for options in seen.values() for _select, text in options}
    assert any("Personnel Office" in text for text in shown)  # the names really are there, in English
    assert any("Test cybersecurity" in text for text in shown)


def test_vietnamese_pages_show_no_english_label_in_any_dropdown(app, db, bilingual):
    seen = _pages_with_selects(app, bilingual, "vi")
    vi_only, en_only, _same = stored_names(db)
    _vi_labels, en_labels = catalog_labels()

    wrong = [(endpoint, role, select, text)
             for (endpoint, role), options in seen.items() for select, text in options
             if text in en_labels or any(name in text for name in en_only)]

    assert wrong == []
    assert MUST_SEE <= {endpoint for endpoint, _role in seen}, sorted({e for e, _r in seen})
    shown = {text for options in seen.values() for _select, text in options}
    assert any("Phòng Tổ chức cán bộ" in text for text in shown)
    assert any("An toàn thông tin thử nghiệm" in text for text in shown)


def test_the_checks_catch_what_they_are_for():
    """The rules above on known cases, so an empty result means something."""
    assert has_vietnamese_letter("Phòng Tổ chức") and has_vietnamese_letter("Đà Nẵng")
    assert not has_vietnamese_letter("Personnel Office — HN01 · 2026")
    assert options_of('<select name="u"><option value="1">— A\n · B</option></select>') == [("u", "— A · B")]
    vi_labels, en_labels = catalog_labels()
    assert "Tất cả đơn vị" in vi_labels and "All units" in en_labels
