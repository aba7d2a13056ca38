"""Checking every imported learner row before anything is written.

Input: a :class:`RawTable`; output: valid rows as dicts of profile fields, and a list of
:class:`RowError` (row number, column name as written in the file, translated reason).
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field, replace

from lms.accounts.import_file import Cell, RawTable
from lms.accounts.models import Gender, LearnerCategory
from lms.accounts.text_rules import is_email, refused_character, refused_character_message
from lms.day_parsing import DayError, parse_day
from lms.forms import day_error_message
from lms.i18n import _, strip_diacritics

STAFF_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,79}$")

#: Field → header names accepted (compared without diacritics or case).
COLUMNS: dict[str, tuple[str, ...]] = {
    "staff_code": ("Mã cán bộ", "Mã nhân viên", "staff_code", "Staff code"),
    "full_name": ("Họ và tên", "full_name", "Full name"),
    "org_unit_code": ("Mã đơn vị", "org_unit_code", "Org unit code", "Unit code"),
    "birth_date": ("Ngày sinh", "birth_date", "Birth date"),
    "gender": ("Giới tính", "gender", "Gender"),
    "category": ("Đối tượng", "category", "Category"),
    "position": ("Chức vụ", "position", "Position"),
    "hired_on": ("Ngày tuyển dụng", "hired_on", "Hired on"),
    "email": ("Email", "E-mail", "Thư điện tử"),
    "username": ("Tên đăng nhập", "username", "Username"),
}
REQUIRED = ("staff_code", "full_name", "org_unit_code")

_GENDERS = {"nam": Gender.MALE, "male": Gender.MALE, "m": Gender.MALE,
            "nu": Gender.FEMALE, "female": Gender.FEMALE, "f": Gender.FEMALE,
            "khac": Gender.OTHER, "other": Gender.OTHER}
_CATEGORIES = {
    "cb": LearnerCategory.CAN_BO, "can bo": LearnerCategory.CAN_BO, "can_bo": LearnerCategory.CAN_BO,
    "cc": LearnerCategory.CONG_CHUC, "cong chuc": LearnerCategory.CONG_CHUC,
    "cong_chuc": LearnerCategory.CONG_CHUC,
    "vc": LearnerCategory.VIEN_CHUC, "vien chuc": LearnerCategory.VIEN_CHUC,
    "vien_chuc": LearnerCategory.VIEN_CHUC,
    "nld": LearnerCategory.NGUOI_LAO_DONG, "nguoi lao dong": LearnerCategory.NGUOI_LAO_DONG,
    "nguoi_lao_dong": LearnerCategory.NGUOI_LAO_DONG,
}


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str
    #: Who the row is about, as written in the file, so the person can be found in the
    #: sheet by more than a row number (empty for header errors).
    staff_code: str = ""
    full_name: str = ""


@dataclass
class ValidatedImport:
    #: (row number, field values) for every row without errors.
    rows: list[tuple[int, dict]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    row_count: int = 0

    @property
    def invalid_row_numbers(self) -> set[int]:
        return {error.row for error in self.errors if error.row > 1}


def validate_table(table: RawTable, known_unit_codes: set[str], today: dt.date) -> ValidatedImport:
    result = ValidatedImport(row_count=len(table.rows))
    positions = _map_header(table.header, result)
    if result.errors:
        return result  # without the required columns no row can be checked
    first_row_of_code: dict[str, int] = {}
    for number, cells in table.rows:
        values, errors = _validate_row(number, cells, positions, known_unit_codes, today)
        errors = [replace(error, staff_code=_raw(cells, positions, "staff_code", 40),
                          full_name=_raw(cells, positions, "full_name", 80)) for error in errors]
        code = values.get("staff_code")
        if code:
            key = code.casefold()
            if key in first_row_of_code:
                errors.append(RowError(number, positions["staff_code"][1], _(
                    "Staff code %(code)s also appears in row %(row)d.", code=code,
                    row=first_row_of_code[key])))
            else:
                first_row_of_code[key] = number
        result.errors.extend(errors)
        if not errors:
            result.rows.append((number, values))
    return result


def _raw(cells, positions, name: str, limit: int) -> str:
    index = positions[name][0]
    text = unicodedata.normalize("NFC", (cells[index].text if index < len(cells) else "").strip())
    # Shown beside the error: an invisible or control character (a bidi override could
    # reorder the page's text) is shown as U+FFFD, the error itself names it.
    return "".join("\ufffd" if refused_character(char) is not None else char for char in text[:limit])


def _header_key(name: str) -> str:
    return strip_diacritics(name).replace("-", "").replace("_", " ")


def _map_header(header: list[str], result: ValidatedImport) -> dict[str, tuple[int, str]]:
    """Field → (column index, header as written)."""
    accepted = {_header_key(alias): name for name, aliases in COLUMNS.items() for alias in aliases}
    positions: dict[str, tuple[int, str]] = {}
    for index, title in enumerate(header):
        name = accepted.get(_header_key(title))
        if name is None:
            continue
        if name in positions:
            result.errors.append(RowError(1, title, _("This column appears twice.")))
        positions[name] = (index, title)
    for name in REQUIRED:
        if name not in positions:
            result.errors.append(RowError(1, COLUMNS[name][0], _(
                "Required column \"%(column)s\" is missing.", column=COLUMNS[name][0])))
    return positions


def _validate_row(number, cells, positions, known_unit_codes, today):
    values: dict = {}
    errors: list[RowError] = []

    def cell(name: str) -> Cell | None:
        if name not in positions:
            return None
        index = positions[name][0]
        return cells[index] if index < len(cells) else Cell("")

    def fail(name: str, message: str) -> None:
        errors.append(RowError(number, positions[name][1], message))

    for name, (_index, _title) in positions.items():
        current = cell(name)
        if current.is_formula:
            fail(name, _("The cell holds a formula (%(formula)s); type the value itself.",
                         formula=current.text[:40]))
            continue
        text = unicodedata.normalize("NFC", current.text.strip())
        code_point = refused_character(text)
        if code_point is not None:  # NUL, bidi overrides, zero-width … in any column
            fail(name, refused_character_message(code_point))
            continue
        parsed = _PARSERS[name](text, current, known_unit_codes, today)
        if isinstance(parsed, _Invalid):
            fail(name, parsed.message)
        elif parsed is not _ABSENT:
            values[name] = parsed
    return values, errors


class _Invalid:
    def __init__(self, message: str):
        self.message = message


_ABSENT = object()


def _required_text(max_length: int):
    def parse(text, _cell, _units, _today):
        if not text:
            return _Invalid(_("This value is required."))
        if len(text) > max_length:
            return _Invalid(_("At most %(count)d characters.", count=max_length))
        return " ".join(text.split())
    return parse


def _optional_text(max_length: int):
    def parse(text, _cell, _units, _today):
        if len(text) > max_length:
            return _Invalid(_("At most %(count)d characters.", count=max_length))
        return " ".join(text.split()) or None
    return parse


def _staff_code(text, _cell, _units, _today):
    if not text:
        return _Invalid(_("This value is required."))
    if not STAFF_CODE.match(text):
        return _Invalid(_("\"%(value)s\" is not a valid staff code (letters, digits, '.', '_', '-').",
                          value=text[:40]))
    return text


def _unit_code(text, _cell, units, _today):
    if not text:
        return _Invalid(_("This value is required."))
    if text not in units:
        return _Invalid(_("Unknown org unit code \"%(code)s\".", code=text[:40]))
    return text


def _date(text, cell, _units, today):
    """A date cell: a real spreadsheet date, or text in any form of
    :mod:`lms.day_parsing` (dd/mm/yyyy and its variants, and ISO yyyy-mm-dd on purpose:
    other systems export it)."""
    if not text and cell.date_value is None:
        return None
    value = cell.date_value
    if value is None:
        try:
            value = parse_day(text)
        except DayError as error:
            return _Invalid(_("\"%(value)s\": %(reason)s", value=text[:20],
                              reason=day_error_message(error)))
    if not dt.date(1900, 1, 1) <= value <= today:
        return _Invalid(_("The date %(value)s is outside the possible range.", value=text[:20]))
    return value


def _gender(text, _cell, _units, _today):
    if not text:
        return None
    value = _GENDERS.get(strip_diacritics(text))
    return value if value else _Invalid(_("Gender must be Nam, Nữ or Khác."))


def _category(text, _cell, _units, _today):
    if not text:
        return None
    value = _CATEGORIES.get(strip_diacritics(text).replace("đ", "d"))
    return value if value else _Invalid(_("Category must be CB, CC, VC or NLĐ."))


def _email(text, _cell, _units, _today):
    if not text:
        return None
    return text if is_email(text) else _Invalid(
        _("\"%(value)s\" is not an e-mail address.", value=text[:60]))


def _username(text, _cell, _units, _today):
    if not text:
        return None
    lowered = text.casefold()
    return lowered if USERNAME.match(lowered) else _Invalid(
        _("A username has 3–80 characters: letters a–z, digits, '.', '_' or '-'."))


_PARSERS = {
    "staff_code": _staff_code,
    "full_name": _required_text(200),
    "org_unit_code": _unit_code,
    "birth_date": _date,
    "gender": _gender,
    "category": _category,
    "position": _optional_text(200),
    "hired_on": _date,
    "email": _email,
    "username": _username,
}
