"""CSV lines written by the database: the fast path of a large CSV export.

Python's per-cell work (one function call per cell, one ``csv.writer`` field per value)
kept the LMS at a tenth of the ``sqlite3`` shell's speed. Here the database formats the
cells whose rule it can follow exactly — texts neutralised as
:mod:`lms.spreadsheet_safety` says and quoted, integers, dates dd/mm/yyyy, UTC times in
the organisation's zone — into one quoted, comma-separated segment per run of such
cells, returned as UTF-8 bytes (one ``printf``/``format`` call per segment: a chain of
``||`` copies the line once per cell). The few cells it cannot format exactly (a float
in Python's ``g`` format, values other features load per batch) are Python pieces; a
batch is assembled with C-level ``map``/``zip``/``join`` only, no Python code per row.

The output is byte for byte what :class:`lms.exports.csv_writer.CsvWriter` writes for the
same values (``tests/exports/test_sql_csv.py`` holds the two equal on hostile values,
on SQLite and PostgreSQL). Pure: no Flask.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import repeat
from operator import add, itemgetter
from typing import Any

import sqlalchemy as sa

from lms.exports.csv_writer import cell_text, quoted
from lms.spreadsheet_safety import FORMULA_STARTS

_FORMULA_CODES = tuple(ord(char) for char in FORMULA_STARTS)
_DAY = itemgetter(slice(0, 11))


@dataclass(frozen=True)
class SqlCell:
    """A cell the database formats: ``kind`` is ``text``, ``integer``, ``date`` (a date
    column) or ``local_date``/``local_datetime`` (a UTC timestamp shown in the zone)."""

    expr: Any
    kind: str = "text"


@dataclass(frozen=True)
class Label:
    """A text chosen among known ones: ``labels`` maps the SQL value of ``expr`` to
    its text (no text: an empty cell); the texts are made safe here, not per row."""

    expr: Any
    labels: tuple[tuple[Any, str], ...]
    otherwise: str | None = None


@dataclass(frozen=True)
class Constant:
    """A text known before the query (a label): folded into the line's format string.
    ``raw``: ``text`` is already quoted cells (``"",""``)."""

    text: str
    raw: bool = False


@dataclass(frozen=True)
class PyCell:
    """A cell Python formats from a selected value: ``cell_text(value, kind)``, cached
    per value (scores take a few hundred values, so the cache almost always answers)."""

    expr: Any
    kind: str


@dataclass(frozen=True)
class Loaded:
    """Cells Python loads per batch: ``load(keys)`` → ``{key: bytes}`` (quoted cells joined
    by commas) for the batch's values of ``key_expr`` that are not NULL (a NULL key, or
    one missing from the answer, gets ``default``; no key at all: no call)."""

    key_expr: Any
    load: Callable[[list], dict[Any, bytes]]
    default: bytes


@dataclass(frozen=True)
class RowNumber:
    """The running row number (STT)."""


@dataclass(frozen=True)
class Moment:
    """A UTC timestamp in the zone, dd/mm/yyyy hh:mm, or only its day (``day=True``).
    The database formats each timestamp once; its day is the first ten characters,
    cut here (a second strftime per row cost more than the rest of the line)."""

    expr: Any
    day: bool = False


Cell = SqlCell | Label | Constant | PyCell | Loaded | RowNumber | Moment


class RowsChanged(RuntimeError):
    """The rows changed under the export in a way the database's formatting would get
    wrong: the export stops (unsealed) instead of delivering a wrong cell."""


class _Formatted(dict):
    """``value → quoted cell bytes`` for one PyCell; bounded so memory stays flat."""

    LIMIT = 4096

    def __init__(self, kind: str, decimal_comma: bool):
        super().__init__()
        self.kind, self.decimal_comma = kind, decimal_comma

    def __missing__(self, value) -> bytes:
        text = quoted(cell_text(value, self.kind, decimal_comma=self.decimal_comma)).encode()
        # 0.0 and -0.0 are equal keys but print differently, NaN never equals itself:
        # those are formatted every time instead of cached.
        if value is not None and value == value and value != 0 and len(self) < self.LIMIT:
            self[value] = text
        return text


def _s(expr):
    """``expr`` typed as text, so ``+`` is SQL's ``||`` (functions come back untyped)."""
    return sa.type_coerce(expr, sa.String)


