"""The legal-reference registry (courses/legal_references.yaml) and the checks built on it.

Courses teach law, and law changes: the registry lists every legal document a shipped
pack cites, with its dates and, once it is replaced, what replaced it and from when.
Nothing here needs Flask: the functions return plain findings and the callers (pack
validation, the author pages) turn them into translated messages.

Citations are found by their number only ("91/2025/QH15", "356/2025/NĐ-CP",
"874/QĐ-BTTTT", "57-NQ/TW"); a bare "Luật An ninh mạng 2018" is not detected, which is
why lessons must give the number of every document they rely on.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

REGISTRY_PATH = Path(__file__).with_name("legal_references.yaml")

#: "91/2025/QH15", "356/2025/NĐ-CP", "13/2023/ND-CP", "02/2025/TT-BGDĐT", "2026/QĐ-TTg",
#: "874/QĐ-BTTTT", "57-NQ/TW". The look-behinds keep dates ("01/7/2026") and URL paths out.
CITATION = re.compile(
    r"(?<![\w/.-])(?:"
    r"\d{1,4}/(?:19|20)\d{2}/[A-ZĐ][A-Za-zĐđ0-9]*(?:-[A-ZĐ][A-Za-zĐđ0-9]*)*"
    r"|\d{1,4}/(?:QĐ|QD|NQ|CT|KH|TB)-[A-ZĐ][A-Za-zĐđ0-9]*(?:-[A-ZĐ][A-Za-zĐđ0-9]*)*"
    r"|\d{1,4}-(?:NQ|KH|CT|KL|QĐ|QD)/[A-ZĐ]+"
    r")(?![\w/])")


def citation_key(number: str) -> str:
    """One spelling for comparing numbers: English twins write "ND-CP" for "NĐ-CP"."""
    return number.strip().upper().replace("Đ", "D")


@dataclass(frozen=True)
class LegalDocument:
    number: str
    title: dict
    issued: dt.date
    effective: dt.date
    replaced_by: str | None = None
    replaced_on: dt.date | None = None
    source: str = ""

    @property
    def key(self) -> str:
        return citation_key(self.number)

    def is_replaced(self, today: dt.date) -> bool:
        return self.replaced_by is not None and self.replaced_on is not None and self.replaced_on <= today


class RegistryError(ValueError):
    """The registry file itself is wrong (a shipped file: a programming error)."""


@dataclass(frozen=True)
class Registry:
    documents: dict  # key -> LegalDocument

    def get(self, number: str) -> LegalDocument | None:
        return self.documents.get(citation_key(number))


def parse_registry(text: str) -> Registry:
    data = yaml.safe_load(text) or {}
    entries = data.get("documents") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise RegistryError("legal_references.yaml must hold a list under 'documents'")
    documents = {}
    for index, entry in enumerate(entries):
        try:
            replaced = entry.get("replaced_by") or {}
            document = LegalDocument(
                number=str(entry["number"]),
                title={"vi": str(entry["title"]["vi"]), "en": str(entry["title"]["en"])},
                issued=_date(entry["issued"]), effective=_date(entry["effective"]),
                replaced_by=str(replaced["number"]) if replaced else None,
                replaced_on=_date(replaced["date"]) if replaced else None,
                source=str(entry.get("source") or ""))
        except (KeyError, TypeError, ValueError) as error:
            raise RegistryError(f"document {index + 1}: {error!r}") from None
        if document.key in documents:
            raise RegistryError(f"document {document.number} is listed twice")
        documents[document.key] = document
    for document in documents.values():
        if document.replaced_by and citation_key(document.replaced_by) not in documents:
            raise RegistryError(f"{document.number} is replaced by {document.replaced_by}, "
                                "which is not in the registry")
    return Registry(documents)


def _date(value) -> dt.date:
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


@functools.cache
def shipped_registry() -> Registry:
    """The registry shipped with the LMS (read once per process)."""
    return parse_registry(REGISTRY_PATH.read_text(encoding="utf-8"))


# --- finding and checking citations -------------------------------------------------------

@dataclass(frozen=True)
class Citation:
    line: int
    number: str  # as written


def find_citations(text: str, first_line: int = 1) -> list[Citation]:
    found = []
    for offset, line in enumerate(text.split("\n")):
        for match in CITATION.finditer(line):
            found.append(Citation(first_line + offset, match.group(0)))
    return found


@dataclass(frozen=True)
class Finding:
    """One problem with a pack's citations. ``kind`` is unknown | undeclared |
    replaced_without_successor | declared_unknown."""

    kind: str
    file: str
    line: int | None
    number: str
    successor: str | None = None
    date: dt.date | None = None


def check_citations(units: list[tuple[str, int, str]], declared: list[str], registry: Registry,
                    today: dt.date) -> list[Finding]:
    """Check every citation in ``units`` — (file, first line, text) pieces, one per lesson
    file or quiz question — against the registry and the pack's declared references.

    A replaced document is fine where the same unit also names what replaced it (the
    lesson says what changed); alone, it is flagged.
    """
    findings = []
    declared_keys = {citation_key(number) for number in declared}
    for number in declared:
        if registry.get(number) is None:
            findings.append(Finding("declared_unknown", "course.yaml", None, number))
    for file, first_line, text in units:
        citations = find_citations(text, first_line)
        keys_here = {citation_key(c.number) for c in citations}
        for citation in citations:
            document = registry.get(citation.number)
            if document is None:
                findings.append(Finding("unknown", file, citation.line, citation.number))
                continue
            if document.key not in declared_keys:
                findings.append(Finding("undeclared", file, citation.line, citation.number))
            if document.is_replaced(today) and not (_successors(document, registry, today) & keys_here):
                findings.append(Finding("replaced_without_successor", file, citation.line,
                                        citation.number, document.replaced_by, document.replaced_on))
    return findings


def _successors(document: LegalDocument, registry: Registry, today: dt.date) -> set[str]:
    """Keys of the documents that replaced this one, directly or in a chain."""
    keys = set()
    while document is not None and document.is_replaced(today) and document.replaced_by:
        key = citation_key(document.replaced_by)
        if key in keys:
            break
        keys.add(key)
        document = registry.get(document.replaced_by)
    return keys


# --- review due ---------------------------------------------------------------------------

@dataclass(frozen=True)
class ReviewReason:
    """Why a pack needs review: ``kind`` is review_by_passed | replaced."""

    kind: str
    number: str | None = None
    successor: str | None = None
    date: dt.date | None = None


def review_reasons(declared: list[str], review_by: dt.date | None, registry: Registry,
                   today: dt.date) -> list[ReviewReason]:
    """Why a course version needs review: its ``review_by`` date has passed, or it relies
    on a document that has since been replaced and it does not cite the replacement."""
    reasons = []
    if review_by is not None and review_by < today:
        reasons.append(ReviewReason("review_by_passed", date=review_by))
    declared_keys = {citation_key(number) for number in declared}
    for number in declared:
        document = registry.get(number)
        if document is not None and document.is_replaced(today) \
                and not (_successors(document, registry, today) & declared_keys):
            reasons.append(ReviewReason("replaced", document.number, document.replaced_by,
                                        document.replaced_on))
    return reasons
