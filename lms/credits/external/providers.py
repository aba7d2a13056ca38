"""The external providers and courses learners choose from (``providers.yaml``, or the
host's file named by ``LMS_EXTERNAL_PROVIDERS_FILE``): data with a reference.

Parsed once per file version (a pure function of the file, cached); a file with a mistake stops
the first page that needs it with a message naming the entry (a configuration error,
not a learner's).
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from flask import current_app

from lms.i18n import localized

SHIPPED_FILE = Path(__file__).with_name("providers.yaml")
#: The choice of the form for a provider or course not in the list.
OTHER = "other"
_CODE = re.compile(r"[A-Z0-9][A-Z0-9-]{1,23}")
#: "<other code>-<6 digits>" must fit the 32 characters of a course code.
_NUMBER_WIDTH = 6


class ProvidersFileError(RuntimeError):
    """The providers file cannot be used (the message names the entry)."""


@dataclass(frozen=True)
class ExternalCourse:
    """One listed course of one provider."""

    code: str
    provider: dict[str, str]
    title: dict[str, str]
    max_periods: int
    reference: str

    def label(self) -> str:
        """"Provider — course" in the page's language, for the form's list."""
        return f"{localized(self.provider)} — {localized(self.title)}"


@dataclass(frozen=True)
class Catalogue:
    courses: tuple[ExternalCourse, ...]
    other_code: str
    other_max_periods: int
    other_reference: str
    max_periods: int

    def course(self, code: str) -> ExternalCourse | None:
        return next((course for course in self.courses if course.code == code), None)

    def max_periods_of(self, source: str) -> int:
        listed = self.course(source)
        return listed.max_periods if listed else self.other_max_periods

    def other_course_code(self, submission_id: int) -> str:
        """The code of the course an "other" completion becomes: NGOAI-000042."""
        return f"{self.other_code}-{submission_id:0{_NUMBER_WIDTH}d}"


def catalogue() -> Catalogue:
    """This app's catalogue: its file, parsed once per version of the file."""
    configured = current_app.config.get("LMS_EXTERNAL_PROVIDERS_FILE")
    path = Path(configured) if configured else SHIPPED_FILE
    try:
        changed = path.stat().st_mtime_ns
    except OSError as error:
        raise ProvidersFileError(f"{path}: {error}") from None
    return _cached_catalogue(path, changed)


@functools.lru_cache(maxsize=8)
def _cached_catalogue(path: Path, _changed: int) -> Catalogue:
    # Keyed by the file's modification time too: an edited file is read again.
    return load_catalogue(path)


def load_catalogue(path: Path) -> Catalogue:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ProvidersFileError(f"{path}: {error}") from None
    try:
        return _catalogue(data)
    except (KeyError, TypeError, ValueError) as error:
        raise ProvidersFileError(f"{path}: {error}") from None


def _catalogue(data: dict) -> Catalogue:
    default_max = _positive(data["max_periods"], "max_periods")
    courses, seen = [], set()
    for number, item in enumerate(data["courses"], start=1):
        code = _code(item["code"], f"courses[{number}].code")
        if code in seen:
            raise ValueError(f"courses[{number}]: the code {code} is listed twice")
        seen.add(code)
        courses.append(ExternalCourse(
            code=code, provider=_texts(item["provider"], f"{code}.provider"),
            title=_texts(item["title"], f"{code}.title"),
            max_periods=_positive(item.get("max_periods", default_max), f"{code}.max_periods"),
            reference=_reference(item, code)))
    other = data["other"]
    other_code = _code(other["code"], "other.code")
    if len(other_code) + 1 + _NUMBER_WIDTH > 32 or other_code in seen:
        raise ValueError(f"other.code {other_code}: too long, or a listed course's code")
    return Catalogue(courses=tuple(courses), other_code=other_code,
                     other_max_periods=_positive(other.get("max_periods", default_max),
                                                 "other.max_periods"),
                     other_reference=_reference(other, "other"), max_periods=default_max)


def _code(value, where: str) -> str:
    if not isinstance(value, str) or not _CODE.fullmatch(value) or value == OTHER.upper():
        raise ValueError(f"{where}: {value!r} is not a code of 2–24 capital letters, digits or '-'")
    return value


def _texts(value, where: str) -> dict[str, str]:
    if not isinstance(value, dict) or not all(isinstance(value.get(lang), str) and value[lang].strip()
                                              for lang in ("vi", "en")):
        raise ValueError(f"{where}: needs a Vietnamese and an English text (vi, en)")
    return {"vi": value["vi"].strip(), "en": value["en"].strip()}


def _positive(value, where: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 10_000:
        raise ValueError(f"{where}: {value!r} is not a whole number from 1 to 10000")
    return value


def _reference(item: dict, where: str) -> str:
    reference = item.get("reference")
    if not isinstance(reference, str) or not reference.strip():
        raise ValueError(f"{where}: every entry needs a reference")
    return reference.strip()
