"""Export datasets: tables of records a feature offers to the exporters.

A feature that owns records HR files (completions, the credit ledger, standings, the
status against a target) describes each table once as a :class:`Dataset` and registers
it on ``state.export_datasets`` in its ``init_app``. The exports feature turns any
registered dataset into CSV, XLSX or xAPI, scopes it, counts it before it runs and seals
the file; it never imports the feature that owns the rows, and the owner never imports
the exporters. The contract is here, in the core, so the two sides only share this file.

Rows are produced in constant memory: ``rows`` yields tuples in column order, reading
the database in batches (``yield_per``), never a list of every row.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

#: The kinds of value a column holds; writers use them to type cells (a date stays a date
#: in Excel, a text stays text even when it starts with "=").
COLUMN_KINDS = frozenset({"text", "integer", "decimal", "date", "datetime", "boolean"})


@dataclass(frozen=True)
class Column:
    """One column of a dataset: its key, its headers in each language and its kind."""

    key: str
    header: Mapping[str, str]
    kind: str = "text"

    def __post_init__(self) -> None:
        if self.kind not in COLUMN_KINDS:
            raise ValueError(f"column {self.key!r}: unknown kind {self.kind!r}")
        if "vi" not in self.header:
            raise ValueError(f"column {self.key!r} needs a Vietnamese header")


@dataclass(frozen=True)
class ExportFilters:
    """What HR asked for. ``None`` means "no restriction" for every field.

    The scope (which learners the asker may see) is separate: it is never a filter the
    asker chooses, see :class:`ExportScope`.
    """

    #: Root of an org-unit subtree; the unit a row is counted under is the dataset's
    #: business (for completions: the unit at the completion, from its snapshot).
    unit_id: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    #: An emulation period code (credits); datasets that have no periods ignore it.
    period_code: str | None = None
    course_code: str | None = None
    topic: str | None = None
    #: A dataset-specific status value (e.g. "passed", "not_met").
    status: str | None = None
    #: Learner category code (CB, CC, VC, NLD).
    category: str | None = None
    #: One person's records, by staff code (the read API's learner status).
    staff_code: str | None = None


@dataclass(frozen=True)
class ExportScope:
    """Whose records the asker may export: everything (admins, the CLI, an admin's API
    token) or the org-unit subtrees named by their materialised paths (HR grants, a unit
    API token). An empty tuple of paths with ``everything=False`` sees nothing."""

    everything: bool = False
    unit_paths: tuple[str, ...] = ()

    def unit_condition(self, path_column: sa.ColumnElement[str]) -> sa.ColumnElement[bool]:
        """SQL: the unit whose path is ``path_column`` lies inside the scope."""
        if self.everything:
            return sa.true()
        if not self.unit_paths:
            return sa.false()
        return sa.or_(*(path_column.startswith(path, autoescape=True)
                        for path in self.unit_paths))


@dataclass(frozen=True)
class Summary:
    """How an XLSX summary sheet groups a dataset: one line per value of
    ``unit_column`` with the row count, the number of distinct ``person_column`` values
    and the sum of each of ``sum_columns`` (column keys)."""

    unit_column: str
    person_column: str | None = None
    sum_columns: tuple[str, ...] = ()
    #: Optional: the unit's code beside its name (units of one name stay apart).
    unit_code_column: str | None = None
    #: Optional: a column whose every value gets a count column (completions per course).
    count_by_column: str | None = None
    #: Optional: what a row is, per language ("Số lượt hoàn thành"); default "rows".
    rows_header: Mapping[str, str] | None = None


RowsFunction = Callable[[Session, ExportFilters, ExportScope, str], Iterator[tuple[Any, ...]]]
CountFunction = Callable[[Session, ExportFilters, ExportScope], int]
#: ``page(session, filters, scope, locale, after, limit)`` → up to ``limit`` pairs
#: ``(cursor, row)`` with ``cursor`` a whole number greater than ``after`` (None: from the
#: start), ascending: the read API's stable cursor (``since``).
PageFunction = Callable[[Session, ExportFilters, ExportScope, str, "int | None", int],
                        list[tuple[int, tuple[Any, ...]]]]


@dataclass(frozen=True)
class Dataset:
    """A table a feature offers for export.

    :param name: the registry name, also used in URLs and the CLI (``completions``).
    :param title: the dataset's name in each language.
    :param columns: the columns, in order.
    :param rows: ``rows(session, filters, scope, locale)`` yields one tuple per record,
        in column order, in constant memory; ``locale`` picks the language of texts.
    :param count: ``count(session, filters, scope)``, the number of rows ``rows`` yields.
    :param filters: the :class:`ExportFilters` fields this dataset honours (the export
        page shows only those).
    :param statements: optional ``row -> list of xAPI statements`` for the xAPI writer
        (only datasets of learning records have one).
    """

    name: str
    title: Mapping[str, str]
    columns: tuple[Column, ...]
    rows: RowsFunction
    count: CountFunction
    filters: frozenset[str] = field(default_factory=frozenset)
    statements: Callable[[tuple[Any, ...]], list[dict]] | None = None
    #: The values ``ExportFilters.status`` may take, each with its label per language
    #: (the export page offers them).
    statuses: tuple[tuple[str, Mapping[str, str]], ...] = ()
    #: Optional: the XLSX summary sheet of this dataset.
    summary: Summary | None = None
    #: Optional: rows by a stable cursor, for the read API (a dataset without one is
    #: exported but not served by the API).
    page: PageFunction | None = None
    #: Optional: the CSV written by the database, for large files:
    #: ``csv_lines(session, filters, scope, locale, zone=…, decimal_comma=…)`` → an object
    #: with ``chunks()`` (the data lines, a batch per chunk) and ``rows_written``, or None
    #: when it cannot be byte-for-byte what the CSV writer makes of ``rows`` (the writer
    #: then formats ``rows`` itself).
    csv_lines: Callable[..., Any] | None = None

    def headers(self, locale: str) -> list[str]:
        return [column.header.get(locale) or column.header["vi"] for column in self.columns]

    def index_of(self, key: str) -> int:
        """Position of the column ``key`` in the rows."""
        for index, column in enumerate(self.columns):
            if column.key == key:
                return index
        raise KeyError(f"dataset {self.name!r} has no column {key!r}")


ColumnsLoader = Callable[[Session, list[int], str], Mapping[int, tuple[Any, ...]]]


@dataclass(frozen=True)
class CompletionColumns:
    """Extra columns another feature adds to the completion records export (the
    certificate serial, the criterion and the credits counted), registered on
    ``state.completion_export_columns``.

    :param columns: the added columns, in order.
    :param load: ``load(session, completion_ids, locale)`` → ``{completion_id: values}``
        for one batch of rows (one query per batch, never one per row); a completion
        missing from the answer gets empty cells.
    """

    columns: tuple[Column, ...]
    load: ColumnsLoader
    #: Optional: ``present(completion_id_column)`` → SQL true when this feature has values
    #: for that completion (an EXISTS); a writer then loads only the rows that have some.
    present: Callable[[Any], Any] | None = None


@dataclass(frozen=True)
class CompletionOrigins:
    """Where completions made outside the LMS come from, registered on
    ``state.completion_origins`` by the feature that records them (credits: verified
    external completions, of the course topic ``external``).

    :param load: ``load(session, completion_ids, locale)`` → ``{completion_id: provider}``
        for one batch of such completions (one query per batch); the completion export
        shows their mode as external and the provider as their source.
    """

    load: Callable[[Session, list[int], str], Mapping[int, str]]
