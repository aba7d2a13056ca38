"""Files of a content pack that belong to another feature (quizzes: ``quiz.yaml``).

A content pack is course.yaml, lessons/ and media/, which courses reads itself, plus
the parts other features register on the app's ``state.pack_parts`` under their file
name (``lms.registry.Registry``). Courses validates, imports, exports and previews a
pack by asking each registered part, so it never imports the feature that owns one.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

#: A problem a part found: (line or None, translated message).
Problem = tuple[int | None, str]


@dataclass
class PartReading:
    """What a part made of its file: the value (None when the file has errors)."""

    value: Any = None
    errors: list[Problem] = field(default_factory=list)
    #: Problems that do not stop an import (``validate-pack --strict`` fails on them).
    warnings: list[Problem] = field(default_factory=list)


class PackPart(Protocol):
    """One pack file owned by a feature, registered under its file name."""

    #: True when passing what the file holds again renews a completion (the final quiz),
    #: so a recurring course (``valid_for_months``) may declare it.
    renews_completion: bool

    def read(self, text: str, lesson_numbers: set[int]) -> PartReading:
        """Parse and check the file (``lesson_numbers``: the lessons the pack declares)."""

    def minutes(self, value: Any) -> int:
        """Minutes the part adds to the course's estimated time (checked against periods)."""

    def legal_units(self, text: str) -> list[tuple[int, str]]:
        """(first line, text) pieces in which legal citations are checked together."""

    def save(self, course: Any, value: Any) -> None:
        """Add the part's rows to a newly imported course version (flush, no commit)."""

    def export(self, course: Any) -> bytes | None:
        """The file for an exported pack of ``course``, None when the course has none."""

    def summary(self, value: Any | None) -> str:
        """A few words for ``validate-pack`` ("28 quiz questions"; value None: no file)."""

    def preview(self, course: Any, locale: str) -> Any:
        """HTML (Markup) of the part's section on the author's preview page, or ""."""
