"""Checking a whole content pack before anything is written.

``validate_pack(files, pack_parts)`` returns a :class:`Pack` or every problem found,
each naming the file, the line where it has one, and what is wrong. ``pack_parts`` are
the files other features own (``courses.pack_parts``; the app's ``state.pack_parts``).
"""
from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import posixpath
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from courses import legal_refs, self_check
from courses.models import Course, Lesson, Topic
from courses.pack_files import IMAGE_TYPES, PackError
from courses.rendering import image_alts, image_references, link_problems, without_self_checks
from courses.svg_safety import svg_problems
from courses.yaml_lines import YamlError, line_of, load_with_lines
from lms.i18n import _

COURSE_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,31}\Z")  # \Z: "$" would let a final "\n" in
LESSON_NAME = re.compile(r"^(\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)\.(vi|en)\.md$")
LANGUAGES = ("vi", "en")
DIGCOMP = {f"{area}.{n}" for area, count in ((1, 3), (2, 6), (3, 4), (4, 4), (5, 4))
           for n in range(1, count + 1)}
#: Circular 02/2025/TT-BGDĐT: DigComp's 21 competences plus 6.1–6.3 on AI.
TT02 = DIGCOMP | {"6.1", "6.2", "6.3"}
COURSE_KEYS = {"code", "version", "topic", "title", "summary", "periods", "minutes",
               "pass_mark", "mandatory", "competences", "min_lesson_share",
               "quiz_requires_lessons", "legal_references", "review_by", "valid_for_months"}
#: A period (tiết) is 45 minutes; credits are counted in periods (docs/content-packs.md).
PERIOD_MINUTES = 45
#: A pack may round its periods up by at most this (just under half a period): 42 minutes
#: may claim 1 period but never 2, 67 minutes only 1, 68 minutes 1 or 2 (68 + 22 ≥ 90).
PERIOD_TOLERANCE_MINUTES = 22
#: Careful reading of administrative Vietnamese (docs/content-packs.md, "Periods and minutes").
READING_SYLLABLES_PER_MINUTE = 200
#: The heading of a lesson's practical tasks; each task counts 1 minute.
TASKS_HEADING = re.compile(r"^## Việc cần làm ngay\s*$", re.MULTILINE)
#: A Vietnamese lesson must have at least this share of words with Vietnamese letters
#: (diacritics or đ); English or unaccented text falls far below it.
MIN_VIETNAMESE_WORD_SHARE = 0.2
#: Lengths the database columns hold (a longer title would fail on PostgreSQL).
MAX_TITLE_LENGTH = min(Course.__table__.c.title_vi.type.length, Lesson.__table__.c.title_vi.type.length)
MAX_SLUG_LENGTH = Lesson.__table__.c.slug.type.length
_VIETNAMESE_LETTERS = re.compile(r"[đĐ]|[^\W\d_a-zA-Z]", re.UNICODE)


@dataclass
class PackLesson:
    number: int
    slug: str
    title: dict
    minutes: int
    competences: list
    source: dict  # Markdown body per language
    #: Self-check questions per language (courses.self_check); kept in ``source`` too.
    self_checks: dict = field(default_factory=dict)


@dataclass
class Pack:
    code: str
    version: int
    topic: Topic
    title: dict
    summary: dict
    periods: int
    minutes: int
    pass_mark: int
    mandatory: bool
    competences: dict
    lessons: list[PackLesson]
    #: What each registered pack part read, by file name (only the files present).
    parts: dict[str, Any] = field(default_factory=dict)
    #: None: the site's LMS_MIN_LESSON_SHARE / LMS_QUIZ_REQUIRES_LESSONS apply.
    min_lesson_share: float | None = None
    quiz_requires_lessons: bool | None = None
    #: Months a completion stays current (recurring course); None: no expiry.
    valid_for_months: int | None = None
    media: dict[str, bytes] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)
    #: Legal documents the pack cites (numbers as in courses/legal_references.yaml).
    legal_references: list[str] = field(default_factory=list)
    #: When the pack's legal content must be checked again.
    review_by: dt.date | None = None
    #: Problems that do not stop an import (a part's warnings); ``validate-pack --strict``
    #: fails on them.
    warnings: list[PackError] = field(default_factory=list)

    @property
    def sha256(self) -> str:
        digest = hashlib.sha256()
        for name in sorted(self.files):
            digest.update(name.encode() + b"\0" + hashlib.sha256(self.files[name]).digest())
        return digest.hexdigest()


