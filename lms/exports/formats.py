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


def _csv(dataset: Dataset, rows: Iterable, locale: str, counter: Counter, *, zone, **_options):
    writer = CsvWriter(dataset.headers(locale), [c.kind for c in dataset.columns],
                       decimal_comma=locale == "vi", zone=zone)
    try:
        yield from writer.chunks(rows)
    finally:
        counter.rows = writer.rows_written


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
}


def summary_layout(dataset: Dataset, locale: str) -> SummaryLayout | None:
    spec = dataset.summary
    if spec is None:
        return None
    unit_header = dataset.columns[dataset.index_of(spec.unit_column)].header
    headers = [localized(unit_header, locale), localized(SUMMARY_TEXTS["rows"], locale)]
    if spec.person_column:
        headers.append(localized(SUMMARY_TEXTS["people"], locale))
    headers += [localized(dataset.columns[dataset.index_of(key)].header, locale)
                for key in spec.sum_columns]
    return SummaryLayout(
        title=localized(SUMMARY_TEXTS["title"], locale),
        unit_index=dataset.index_of(spec.unit_column),
        person_index=dataset.index_of(spec.person_column) if spec.person_column else None,
        sum_indexes=tuple(dataset.index_of(key) for key in spec.sum_columns),
        headers=tuple(headers))


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
    ExportFormat("csv", "CSV (Excel, UTF-8)", "text/csv; charset=utf-8", "csv", _csv),
    ExportFormat("xlsx", "Excel (XLSX)",
                 "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", _xlsx),
    ExportFormat("xapi", "xAPI 1.0.3 (JSON)", "application/json", "json", _xapi,
                 needs_statements=True),
)


def file_name(dataset: Dataset, export_format: ExportFormat, record_id: int | None,
              day: dt.date) -> str:
    number = f"-{record_id}" if record_id else ""
    return f"{dataset.name}-{day:%Y%m%d}{number}.{export_format.extension}"
