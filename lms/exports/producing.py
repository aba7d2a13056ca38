"""Producing an export's bytes, counting and hashing them as they go, and sealing the
record when the last byte is out.

The hash of a streamed file is known only at its end, so the record is written twice:
once with the audit event before the first byte (the view's commit), once with the row
count, size and SHA-256 after the last one (:func:`lms.exports.operations.seal_now`).
If the stream stops early (the client went away, the server stopped it), the record is
marked interrupted and keeps no hash: a cut-short file can never pass the check. The
hash is of exactly the bytes handed to the server, in order.

Rows are read on a read session of their own, not the request's: the request's session
has committed the record already, and on SQLite a writing request's transaction holds
the write lock (BEGIN IMMEDIATE), which a minutes-long stream must not keep.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import secrets
import tempfile
from collections.abc import Callable, Iterator
from functools import partial
from zoneinfo import ZoneInfo

from flask import Response, current_app, stream_with_context

from lms.datasets import Dataset, ExportFilters, ExportScope
from lms.db import utcnow
from lms.exports import operations
from lms.exports.formats import Counter, ExportFormat, file_name


def _counted(rows, every: int, report: Callable[[int], None]):
    count = 0
    for row in rows:
        yield row
        count += 1
        if count % every == 0:
            report(count)


def produce_chunks(record_id: int, dataset: Dataset, export_format: ExportFormat,
                   filters: ExportFilters, scope: ExportScope, locale: str, *,
                   progress: Callable[[int], None] | None = None,
                   before_seal: Callable[[], None] | None = None,
                   expires_dt: dt.datetime | None = None) -> Iterator[bytes]:
    """The file's chunks; seals the record after the last one (see module docstring)."""
    config = current_app.config
    state = current_app.extensions["lms"]
    zone = ZoneInfo(config["LMS_TIMEZONE"])
    every = config["LMS_EXPORT_PROGRESS_ROWS"]
    counter, hasher, size, whole = Counter(), hashlib.sha256(), 0, False
    error = None
    session = state.database.new_session(for_write=False)
    try:
        rows = dataset.rows(session, filters, scope, locale)  # a generator: nothing read yet
        if progress is not None and export_format.name != "xlsx":
            rows = _counted(rows, every, progress)
        # Asked for once the header is out (the CSV the database writes, see formats).
        lines = (partial(export_format.lines, dataset, session, filters, scope, locale, zone=zone)
                 if export_format.lines is not None else None)
        for chunk in export_format.produce(dataset, rows, locale, counter, zone=zone,
                                           progress=progress, progress_every=every, lines=lines,
                                           tmpdir=config["LMS_EXPORT_TEMP_DIRECTORY"]):
            hasher.update(chunk)
            size += len(chunk)
            yield chunk
        whole = True
    except Exception as failure:
        error = repr(failure)
        raise
    finally:
        session.close()  # the read ends before the seal's write
        if whole and before_seal is not None:
            before_seal()
        if whole:
            operations.seal_now(record_id, rows=counter.rows, sha256=hasher.hexdigest(), size=size,
                                expires_dt=expires_dt)
        else:
            operations.interrupt_now(record_id, rows=counter.rows, error=error)


def streamed_response(record_id: int, dataset: Dataset, export_format: ExportFormat,
                      filters: ExportFilters, scope: ExportScope, locale: str) -> Response:
    """The file as a streamed download; the view that returns it commits the record
    first (every LMS view commits when it returns, before the body is sent)."""
    chunks = produce_chunks(record_id, dataset, export_format, filters, scope, locale)
    response = Response(stream_with_context(chunks), mimetype=export_format.media_type)
    name = file_name(dataset, export_format, record_id, utcnow().date())
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-LMS-Export-Id"] = str(record_id)
    return response


def produce_to_storage(record_id: int, dataset: Dataset, export_format: ExportFormat,
                       filters: ExportFilters, scope: ExportScope, locale: str) -> None:
    """A job: write the file to the shared directory (``LMS_EXPORT_DIRECTORY``) or the
    database, reporting progress, then seal the record with the link's expiry."""
    config = current_app.config
    directory = config["LMS_EXPORT_DIRECTORY"]
    expires = utcnow() + dt.timedelta(hours=config["LMS_EXPORT_DOWNLOAD_HOURS"])
    name = f"export-{record_id}-{secrets.token_hex(8)}.{export_format.extension}"
    if directory:
        os.makedirs(directory, exist_ok=True)
        target = os.path.join(directory, name)
    else:
        handle, target = tempfile.mkstemp(suffix="." + export_format.extension,
                                          dir=config["LMS_EXPORT_TEMP_DIRECTORY"])
        os.close(handle)

    def store() -> None:
        if directory:
            operations.store_file_now(record_id, data=None, path=name)
        else:
            with open(target, "rb") as file:
                operations.store_file_now(record_id, data=file.read(), path=None)

    try:
        with open(target, "wb") as output:
            for chunk in produce_chunks(record_id, dataset, export_format, filters, scope, locale,
                                        progress=lambda rows: operations.progress_now(record_id, rows),
                                        before_seal=lambda: (output.flush(), store()),
                                        expires_dt=expires):
                output.write(chunk)
    except BaseException:
        if directory and os.path.exists(target):
            os.unlink(target)
        raise
    finally:
        if not directory and os.path.exists(target):
            os.unlink(target)
