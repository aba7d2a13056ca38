"""Static files under content-hashed names, cached for a year.

``url_for("lms.static", filename="lms.css")`` builds ``/static/lms.3f9a1c2b7d.css``: the
name changes whenever the bytes do, so a browser may keep the file a year without asking
again (``immutable``), and a release is seen at once, because the page names the new file.
Every template keeps writing the plain name; the hash is added when the URL is built
(:func:`hash_static_filename`, a ``url_defaults`` hook) and removed when it is served
(:func:`split_hashed_name`). A plain name is still served, for a day, for pages cached
before a release.
"""
from __future__ import annotations

import hashlib
import re
import time
from functools import lru_cache
from pathlib import Path

#: Seconds a hashed file may be kept: a year, the most RFC 9111 caches honour in practice.
HASHED_MAX_AGE = 365 * 24 * 3600
#: Seconds a plain (unhashed) name may be kept before the browser revalidates it.
PLAIN_MAX_AGE = 86400
_HASH_LENGTH = 10
_HASHED = re.compile(rf"^(?P<stem>.+)\.(?P<digest>[0-9a-f]{{{_HASH_LENGTH}}})(?P<suffix>\.[A-Za-z0-9]+)$")


@lru_cache(maxsize=256)
def _digest(path: Path, modified_ns: int, size: int) -> str:
    """Hash of a file's bytes; the key holds its modification time, so an edited file
    (a developer's CSS) gets a new name without restarting the server."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:_HASH_LENGTH]


def file_digest(folder: Path, filename: str) -> str | None:
    """The content hash of ``folder/filename``, or None when there is no such file."""
    path = (folder / filename).resolve()
    if folder.resolve() not in path.parents or not path.is_file():
        return None
    stat = path.stat()
    return _digest(path, stat.st_mtime_ns, stat.st_size)


def hashed_name(folder: Path, filename: str) -> str:
    """``lms.css`` → ``lms.<hash>.css``; a missing file keeps its name (a 404 later)."""
    digest = file_digest(folder, filename)
    if digest is None:
        return filename
    stem, dot, suffix = filename.rpartition(".")
    if not dot or "/" in suffix:
        return f"{filename}.{digest}"
    return f"{stem}.{digest}.{suffix}"


#: Seconds a built name is reused before the file is looked at again: pages name three
#: files each, and a stat and a path resolve per name cost more than the rest of the
#: URL; an edited file still gets its new name within this delay, without a restart.
RECHECK_SECONDS = 2.0
_recent: dict[tuple[Path, str], tuple[float, str]] = {}


def recent_hashed_name(folder: Path, filename: str) -> str:
    """:func:`hashed_name`, remembered for :data:`RECHECK_SECONDS` (the URL builder's)."""
    key = (folder, filename)
    now = time.monotonic()
    seen = _recent.get(key)
    if seen is not None and now - seen[0] < RECHECK_SECONDS:
        return seen[1]
    name = hashed_name(folder, filename)
    if len(_recent) > 256:  # templates name a handful of files; never let it grow
        _recent.clear()
    _recent[key] = (now, name)
    return name


def split_hashed_name(folder: Path, requested: str) -> tuple[str, bool]:
    """The real file name behind ``requested`` and whether the hash in it is the current
    one. An outdated hash is served as a plain name (short cache), never for a year."""
    match = _HASHED.match(requested)
    if match is None:
        return requested, False
    filename = match["stem"] + match["suffix"]
    return filename, file_digest(folder, filename) == match["digest"]