class _Dialect:
    """The few SQL spellings that differ between SQLite and PostgreSQL."""

    def __init__(self, name: str, offset_seconds: int):
        self.sqlite = name == "sqlite"
        self.offset = offset_seconds

    def text(self, expr):
        """Neutralised, then quotes doubled: most texts need neither and are returned as
        they are after two scans (building a copy costs more than looking)."""
        text = _s(expr)
        first = sa.type_coerce((sa.func.unicode if self.sqlite else sa.func.ascii)(text),
                               sa.Integer)
        doubled = sa.func.replace(text, '"', '""')
        has_quote = (sa.func.instr(text, '"') if self.sqlite else sa.func.strpos(text, '"')) > 0
        return sa.case((first.in_(_FORMULA_CODES), sa.literal("'", sa.String) + _s(doubled)),
                       (has_quote, doubled), else_=text)

    def date(self, expr):
        # Python's %Y writes year 999 as "999"; the databases pad it: strip the zeros.
        if self.sqlite:  # SQLite keeps a date as 'YYYY-MM-DD'
            return (_s(sa.func.substr(expr, 9, 2)) + "/" + _s(sa.func.substr(expr, 6, 2)) + "/"
                    + _s(sa.func.ltrim(sa.func.substr(expr, 1, 4), "0")))
        return (_s(sa.func.to_char(expr, "DD/MM/"))
                + sa.cast(sa.cast(sa.extract("year", expr), sa.Integer), sa.Text))

    def local(self, expr, pattern: str):
        """A UTC timestamp at the zone's fixed offset, as ``pattern`` (strftime's)."""
        if self.sqlite:
            return sa.func.strftime(pattern, expr, f"{self.offset:+d} seconds")
        pg_pattern = pattern.replace("%d", "DD").replace("%m", "MM").replace("%Y", "YYYY") \
            .replace("%H", "HH24").replace("%M", "MI")
        shifted = sa.func.timezone("UTC", expr) + sa.func.make_interval(0, 0, 0, 0, 0, 0,
                                                                         self.offset)
        return sa.func.to_char(shifted, pg_pattern)

    def cell(self, cell: SqlCell | Label):
        if isinstance(cell, Label):
            def safe(text):
                return None if text is None else cell_text(text, "text").replace('"', '""')

            return sa.case(*((cell.expr == value, safe(text)) for value, text in cell.labels),
                           else_=safe(cell.otherwise))
        if cell.kind == "text":
            return self.text(cell.expr)
        if cell.kind == "integer":
            return cell.expr
        if cell.kind == "date":
            return self.date(cell.expr)
        if cell.kind == "local_date":
            return self.local(cell.expr, "%d/%m/%Y")
        if cell.kind == "local_datetime":
            return self.local(cell.expr, "%d/%m/%Y %H:%M")
        raise ValueError(f"no SQL form for {cell.kind!r}")

    def segment(self, cells: Sequence[SqlCell | Label | Constant]):
        """One ``"a","b",…`` expression, as UTF-8 bytes."""
        pattern, arguments = [], []
        for cell in cells:
            if isinstance(cell, Constant):
                text = cell.text if cell.raw else quoted(cell_text(cell.text, "text"))
                pattern.append(text.replace("%", "%%"))
            else:
                pattern.append('"%s"')
                arguments.append(self.cell(cell))
        text = (sa.func.printf if self.sqlite else sa.func.format)(",".join(pattern), *arguments)
        return sa.cast(text, sa.LargeBinary) if self.sqlite else sa.func.convert_to(text, "UTF8")


def _pieces(cells: Sequence[Cell]) -> list[Cell | list]:
    """Cells with each run of database cells grouped into one list (a segment)."""
    pieces: list = []
    for cell in cells:
        if isinstance(cell, (SqlCell, Label, Constant)):
            if pieces and isinstance(pieces[-1], list):
                pieces[-1].append(cell)
            else:
                pieces.append([cell])
        else:
            pieces.append(cell)
    return pieces


