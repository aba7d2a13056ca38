"""Languages: Vietnamese first, a remembered switch, complete catalogs, dd/mm/yyyy dates."""
import datetime as dt
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from lms.i18n import format_day, localized, localized_attr, strip_diacritics

TRANSLATIONS = Path(__file__).resolve().parent.parent / "lms" / "translations"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


@pytest.mark.parametrize("language", ["vi", "en"])
def test_both_catalogs_are_complete(language):
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", "rb") as po_file:
        catalog = read_po(po_file)
    with open(TRANSLATIONS / "messages.pot", "rb") as pot_file:
        template = read_po(pot_file)
    assert {m.id for m in template if m.id} <= {m.id for m in catalog if m.id}
    missing = [m.id for m in catalog if m.id and (m.fuzzy or not all(
        m.string if isinstance(m.string, tuple) else (m.string,)))]
    assert missing == []


def test_vietnamese_catalog_is_complete_and_keeps_placeholders():
    with open(TRANSLATIONS / "vi" / "LC_MESSAGES" / "messages.po", "rb") as po_file:
        catalog = read_po(po_file)
    with open(TRANSLATIONS / "messages.pot", "rb") as pot_file:
        template = read_po(pot_file)
    assert {m.id for m in template if m.id} <= {m.id for m in catalog if m.id}, "run make translations"
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings) and not message.fuzzy, f"untranslated: {ids[0]!r}"
        assert sorted(PLACEHOLDER.findall(ids[0])) == sorted(PLACEHOLDER.findall(strings[0])), ids[0]