def validate_pack(files: dict[str, bytes], pack_parts, *, warnings: list[PackError] | None = None,
                  registry: legal_refs.Registry | None = None,
                  today: dt.date | None = None) -> tuple[Pack | None, list[PackError]]:
    """``warnings``, when given, receives problems that do not stop an import (the quiz's
    cue lint, a lesson citing a replaced law without its replacement, overstated minutes),
    also kept as ``Pack.warnings`` (``validate-pack --strict`` fails on them);
    ``registry`` and ``today`` default to the shipped legal-reference registry and the
    current date."""
    errors: list[PackError] = []
    if "course.yaml" not in files:
        errors.append(PackError("course.yaml", None, _("The pack has no course.yaml.")))
    texts = _decode_texts(files, errors)
    renewable = any(getattr(part, "renews_completion", False)
                    for name, part in pack_parts.items() if name in files)
    course = (_read_course(texts["course.yaml"], errors, has_quiz=renewable)
              if "course.yaml" in texts else None)
    lessons = _read_lessons(texts, files, errors)
    parts, found = _read_parts(texts, files, pack_parts, errors)
    if course is not None and lessons and not errors:  # every lesson read: its tags are known
        _check_course_competences(texts.get("course.yaml", ""), course, lessons, errors)
    if course is not None and lessons and not errors:
        _check_minutes(texts.get("course.yaml", ""), course, lessons, parts, pack_parts, found)
    if course is not None:
        _check_legal_references(texts, course, errors, found, pack_parts,
                                registry or legal_refs.shipped_registry(), today or dt.date.today())
    if warnings is not None:
        warnings.extend(found)
    if errors or course is None:
        return None, errors
    media = {name: data for name, data in files.items() if name.startswith("media/")}
    return Pack(**course, lessons=lessons, parts=parts, media=media, files=files, warnings=found), []


def _decode_texts(files: dict[str, bytes], errors: list[PackError]) -> dict[str, str]:
    texts = {}
    for name, data in files.items():
        if name.startswith("media/"):
            _check_image(name, data, errors)
            continue
        data = data.removeprefix(codecs.BOM_UTF8)  # so error offsets count from here
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            line = data[:error.start].count(b"\n") + 1
            errors.append(PackError(name, line, _("The file is not UTF-8 text.")))
            continue
        if "\x00" in text:  # PostgreSQL cannot store it; no text file needs it
            line = text.count("\n", 0, text.index("\x00")) + 1
            errors.append(PackError(name, line, _(
                "The file holds a NUL character (U+0000): save it again as plain UTF-8 text.")))
            continue
        texts[name] = unicodedata.normalize("NFC", text.replace("\r\n", "\n"))
    return texts


_MAGIC = {".png": (b"\x89PNG",), ".jpg": (b"\xff\xd8",), ".jpeg": (b"\xff\xd8",),
          ".gif": (b"GIF87a", b"GIF89a"), ".webp": (b"RIFF",)}


def _check_image(name: str, data: bytes, errors: list[PackError]) -> None:
    extension = posixpath.splitext(name)[1].lower()
    if extension == ".svg":
        _check_svg(name, data, errors)
        return
    if extension in IMAGE_TYPES and not data.startswith(_MAGIC[extension]):
        errors.append(PackError(name, None, _("The file is not a real %(type)s image.",
                                              type=extension[1:].upper())))


# --- course.yaml ------------------------------------------------------------------------

