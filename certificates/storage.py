"""Where a rendered PDF's bytes live: in its database row (default) or in the shared
directory ``LMS_CERTIFICATE_DIRECTORY`` (several app servers mount the same one)."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from flask import current_app


class MissingFile(RuntimeError):
    """A stored file is gone from the directory (restored backup, wrong mount)."""


def directory() -> Path | None:
    configured = current_app.config["LMS_CERTIFICATE_DIRECTORY"]
    return Path(configured) if configured else None


def write(name: str, data: bytes) -> None:
    """Write ``data`` under ``name`` atomically: a reader never sees half a file."""
    folder = directory()
    folder.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".pdf")
    try:
        with os.fdopen(handle, "wb") as output:
            output.write(data)
            output.flush()
            os.fsync(output.fileno())
        os.replace(temporary, folder / name)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def path_of(name: str) -> Path:
    """Where the stored file ``name`` is; MissingFile when it is not there. A download
    streams from this path rather than reading the whole file into memory first."""
    folder = directory()
    path = folder / name if folder else None
    if path is None or not path.is_file():
        raise MissingFile(f"certificate file {name} is not in LMS_CERTIFICATE_DIRECTORY")
    return path


def read(name: str) -> bytes:
    return path_of(name).read_bytes()
