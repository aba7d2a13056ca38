"""The three export formats, registered on ``state.export_formats``: how each turns a
dataset's rows into bytes. Streamed formats yield chunks as rows come; XLSX is written
to a temporary file first (a zip cannot be finished before its last row)."""
from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from lms.datasets import Dataset
from lms.i18n import localized
from lms.exports.csv_writer import CsvWriter
from lms.exports.xapi_writer import XapiWriter
from lms.exports.xlsx_writer import SummaryLayout, write_xlsx

#: Bytes per chunk when a finished file is sent on.
FILE_CHUNK = 256 * 1024


class Counter:
    """Rows written by a producer (the writers count, this holds the total)."""

    def __init__(self) -> None:
        self.rows = 0


@dataclass(frozen=True)
class ExportFormat:
    name: str
    label: str
    media_type: str
    extension: str
    #: Produces the file's chunks from ``rows``; sets ``counter.rows``.
    produce: Callable[..., Iterator[bytes]]
    #: Whether it needs a dataset with xAPI statements.
    needs_statements: bool = False
    #: Optional: ``lines(dataset, session, filters, scope, locale, zone=…)`` → what the
    #: database writes for the file (passed to ``produce`` as ``lines``), or None.
    lines: Callable[..., object] | None = None


def _decimal_comma(locale: str) -> bool:
    return locale == "vi"


def _csv(dataset: Dataset, rows: Iterable, locale: str, counter: Counter, *, zone,
         lines=None, progress=None, progress_every: int = 0, **_options):
    """``lines()``, when given, asks for the data lines written by the database (see
    :func:`_csv_lines`) once the header is out; None from it: ``rows`` are formatted here."""
    writer = CsvWriter(dataset.headers(locale), [c.kind for c in dataset.columns],
                       decimal_comma=_decimal_comma(locale), zone=zone)
    written = None
    try:
        yield writer.header()
        written = lines() if lines is not None else None
        if written is None:
            yield from writer.data_chunks(rows)
            return
        reported = 0
        for chunk in written.chunks():
            yield chunk
            if progress is not None and written.rows_written >= reported + progress_every:
                reported = written.rows_written
                progress(reported)
    finally:
        counter.rows = writer.rows_written if written is None else written.rows_written


def _csv_lines(dataset: Dataset, session, filters, scope, locale: str, *, zone):
    """The dataset's database-written lines, when it offers them for these rows."""
    if dataset.csv_lines is None:
        return None
    return dataset.csv_lines(session, filters, scope, locale, zone=zone,
                             decimal_comma=_decimal_comma(locale))


def _xapi(dataset: Dataset, rows: Iterable, locale: str, counter: Counter, **_options):
    writer = XapiWriter(dataset.statements)
    try:
        yield from writer.chunks(rows)
    finally:
        counter.rows = writer.rows_written


#: The summary sheet's own texts (the sheet is written in the export's language, which
#: need not be the language of the request that runs it).
SUMMARY_TEXTS = {
    "title": {"vi": "Tổng hợp theo đơn vị", "en": "Summary by unit"},
    "rows": {"vi": "Số bản ghi", "en": "Rows"},
    "people": {"vi": "Số người", "en": "People"},
    #: The header of a count column, ``{}`` being the counted value (a course code).
    "count": {"vi": "Số lượt {}", "en": "{} count"},
}


def summary_layout(dataset: Dataset, locale: str) -> SummaryLayout | None:
    spec = dataset.summary
    if spec is None:
        return None

    def header(key: str) -> str:
        return localized(dataset.columns[dataset.index_of(key)].header, locale)

    headers = [header(spec.unit_column)]
    if spec.unit_code_column:
        headers.append(header(spec.unit_code_column))
    headers.append(localized(spec.rows_header or SUMMARY_TEXTS["rows"], locale))
    if spec.person_column:
        headers.append(localized(SUMMARY_TEXTS["people"], locale))
    headers += [header(key) for key in spec.sum_columns]

    def index(key: str | None) -> int | None:
        return dataset.index_of(key) if key else None

    return SummaryLayout(
        title=localized(SUMMARY_TEXTS["title"], locale),
        unit_index=dataset.index_of(spec.unit_column), person_index=index(spec.person_column),
        sum_indexes=tuple(dataset.index_of(key) for key in spec.sum_columns),
        headers=tuple(headers), code_index=index(spec.unit_code_column),
        count_by_index=index(spec.count_by_column),
        count_header=localized(SUMMARY_TEXTS["count"], locale))


def _xlsx(dataset: Dataset, rows: Iterable, locale: str, counter: Counter, *, zone,
          progress=None, tmpdir=None, **_options):
    handle, path = tempfile.mkstemp(suffix=".xlsx", dir=tmpdir)
    os.close(handle)
    try:
        counter.rows = write_xlsx(path, title=dataset.title.get(locale) or dataset.title["vi"],
                                  headers=dataset.headers(locale),
                                  kinds=[c.kind for c in dataset.columns], rows=rows,
                                  summary=summary_layout(dataset, locale), zone=zone,
                                  tmpdir=tmpdir, progress=progress)
        with open(path, "rb") as file:
            while chunk := file.read(FILE_CHUNK):
                yield chunk
    finally:
        os.unlink(path)


FORMATS = (
    ExportFormat("csv", "CSV (Excel, UTF-8)", "text/csv; charset=utf-8", "csv", _csv,
                 lines=_csv_lines),
    ExportFormat("xlsx", "Excel (XLSX)",
                 "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", _xlsx),
    ExportFormat("xapi", "xAPI 1.0.3 (JSON)", "application/json", "json", _xapi,
                 needs_statements=True),
)


def file_name(dataset: Dataset, export_format: ExportFormat, record_id: int | None,
              day: dt.date) -> str:
    number = f"-{record_id}" if record_id else ""
    return f"{dataset.name}-{day:%Y%m%d}{number}.{export_format.extension}"