def _read_course(text: str, errors: list[PackError], *, has_quiz: bool = True) -> dict | None:
    def fail(path, message):
        errors.append(PackError("course.yaml", line_of(lines, path), message))

    try:
        data, lines = load_with_lines(text)
    except YamlError as error:
        errors.append(PackError("course.yaml", error.line, _("Invalid YAML: %(problem)s", problem=error.message)))
        return None
    if not isinstance(data, dict):
        errors.append(PackError("course.yaml", 1, _("course.yaml must hold a mapping of course fields.")))
        return None
    before = len(errors)
    for key in data:
        if key not in COURSE_KEYS:
            fail((key,), _("Unknown key \"%(key)s\".", key=key))
    code = data.get("code")
    if not isinstance(code, str) or not COURSE_CODE.match(code):
        fail(("code",), _("The course code must be 2–32 capital letters, digits or '-'."))
    topic = data.get("topic")
    # "external" marks courses taken outside the LMS (courses.models.Topic): not a pack's.
    pack_topics = [t.value for t in Topic if t is not Topic.EXTERNAL]
    if not isinstance(topic, str) or topic not in pack_topics:
        fail(("topic",), _("Unknown topic \"%(topic)s\"; use one of: %(topics)s.",
                           topic=topic, topics=", ".join(pack_topics)))
    title = _localised_field(data, "title", fail, max_length=MAX_TITLE_LENGTH)
    summary = _localised_field(data, "summary", fail)
    numbers = {}
    for key, minimum, maximum in (("version", 1, 10_000), ("periods", 1, 200),
                                  ("minutes", 1, 10_000), ("pass_mark", 1, 100)):
        value = data.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or not minimum <= value <= maximum:
            fail((key,), _("\"%(key)s\" must be a whole number from %(min)d to %(max)d.",
                           key=key, min=minimum, max=maximum))
        numbers[key] = value
    _check_periods(numbers, fail)
    legal_references, review_by = _read_legal_fields(data, fail)
    mandatory = data.get("mandatory", False)
    if not isinstance(mandatory, bool):
        fail(("mandatory",), _("\"mandatory\" must be true or false."))
    competences = _read_competences(data.get("competences") or {}, fail)
    min_lesson_share = data.get("min_lesson_share")
    if min_lesson_share is not None and not _is_share(min_lesson_share):
        fail(("min_lesson_share",), _(
            "\"min_lesson_share\" must be a number from 0 to 1 (a share of each lesson's "
            "minutes, e.g. 0.3; 0 turns the minimum off)."))
    quiz_requires_lessons = data.get("quiz_requires_lessons")
    if quiz_requires_lessons is not None and not isinstance(quiz_requires_lessons, bool):
        fail(("quiz_requires_lessons",), _("\"quiz_requires_lessons\" must be true or false."))
    valid_for_months = _read_valid_for_months(data, fail, has_quiz)
    if len(errors) > before:
        return None
    return dict(code=code, topic=Topic(topic), title=title, summary=summary,
                valid_for_months=valid_for_months,
                mandatory=mandatory, competences=competences,
                min_lesson_share=None if min_lesson_share is None else float(min_lesson_share),
                quiz_requires_lessons=quiz_requires_lessons, legal_references=legal_references,
                review_by=review_by, **numbers)


#: A recurring course is valid from one month to ten years.
VALID_FOR_MONTHS_RANGE = (1, 120)


def _read_valid_for_months(data: dict, fail, has_quiz: bool) -> int | None:
    """``valid_for_months``: absent means no expiry. A renewal is earned by passing the
    final quiz again, so a recurring course needs one."""
    if "valid_for_months" not in data:
        return None
    value = data["valid_for_months"]
    low, high = VALID_FOR_MONTHS_RANGE
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        fail(("valid_for_months",), _(
            "\"valid_for_months\" must be a whole number of months from %(min)d to %(max)d "
            "(e.g. 12 for a yearly course); leave it out for a course that never expires.",
            min=low, max=high))
        return None
    if not has_quiz:
        fail(("valid_for_months",), _(
            "A recurring course (\"valid_for_months\") needs a final quiz (quiz.yaml): "
            "passing it again is how a completion is renewed."))
        return None
    return value


