"""Turning a stored course version back into content-pack files."""
from __future__ import annotations

import sqlalchemy as sa
import yaml

from courses.image_variants import is_variant_path
from courses.models import Course, CourseMedia
from lms.db import get_session
from lms.extension import get_state


def pack_files_of(course: Course) -> dict[str, bytes]:
    card = {
        "code": course.code, "version": course.version, "topic": course.topic.value,
        "title": {"vi": course.title_vi, "en": course.title_en},
        "summary": {"vi": course.summary_vi, "en": course.summary_en},
        "periods": course.periods, "minutes": course.minutes, "pass_mark": course.pass_mark,
        "mandatory": course.is_mandatory, "competences": course.competences,
        **({"legal_references": course.legal_references, "review_by": course.review_by}
           if course.legal_references or course.review_by else {}),
    }
    # Written only when the pack set them, so an exported pack keeps following the site.
    if course.min_lesson_share is not None:
        card["min_lesson_share"] = course.min_lesson_share
    if course.quiz_requires_lessons is not None:
        card["quiz_requires_lessons"] = course.quiz_requires_lessons
    if course.valid_for_months is not None:
        card["valid_for_months"] = course.valid_for_months
    files = {"course.yaml": _dump(card)}
    for lesson in course.lessons:
        for lang in ("vi", "en"):
            front = _dump({"title": lesson.title(lang), "minutes": lesson.minutes,
                           "competences": lesson.competences}).decode()
            body = lesson.source_vi if lang == "vi" else lesson.source_en
            name = f"lessons/{lesson.number:02d}-{lesson.slug}.{lang}.md"
            files[name] = f"---\n{front}---\n{body}".encode()
    for media in get_session().scalars(sa.select(CourseMedia).where(CourseMedia.course_id == course.id)):
        if not is_variant_path(media.path):  # the copies made at import are no pack file
            files[media.path] = media.data
    for name, part in get_state().pack_parts.items():  # the quiz, from its feature
        data = part.export(course)
        if data is not None:
            files[name] = data
    return files


def _dump(data) -> bytes:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100).encode("utf-8")
