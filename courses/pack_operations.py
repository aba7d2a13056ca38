"""Writing a validated pack into the database: a new course version, all or nothing.

Re-importing the same version with the same files changes nothing; the same version
with different files is refused (bump the version instead); a lower version than one
already imported is refused too.
"""
from __future__ import annotations

import hashlib
import posixpath
from dataclasses import dataclass
from urllib.parse import quote

import sqlalchemy as sa
from flask import current_app

from courses import image_variants
from courses.image_variants import ImageSizes
from courses.models import Course, CourseMedia, Lesson
from courses.pack_files import IMAGE_TYPES
from courses.pack_validation import Pack
from courses.rendering import ResolvedImage, render_markdown
from lms import signals
from lms.audit.operations import record_event
from lms.db import get_session, utcnow
from lms.extension import get_state
from lms.i18n import _, strip_diacritics

#: Lesson HTML is stored with this in place of the media URL, which depends on where the
#: LMS is mounted; views substitute the real URL (see courses.queries.lesson_html).
MEDIA_URL_MARKER = "__lms_media__/"
#: The ``src`` of an image with copies: the widest copy up to this (a phone at DPR 2),
#: for the rare browser that ignores ``srcset``.
FALLBACK_WIDTH = 720
_PATH_LENGTH = CourseMedia.__table__.c.path.type.length


class PackImportError(ValueError):
    """The pack is valid but cannot be imported next to what exists (message translated)."""


@dataclass
class PackImportResult:
    course: Course
    created: bool


def import_pack(pack: Pack, *, publish: bool, actor=None) -> PackImportResult:
    session = get_session()
    existing = session.scalars(sa.select(Course).where(Course.code == pack.code)).all()
    same_version = next((course for course in existing if course.version == pack.version), None)
    if same_version is not None:
        if same_version.pack_sha256 != pack.sha256:
            raise PackImportError(_(
                "Version %(version)d of %(code)s was already imported with different content: "
                "raise the version number in course.yaml.", version=pack.version, code=pack.code))
        if publish and not same_version.is_published:
            publish_course(same_version, actor=actor)
            return PackImportResult(same_version, created=False)
        return PackImportResult(same_version, created=False)
    newest = max((course.version for course in existing), default=0)
    if pack.version < newest:
        raise PackImportError(_("%(code)s already has version %(newest)d; a new version must be higher.",
                                code=pack.code, newest=newest))
    images = _measure_images(pack)
    course = _create_course(pack, images)
    session.add(course)
    session.flush()
    _add_media(course, pack, images)
    _add_parts(course, pack)
    record_event("content.pack_imported", actor=actor, object_type="course", object_id=course.id,
                 details={"code": pack.code, "version": pack.version})
    signals.pack_imported.send(current_app._get_current_object(), course=course)
    if publish:
        publish_course(course, actor=actor)
    return PackImportResult(course, created=True)


def _content_type(path: str) -> str:
    return IMAGE_TYPES[posixpath.splitext(path)[1].lower()]


def _measure_images(pack: Pack) -> dict[str, ImageSizes | None]:
    """Each media file's size and phone-sized copies (None: shown as it is)."""
    return {path: image_variants.prepare(data, _content_type(path), path=path, max_path=_PATH_LENGTH)
            for path, data in pack.media.items()}


def _resolved(src: str, sizes: ImageSizes | None) -> str | ResolvedImage:
    """The image as lesson HTML names it: a URL, or a URL with its size and copies."""
    if sizes is None:
        return MEDIA_URL_MARKER + src
    # Quoted: a srcset URL may hold no space or comma, and pack names may ("ảnh 1.png").
    copies = [(MEDIA_URL_MARKER + quote(image_variants.variant_path(variant.width, src)), variant.width)
              for variant in sizes.variants]
    fallback = [url for url, width in copies if width <= FALLBACK_WIDTH]
    return ResolvedImage(src=fallback[-1] if fallback else MEDIA_URL_MARKER + src,
                         width=sizes.width, height=sizes.height,
                         candidates=(*copies, (MEDIA_URL_MARKER + quote(src), sizes.width)))


def _create_course(pack: Pack, images: dict[str, ImageSizes | None]) -> Course:
    def resolve(src: str) -> str | ResolvedImage | None:
        return _resolved(src, images[src]) if src in images else None

    return Course(
        code=pack.code, version=pack.version, topic=pack.topic,
        title_vi=pack.title["vi"], title_en=pack.title["en"],
        summary_vi=pack.summary["vi"], summary_en=pack.summary["en"],
        periods=pack.periods, minutes=pack.minutes, pass_mark=pack.pass_mark,
        is_mandatory=pack.mandatory, competences=pack.competences,
        min_lesson_share=pack.min_lesson_share, quiz_requires_lessons=pack.quiz_requires_lessons,
        legal_references=pack.legal_references, review_by=pack.review_by,
        valid_for_months=pack.valid_for_months,
        search_text=strip_diacritics(" ".join([pack.code, *pack.title.values(), *pack.summary.values()])
                                     .replace(",", " ").replace(".", " ")),
        pack_sha256=pack.sha256,
        lessons=[Lesson(number=lesson.number, slug=lesson.slug, title_vi=lesson.title["vi"],
                        title_en=lesson.title["en"], minutes=lesson.minutes,
                        competences=lesson.competences,
                        source_vi=lesson.source["vi"], source_en=lesson.source["en"],
                        html_vi=render_markdown(lesson.source["vi"], resolve),
                        html_en=render_markdown(lesson.source["en"], resolve))
                 for lesson in pack.lessons],
    )


def _add_media(course: Course, pack: Pack, images: dict[str, ImageSizes | None]) -> None:
    """The pack's images, and beside each its copies (courses.image_variants)."""
    session = get_session()
    for path, data in sorted(pack.media.items()):
        content_type = _content_type(path)
        session.add(CourseMedia(course_id=course.id, path=path, data=data, content_type=content_type,
                                sha256=hashlib.sha256(data).hexdigest()))
        for variant in images[path].variants if images[path] else ():
            session.add(CourseMedia(course_id=course.id, content_type=content_type,
                                    path=image_variants.variant_path(variant.width, path),
                                    data=variant.data, sha256=hashlib.sha256(variant.data).hexdigest()))


def _add_parts(course: Course, pack: Pack) -> None:
    """The rows of the files other features own (the quiz), through their pack parts."""
    parts = get_state().pack_parts
    for name, value in pack.parts.items():
        parts.get(name).save(course, value)


def publish_course(course: Course, *, actor=None) -> None:
    """Make this version the one new learners get (older versions stay for their learners)."""
    if course.is_published:
        return
    course.is_published = True
    course.published_dt = utcnow()
    record_event("content.course_published", actor=actor, object_type="course", object_id=course.id,
                 details={"code": course.code, "version": course.version})
    get_session().flush()


def unpublish_course(course: Course, *, actor=None) -> None:
    if not course.is_published:
        return
    course.is_published = False
    record_event("content.course_unpublished", actor=actor, object_type="course",
                 object_id=course.id, details={"code": course.code, "version": course.version})
    get_session().flush()