def _is_share(value) -> bool:
    """A number from 0 to 1; YAML's .inf, .nan and huge integers are not."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return 0 <= value <= 1  # False for nan


def credited_periods(minutes: int) -> int:
    """The periods a course of ``minutes`` may claim: its minutes over 45, rounded to the
    nearest whole period (halves up), never below 1 (periods are whole numbers)."""
    return max(1, (minutes + PERIOD_TOLERANCE_MINUTES) // PERIOD_MINUTES)


def _check_periods(numbers: dict, fail) -> None:
    periods, minutes = numbers.get("periods"), numbers.get("minutes")
    if not (isinstance(periods, int) and isinstance(minutes, int)) or isinstance(periods, bool):
        return  # already reported
    if periods * PERIOD_MINUTES - minutes > PERIOD_TOLERANCE_MINUTES:
        fail(("periods",), _(
            "%(periods)d periods is %(claimed)d minutes, but the course takes about %(minutes)d "
            "minutes: declare at most %(allowed)d (a period is %(period)d minutes; see "
            "docs/content-packs.md).", periods=periods, claimed=periods * PERIOD_MINUTES,
            minutes=minutes, allowed=max(0, (minutes + PERIOD_TOLERANCE_MINUTES) // PERIOD_MINUTES),
            period=PERIOD_MINUTES))


def lesson_minutes_estimate(vi_body: str) -> int:
    """Reading the Vietnamese text at READING_SYLLABLES_PER_MINUTE, plus 1 minute a task
    and 1 minute a self-check question (read apart from the text: its YAML is no prose)."""
    checks = len(self_check.questions_of(vi_body))
    vi_body = without_self_checks(vi_body)
    words = [w for w in re.sub(r"[#*|>`\-]+", " ", vi_body).split() if re.search(r"\w", w)]
    tasks = 0
    parts = TASKS_HEADING.split(vi_body, maxsplit=1)
    if len(parts) == 2:
        section = re.split(r"^## ", parts[1], maxsplit=1, flags=re.MULTILINE)[0]
        tasks = len(re.findall(r"^- ", section, re.MULTILINE))
    return -(-len(words) // READING_SYLLABLES_PER_MINUTE) + tasks + checks


def course_minutes_estimate(lessons: list, parts: dict[str, Any], pack_parts) -> int:
    """The lessons' estimates plus what each part adds (the quiz: 1 minute for each
    question drawn per attempt)."""
    return (sum(lesson_minutes_estimate(lesson.source["vi"]) for lesson in lessons)
            + sum(pack_parts.get(name).minutes(value) for name, value in parts.items()))


def _check_minutes(course_text: str, course: dict, lessons: list, parts: dict[str, Any],
                   pack_parts, warnings: list[PackError]) -> None:
    """Minutes are what periods are checked against: a course that claims much more time
    than its text takes to read (and its tasks and quiz to do) is reported."""
    estimate = course_minutes_estimate(lessons, parts, pack_parts)
    if course["minutes"] - estimate > PERIOD_TOLERANCE_MINUTES:
        match = re.search(r"^minutes:", course_text, re.MULTILINE)
        warnings.append(PackError("course.yaml", course_text[:match.start()].count("\n") + 1 if match else None, _(
            "\"minutes\" is %(minutes)d, but the lessons read in about %(estimate)d minutes with "
            "their tasks and the quiz (see docs/content-packs.md): count the minutes again.",
            minutes=course["minutes"], estimate=estimate)))


def _read_legal_fields(data: dict, fail) -> tuple[list[str], dt.date | None]:
    references = data.get("legal_references") or []
    if not isinstance(references, list) or not all(isinstance(n, str) and n.strip() for n in references):
        fail(("legal_references",), _(
            "\"legal_references\" must be a list of document numbers, e.g. [\"91/2025/QH15\"]."))
        references = []
    review_by = data.get("review_by")
    if review_by is not None and (not isinstance(review_by, dt.date) or isinstance(review_by, dt.datetime)):
        fail(("review_by",), _("\"review_by\" must be a date written YYYY-MM-DD."))
        review_by = None
    if references and review_by is None and "review_by" not in data:
        fail(("legal_references",), _(
            "A pack that cites legal documents needs a \"review_by\" date (YYYY-MM-DD)."))
    return [n.strip() for n in references], review_by


def _localised_field(data: dict, key: str, fail, *, max_length: int | None = None) -> dict | None:
    value = data.get(key)
    if not isinstance(value, dict):
        fail((key,), _("\"%(key)s\" needs a Vietnamese (vi) and an English (en) text.", key=key))
        return None
    result = {}
    for lang in LANGUAGES:
        text = value.get(lang)
        if not isinstance(text, str) or not text.strip():
            fail((key,), _("\"%(key)s\" has no %(language)s text (%(lang)s).", key=key,
                           language=_("Vietnamese") if lang == "vi" else _("English"), lang=lang))
        elif max_length is not None and len(" ".join(text.split())) > max_length:
            fail((key, lang), _("\"%(key)s\" is longer than %(max)d characters.", key=key, max=max_length))
        else:
            result[lang] = " ".join(text.split())
    return result


def _read_competences(value, fail) -> dict:
    if not isinstance(value, dict):
        fail(("competences",), _("\"competences\" must map digcomp and tt02 to lists."))
        return {}
    known = {"digcomp": DIGCOMP, "tt02": TT02}
    result = {}
    for framework, codes in value.items():
        if framework not in known:
            fail(("competences", framework), _("Unknown competence framework \"%(name)s\".", name=framework))
            continue
        if not isinstance(codes, list | None):
            fail(("competences", framework), _("\"competences\" must map digcomp and tt02 to lists."))
            continue
        codes = [str(code) for code in (codes or [])]
        unknown = [code for code in codes if code not in known[framework]]
        if unknown:
            fail(("competences", framework), _("Unknown %(framework)s competence: %(codes)s.",
                                               framework=framework, codes=", ".join(unknown)))
        result[framework] = codes
    return result


# --- lessons ----------------------------------------------------------------------------

def _read_lessons(texts: dict[str, str], files: dict[str, bytes], errors: list[PackError]) -> list[PackLesson]:
    by_number: dict[int, dict[str, tuple[str, str]]] = {}
    for name in sorted(n for n in files if n.startswith("lessons/")):
        match = LESSON_NAME.match(name.removeprefix("lessons/"))
        if match is None:
            errors.append(PackError(name, None, _(
                "A lesson file is named NN-slug.vi.md or NN-slug.en.md, e.g. 01-phishing.vi.md.")))
            continue
        number, slug, lang = int(match[1]), match[2], match[3]
        if len(slug) > MAX_SLUG_LENGTH:
            errors.append(PackError(name[:60] + "…", None, _(
                "The lesson file name is too long: at most %(max)d characters between \"NN-\" "
                "and the language.", max=MAX_SLUG_LENGTH)))
            continue
        twins = by_number.setdefault(number, {})
        if lang in twins or any(other_slug != slug for _n, other_slug in twins.values()):
            errors.append(PackError(name, None, _("Duplicate lesson number %(number)02d.", number=number)))
            continue
        twins[lang] = (name, slug)
    if not by_number:
        errors.append(PackError("lessons/", None, _("The pack has no lessons.")))
        return []
    lessons = []
    for expected, number in enumerate(sorted(by_number), start=1):
        twins = by_number[number]
        if number != expected:
            errors.append(PackError(twins[next(iter(twins))][0], None, _(
                "Lesson numbers must run 01, 02, … without gaps: expected %(expected)02d.",
                expected=expected)))
        for lang in LANGUAGES:
            if lang not in twins:
                present = next(iter(twins.values()))[0]
                errors.append(PackError(present, None, _(
                    "This lesson has no %(language)s twin (%(file)s).",
                    language=_("Vietnamese") if lang == "vi" else _("English"),
                    file=f"lessons/{number:02d}-{twins[next(iter(twins))][1]}.{lang}.md")))
        parsed = {lang: _read_lesson_file(name, texts.get(name), files, errors)
                  for lang, (name, _slug) in twins.items() if name in texts}
        if set(parsed) == set(LANGUAGES) and all(parsed.values()):
            vi, en = parsed["vi"], parsed["en"]
            _check_self_check_twins(twins["en"][0], vi, en, errors)
            lessons.append(PackLesson(number, twins["vi"][1], {"vi": vi["title"], "en": en["title"]},
                                      vi["minutes"], vi["competences"],
                                      {"vi": vi["body"], "en": en["body"]},
                                      {"vi": vi["self_checks"], "en": en["self_checks"]}))
    return lessons


def _read_lesson_file(name: str, text: str | None, files: dict[str, bytes],
                      errors: list[PackError]) -> dict | None:
    if text is None:
        return None
    if not text.startswith("---\n"):
        errors.append(PackError(name, 1, _("A lesson starts with front matter between two \"---\" lines.")))
        return None
    end = text.find("\n---\n", 3)
    if end < 0:
        errors.append(PackError(name, 1, _("The front matter is not closed by a \"---\" line.")))
        return None
    front, body = text[4:end + 1], text[end + 5:]
    body_offset = front.count("\n") + 2  # lines before the body: both "---" and the front matter
    before = len(errors)
    try:
        meta, lines = load_with_lines(front)
    except YamlError as error:
        errors.append(PackError(name, (error.line or 0) + 1, _("Invalid YAML: %(problem)s", problem=error.message)))
        return None
    if not isinstance(meta, dict):
        errors.append(PackError(name, 2, _("The front matter must be a mapping (title, minutes, competences).")))
        return None

    def fail(key, message):
        errors.append(PackError(name, (line_of(lines, (key,)) or 0) + 1, message))

    title = meta.get("title")
    if not isinstance(title, str) or not title.strip():
        fail("title", _("The lesson has no title."))
    elif len(" ".join(title.split())) > MAX_TITLE_LENGTH:
        fail("title", _("\"%(key)s\" is longer than %(max)d characters.", key="title", max=MAX_TITLE_LENGTH))
    minutes = meta.get("minutes")
    if not isinstance(minutes, int) or isinstance(minutes, bool) or not 1 <= minutes <= 120:
        fail("minutes", _("\"minutes\" must be a whole number from 1 to 120."))
    competences = _read_lesson_competences(meta.get("competences") or [], lambda message: fail("competences", message))
    for key in meta:
        if key not in ("title", "minutes", "competences"):
            fail(key, _("Unknown key \"%(key)s\".", key=key))
    if not body.strip():
        errors.append(PackError(name, body_offset + 1, _("The lesson has no text.")))
    for line, src in image_references(body):
        if src not in files:
            errors.append(PackError(name, body_offset + line, _(
                "Broken image reference \"%(src)s\": put the image in media/ and refer to it as media/NAME.",
                src=src)))
    _check_alt_texts(name, body, body_offset, errors)
    checks, problems = self_check.read(body)
    errors.extend(PackError(name, body_offset + line, message) for line, message in problems)
    for line, href in link_problems(body):
        errors.append(PackError(name, body_offset + line, _(
            "Link \"%(href)s\" is not allowed: use http, https or mailto.", href=href[:80])))
    if name.endswith(".vi.md") and body.strip() and vietnamese_word_share(body) < MIN_VIETNAMESE_WORD_SHARE:
        errors.append(PackError(name, body_offset + 1, _(
            "This does not read as Vietnamese with diacritics: check the language and the accents.")))
    if len(errors) > before:
        return None
    return {"title": " ".join(title.split()), "minutes": minutes, "competences": competences,
            "body": body, "self_checks": checks}


# --- lesson design: competence levels, self-checks, figures ---------------------------------

#: DigComp 2.2 and Circular 02/2025/TT-BGDĐT share one scale of 8 proficiency levels.
PROFICIENCY_LEVELS = range(1, 9)


def _read_lesson_competences(value, fail) -> list:
    """A lesson's competences: codes ("4.1") or codes with their proficiency level
    ({code: "4.1", level: 3}); stored as written (strings or {"code", "level"} maps)."""
    if not isinstance(value, list):
        fail(_("\"competences\" must be a list, e.g. [{code: \"4.1\", level: 3}] or [\"4.1\", \"6.2\"]."))
        return []
    result, unknown = [], []
    for item in value:
        if isinstance(item, dict):
            code, level = str(item.get("code", "")), item.get("level")
            if set(item) - {"code", "level"} or not isinstance(level, int) or isinstance(level, bool) \
                    or level not in PROFICIENCY_LEVELS:
                fail(_("A competence with a level is written {code: \"4.1\", level: 3}, the level "
                       "a whole number from 1 to 8."))
                continue
            entry = {"code": code, "level": level}
        else:
            code = entry = str(item)
        if code not in TT02:
            unknown.append(code)
        result.append(entry)
    if unknown:
        fail(_("Unknown competence: %(codes)s.", codes=", ".join(unknown)))
    return result


def competence_codes(competences: list) -> list[str]:
    """The codes of a lesson's competences, with or without levels."""
    return [item["code"] if isinstance(item, dict) else str(item) for item in competences]