class SqlCsv:
    """The query's columns and the assembly of its batches into CSV bytes.

    :param cells: the line's cells in order.
    :param dialect: the database's dialect name.
    :param offset_seconds: the zone's UTC offset (fixed over the rows, see the caller).
    :param guard: SQL true for a row the offset was not checked for (one that arrived
        after the check): the batch then raises :class:`RowsChanged` rather than be wrong.
    """

    def __init__(self, cells: Sequence[Cell], dialect: str, offset_seconds: int, *,
                 decimal_comma: bool, guard=None):
        sql = _Dialect(dialect, offset_seconds)
        self.pieces = _pieces(cells)
        self.columns = [sa.false() if guard is None else guard]
        self._plan: list[tuple[str, Any]] = []
        moments: dict[int, int] = {}
        for piece in self.pieces:
            if isinstance(piece, list) and all(isinstance(cell, Constant) for cell in piece):
                # Known text only: no column, the same bytes on every line.
                text = ",".join(cell.text if cell.raw else quoted(cell_text(cell.text, "text"))
                                for cell in piece)
                self._plan.append(("constant", text.encode()))
            elif isinstance(piece, list):
                self._plan.append(("column", len(self.columns)))
                self.columns.append(sql.segment(piece))
            elif isinstance(piece, PyCell):
                self._plan.append(("formatted", (len(self.columns),
                                                 _Formatted(piece.kind, decimal_comma))))
                self.columns.append(piece.expr)
            elif isinstance(piece, Moment):
                key = id(piece.expr)
                if key not in moments:
                    moments[key] = len(self.columns)
                    self.columns.append(sql.segment([SqlCell(piece.expr, "local_datetime")]))
                self._plan.append(("day" if piece.day else "column", moments[key]))
            elif isinstance(piece, Loaded):
                self._plan.append(("loaded", (len(self.columns), piece)))
                self.columns.append(piece.key_expr)
            else:
                self._plan.append(("number", None))
        self.rows_written = 0

    def labelled(self) -> list:
        return [column.label(f"c{index}") for index, column in enumerate(self.columns)]

    def assemble(self, batch: Sequence[Sequence[Any]]) -> bytes:
        """One batch of query rows → its CSV lines (``\\r\\n`` after each)."""
        if not batch:
            return b""
        columns = list(zip(*batch, strict=True))
        if any(columns[0]):
            raise RowsChanged("a row outside the checked time range arrived during the export")
        size, start = len(batch), self.rows_written + 1
        parts: list[Iterable[bytes]] = []
        for what, detail in self._plan:
            if what == "column":
                parts.append(columns[detail])
            elif what == "formatted":
                index, cache = detail
                parts.append(map(cache.__getitem__, columns[index]))
            elif what == "day":  # '"dd/mm/yyyy' of '"dd/mm/yyyy hh:mm"', and its quote
                parts.append(map(add, map(_DAY, columns[detail]), repeat(b'"')))
            elif what == "constant":
                parts.append(repeat(detail, size))
            elif what == "number":
                parts.append(map(b'"%d"'.__mod__, range(start, start + size)))
            else:  # loaded
                index, piece = detail
                keys = columns[index]
                wanted = [key for key in keys if key is not None]
                found = piece.load(wanted) if wanted else {}
                parts.append(map(found.get, keys, repeat(piece.default)))
        self.rows_written += size
        return b"\r\n".join(map(b",".join, zip(*parts))) + b"\r\n"

    def chunks(self, batches: Iterator[Sequence[Sequence[Any]]]) -> Iterator[bytes]:
        for batch in batches:
            yield self.assemble(batch)


def constant_offset(zone: dt.tzinfo, first: dt.datetime, last: dt.datetime) -> int | None:
    """The zone's UTC offset in seconds if it is the same at every instant from
    ``first`` to ``last`` (checked hour by hour, and at both ends); None when it moves
    (daylight saving): then the caller formats in Python."""
    offset = first.astimezone(zone).utcoffset()
    moment = first
    while moment < last:
        moment = min(moment + dt.timedelta(hours=1), last)
        if moment.astimezone(zone).utcoffset() != offset:
            return None
    return int(offset.total_seconds()) if offset is not None else None