def test_every_ui_string_is_extracted(tmp_path, project_root):
    """A string added to code or templates without `make translations` fails here."""
    from babel.messages.extract import extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg

    with open(project_root / "babel.cfg", encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found = {message for _file, _line, message, _comments, _context in extract_from_dir(
        str(project_root), method_map, options_map, keywords={"_": None, "_l": None, "N_": None,
                                                              "gettext": None, "ngettext": (1, 2)})}
    with open(TRANSLATIONS / "messages.pot", "rb") as pot_file:
        known = {m.id for m in read_po(pot_file) if m.id}
    missing = {m if isinstance(m, str) else m[0] for m in found} - {
        k if isinstance(k, str) else k[0] for k in known}
    assert missing == set(), f"run `make translations`: {sorted(missing)[:5]}"


def test_language_switch_is_remembered(client, create_learner, login, db):
    learner = create_learner("Lò Thị Hoa", username="hoa")
    assert "Đăng nhập" in client.get("/auth/login").get_data(as_text=True)
    response = client.post("/language", data={"locale": "en", "next": "/auth/login"})
    assert response.headers["Location"] == "/auth/login"
    page = client.get("/auth/login").get_data(as_text=True)
    assert '<html lang="en">' in page and "Sign in" in page
    login("hoa")  # the choice survives the new session made at sign-in
    assert "Hello, Lò Thị Hoa" in client.get("/").get_data(as_text=True)
    client.post("/language", data={"locale": "vi", "next": "/"})
    db.expire_all()
    assert db.get(type(learner), learner.id).locale == "vi"


def test_profile_language_applies_on_a_new_device(app, create_learner, db):
    learner = create_learner("Lò Thị Hoa", username="hoa")
    learner.locale = "en"  # chosen earlier on another device
    db.commit()
    other_device = app.test_client()
    other_device.post("/auth/login", data={"username": "hoa", "password": "correct horse battery"})
    assert "Hello, Lò Thị Hoa" in other_device.get("/").get_data(as_text=True)


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example"])
def test_language_switch_never_redirects_off_site(client, target):
    response = client.post("/language", data={"locale": "en", "next": target})
    assert response.headers["Location"] == "/"


def test_unknown_language_is_ignored(client):
    client.post("/language", data={"locale": "fr", "next": "/auth/login"})
    assert '<html lang="vi">' in client.get("/auth/login").get_data(as_text=True)


def test_dates_are_day_month_year(app):
    with app.test_request_context("/"):
        assert format_day(dt.date(2026, 9, 2)) == "02/09/2026"
        late_evening_utc = dt.datetime(2026, 9, 1, 20, 0, tzinfo=dt.UTC)
        assert format_day(late_evening_utc) == "02/09/2026"  # already 2 Sept in Hà Nội


def test_strip_diacritics():
    assert strip_diacritics("  Nguyễn  Văn ĐỨC ") == "nguyen van duc"


def test_built_in_form_messages_are_vietnamese(client, create_learner, login, create_unit):
    """WTForms has no Vietnamese catalog: the LMS translates its messages itself."""
    create_learner("Quản Trị", username="boss", roles=["admin"])
    login("boss")
    unit = create_unit()
    page = client.post("/admin/learners/new", data={
        "full_name": "", "staff_code": "x" * 50, "org_unit_id": unit.id, "email": "not-an-address",
        "birth_date": "31/02/1990", "gender": "robot"}).get_data(as_text=True)
    for message in ("Vui lòng điền mục này.", "Tối đa 40 ký tự.", "Địa chỉ thư điện tử không hợp lệ.",
                    "Tháng 2 năm 1990 không có ngày 31.", "Lựa chọn không hợp lệ"):
        assert message in page, message
    for english in ("This field is required", "Not a valid", "Invalid email", "Field cannot be longer"):
        assert english not in page


@pytest.mark.parametrize(("mapping", "locale", "expected"), [
    ({"vi": "Khóa học", "en": "Course"}, "en", "Course"),
    ({"vi": "Khóa học", "en": "Course"}, "vi", "Khóa học"),
    ({"vi": "Khóa học", "en": ""}, "en", "Khóa học"),  # not translated yet: Vietnamese
    ({"en": "Course"}, "vi", "Course"),  # authored in English only
    ({"vi": None, "en": 3}, "vi", ""),
    (None, "vi", ""),
    ("Khóa học", "vi", ""),  # not a mapping: nothing to pick from
])
def test_one_rule_picks_the_language(mapping, locale, expected):
    assert localized(mapping, locale) == expected


def test_models_and_quiz_texts_pick_the_language_the_same_way(app):
    from courses.models import Course
    from lms.accounts.models import OrgUnit

    course = Course(title_vi="An toàn thông tin", title_en="")
    unit = OrgUnit(name_vi="Phòng Văn hóa", name_en="Culture Office")
    assert course.title("en") == "An toàn thông tin"
    assert unit.name("en") == "Culture Office" and unit.name("vi") == "Phòng Văn hóa"
    assert localized_attr(course, "title", "en") == course.title("en")


#: A hand-written pick of a text: ``x_en if locale == "en" …``, ``… if lang == "en" else
#: x_vi`` or ``"Text" if locale == "en" else "Chữ"``. Formatting that differs by language
#: (a date line) is not a pick and may branch.
LANGUAGE_TEST = re.compile(
    r"""_en\b[^#]*\bif\s+(locale|lang|current_locale\(\))\s*==\s*["']en["']"""
    r"""|\bif\s+(locale|lang|current_locale\(\))\s*==\s*["']en["'].*\belse\s+[\w.]*_vi\b"""
    r"""|["']\s+if\s+(locale|lang|current_locale\(\))\s*==\s*["']en["']\s+else\s+["']""")


def test_no_module_picks_a_language_by_hand(project_root):
    """Every language pick goes through lms.i18n.localized: a hand-written
    ``x_en if locale == "en" else x_vi`` would drift from its fallback rule."""
    offenders = [
        f"{path.relative_to(project_root)}:{number}"
        for package in ("lms", "courses", "quizzes", "certificates")
        for path in (project_root / package).rglob("*.py")
        if "migrations" not in path.parts
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if LANGUAGE_TEST.search(line)]
    assert offenders == []