def _check_course_competences(course_text: str, course: dict, lessons: list, errors: list[PackError]) -> None:
    """A course may claim only competences some lesson of it teaches."""
    taught = {code for lesson in lessons for code in competence_codes(lesson.competences)}
    if not any(lesson.competences for lesson in lessons):
        return  # an old pack without lesson tags: nothing to compare with
    try:
        _data, lines = load_with_lines(course_text)
    except YamlError:
        return
    for framework, codes in (course.get("competences") or {}).items():
        untaught = [code for code in codes if code not in taught]
        if untaught:
            errors.append(PackError("course.yaml", line_of(lines, ("competences", framework)), _(
                "The course claims %(framework)s %(codes)s, but no lesson is tagged with it: tag "
                "the lesson that teaches it, or remove it from the course.",
                framework=framework, codes=", ".join(untaught))))


def _check_self_check_twins(en_name: str, vi: dict, en: dict, errors: list[PackError]) -> None:
    errors.extend(PackError(en_name, None, message)
                  for message in self_check.twin_problems(vi["self_checks"], en["self_checks"]))


def _check_alt_texts(name: str, body: str, body_offset: int, errors: list[PackError]) -> None:
    """A figure explains what text cannot; a reader who cannot see it needs its words."""
    for line, _src, alt in image_alts(body):
        if not alt.strip():
            errors.append(PackError(name, body_offset + line, _(
                "An image needs an alternative text in the lesson's language: ![What it shows](media/…).")))


