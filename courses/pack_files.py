"""Reading a content pack's files from a folder or a .zip, safely.

Only the file layout of docs/content-packs.md is accepted; a zip cannot write outside
its own tree (zip-slip), cannot be a zip bomb, and holds only allowed file types.
"""
from __future__ import annotations

import io
import posixpath
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from lms.i18n import _

MAX_FILES = 200
MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_TOTAL_BYTES = 20 * 1024 * 1024
IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
               ".gif": "image/gif", ".webp": "image/webp",
               # Checked element by element before import (courses.svg_safety).
               ".svg": "image/svg+xml"}
#: Files a pack may hold besides lessons/, media/ and the parts of other features (any
#: top-level ``*.yaml``: which of those this site understands is the pack-part
#: registry's business, checked by ``courses.pack_validation``).
TOP_LEVEL_FILES = {"course.yaml", "README.md"}
#: Longest path inside a pack: an image's path is stored in a 200-character column.
MAX_PATH_LENGTH = 200


@dataclass(frozen=True)
class PackError:
    """One problem: the file inside the pack, the line where known, what is wrong."""

    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"


class PackFilesError(ValueError):
    def __init__(self, errors: list[PackError]):
        super().__init__("; ".join(str(error) for error in errors))
        self.errors = errors


def read_folder(folder: Path) -> dict[str, bytes]:
    if not (folder / "course.yaml").is_file():
        raise PackFilesError([PackError("course.yaml", None, _("The pack has no course.yaml."))])
    files = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not any(part.startswith(".") for part in path.relative_to(folder).parts):
            files[path.relative_to(folder).as_posix()] = path.read_bytes()
    _check_layout(files)
    return files


def read_zip(data: bytes) -> dict[str, bytes]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise PackFilesError([PackError("(zip)", None, _("The file is not a valid .zip archive."))]) from None
    entries = [info for info in archive.infolist() if not info.is_dir()]
    errors = []
    if len(entries) > MAX_FILES:
        errors.append(PackError("(zip)", None, _("The archive holds more than %(count)d files.", count=MAX_FILES)))
    if sum(info.file_size for info in entries) > MAX_TOTAL_BYTES:
        errors.append(PackError("(zip)", None, _("The unpacked pack would be larger than %(size)d MB.",
                                                 size=MAX_TOTAL_BYTES // (1024 * 1024))))
    for info in entries:
        if not _is_safe_member(info.filename):
            errors.append(PackError(info.filename, None, _("Unsafe path in the archive.")))
    if errors:
        raise PackFilesError(errors)
    # macOS adds __MACOSX/ next to a zipped folder: drop it before looking for that folder.
    entries = [info for info in entries if not info.filename.startswith("__MACOSX/")]
    prefix = _common_folder([info.filename for info in entries])
    files = {}
    for info in entries:
        name = info.filename[len(prefix):]
        if name.startswith(".") or "/." in name:
            continue
        try:
            with archive.open(info) as member:
                content = member.read(MAX_FILE_BYTES + 1)  # never trust the declared size
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError):
            # A corrupt member (bad CRC, truncated data), an unknown compression or encryption.
            raise PackFilesError([PackError("(zip)", None,
                                            _("The file is not a valid .zip archive."))]) from None
        files[name] = content
    _check_layout(files)
    return files


def _is_safe_member(name: str) -> bool:
    if "\\" in name or name.startswith("/") or "\x00" in name:
        return False
    normalised = posixpath.normpath(name)
    return not (normalised.startswith("..") or posixpath.isabs(normalised))


def _common_folder(names: list[str]) -> str:
    """"pack/" when every entry sits in one folder (a zipped folder), else ""."""
    if "course.yaml" in names:
        return ""
    firsts = {name.split("/", 1)[0] for name in names}
    if len(firsts) == 1 and all("/" in name for name in names):
        return firsts.pop() + "/"
    return ""


def _check_layout(files: dict[str, bytes]) -> None:
    errors = []
    if "course.yaml" not in files:
        errors.append(PackError("course.yaml", None, _("The pack has no course.yaml.")))
    for name, content in files.items():
        if len(name) > MAX_PATH_LENGTH:
            errors.append(PackError(name[:60] + "…", None, _(
                "The file name is longer than %(max)d characters.", max=MAX_PATH_LENGTH)))
            continue
        if len(content) > MAX_FILE_BYTES:
            errors.append(PackError(name, None, _("The file is larger than %(size)d MB.",
                                                  size=MAX_FILE_BYTES // (1024 * 1024))))
        if name in TOP_LEVEL_FILES or ("/" not in name and name.endswith(".yaml")):
            continue
        folder, _slash, rest = name.partition("/")
        if folder == "lessons" and "/" not in rest and rest.endswith(".md"):
            continue
        if folder == "media" and "/" not in rest and posixpath.splitext(rest)[1].lower() in IMAGE_TYPES:
            continue
        errors.append(PackError(name, None, _(
            "This file is not allowed in a pack: only course.yaml, quiz.yaml, lessons/*.md "
            "and images (png, jpg, gif, webp, svg) in media/.")))
    if errors:
        raise PackFilesError(errors)