def _check_svg(name: str, data: bytes, errors: list[PackError]) -> None:
    errors.extend(PackError(name, line, message) for line, message in svg_problems(data))


def vietnamese_word_share(text: str) -> float:
    """Share of words holding a letter outside plain a–z (Vietnamese diacritics or đ)."""
    words = [word for word in re.findall(r"[^\W\d_]+", text)]
    if not words:
        return 0.0
    return sum(1 for word in words if _VIETNAMESE_LETTERS.search(word)) / len(words)


# --- parts owned by other features (quiz.yaml) --------------------------------------------

def _read_parts(texts: dict[str, str], files: dict[str, bytes], pack_parts,
                errors: list[PackError]) -> tuple[dict[str, Any], list[PackError]]:
    """What each registered part made of its file (when present), and their warnings."""
    values, warnings = {}, []
    numbers = _lesson_numbers(files)
    # A file no feature reads is left out, with a warning (``--strict`` fails on it): a
    # site that turned quizzes off still imports the shipped packs, and a typo is named.
    for name in sorted(files):
        if "/" not in name and name.endswith(".yaml") and name != "course.yaml" \
                and name not in pack_parts:
            warnings.append(PackError(name, None, _(
                "No feature of this site reads %(file)s, so it is left out: check the file "
                "name, or ask the administrator to turn on the feature it belongs to.",
                file=name)))
    for name, part in pack_parts.items():
        if name not in texts:
            continue
        reading = part.read(texts[name], numbers)
        errors.extend(PackError(name, line, message) for line, message in reading.errors)
        warnings.extend(PackError(name, line, message) for line, message in reading.warnings)
        if reading.value is not None and not reading.errors:
            values[name] = reading.value
    return values, warnings


def _lesson_numbers(files: dict[str, bytes]) -> set[int]:
    """Numbers of the lessons the pack's file names declare (even if a lesson has errors)."""
    numbers = set()
    for name in files:
        match = LESSON_NAME.match(name.removeprefix("lessons/")) if name.startswith("lessons/") else None
        if match:
            numbers.add(int(match[1]))
    return numbers


# --- legal references ---------------------------------------------------------------------

def _check_legal_references(texts: dict[str, str], course: dict, errors: list[PackError],
                            warnings: list[PackError], pack_parts, registry: legal_refs.Registry,
                            today: dt.date) -> None:
    """Every numbered legal citation in the lessons and the quiz (both languages) must be
    in the registry and declared in course.yaml; a replaced document cited without its
    replacement in the same lesson (or quiz question) is a warning."""
    units = [(name, 1, text) for name, text in sorted(texts.items())
             if name.startswith("lessons/") and name.endswith(".md")]
    for name, part in pack_parts.items():
        if name in texts:
            units.extend((name, line, text) for line, text in part.legal_units(texts[name]))
    for finding in legal_refs.check_citations(units, course["legal_references"], registry, today):
        number = finding.number
        if finding.kind == "declared_unknown":
            errors.append(PackError("course.yaml", None, _(
                "\"%(number)s\" in legal_references is not in the legal-reference registry "
                "(courses/legal_references.yaml).", number=number)))
        elif finding.kind == "unknown":
            errors.append(PackError(finding.file, finding.line, _(
                "\"%(number)s\" is not in the legal-reference registry "
                "(courses/legal_references.yaml): check the number, then add the document there.",
                number=number)))
        elif finding.kind == "undeclared":
            errors.append(PackError(finding.file, finding.line, _(
                "\"%(number)s\" is cited but not declared in legal_references in course.yaml.",
                number=number)))
        else:
            warnings.append(PackError(finding.file, finding.line, _(
                "\"%(number)s\" was replaced by %(successor)s on %(date)s: cite the document in "
                "force, or name it here to say what changed.", number=number,
                successor=finding.successor, date=finding.date.strftime("%d/%m/%Y"))))
