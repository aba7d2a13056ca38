"""The evidence file of an external completion: a PDF, PNG or JPEG, told by its content.

Neither the file name nor the browser's content type says what a file is (a page saved
as ``giay-chung-nhan.pdf`` may be HTML with a script). The type is read from the first
bytes — the PDF header ``%PDF-`` with an end-of-file marker, the PNG signature, the
JPEG start-of-image marker — and an image must also decode completely with Pillow (a
truncated or forged image fails), within a pixel budget so a "decompression bomb" is
refused rather than expanded in memory. What is stored and served back is that detected
type, never the one the upload claimed.

No Flask here: callers turn an :class:`EvidenceError` into their own translated message.
"""
from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass
from typing import BinaryIO

#: Most pixels an evidence image may have: a 48-megapixel phone photo passes, a crafted
#: image that would expand to gigabytes does not (Pillow's own guard only warns below 2×
#: its limit).
MAX_IMAGE_PIXELS = 64_000_000
#: How far from the end a PDF's ``%%EOF`` may sit (trailing blank lines, some producers'
#: padding).
_PDF_EOF_WINDOW = 2048

#: Detected type → (Content-Type served, file extension).
TYPES = {
    "pdf": ("application/pdf", "pdf"),
    "png": ("image/png", "png"),
    "jpeg": ("image/jpeg", "jpg"),
}


@dataclass(frozen=True)
class EvidenceError(ValueError):
    """Why a file is refused. ``reason``: ``"empty"``, ``"too_large"`` (more than
    ``limit`` bytes), ``"type"`` (not a PDF, PNG or JPEG by its content) or ``"image"``
    (looks like an image but does not decode, or is too large in pixels)."""

    reason: str
    limit: int = 0

    def __str__(self) -> str:
        return self.reason


@dataclass(frozen=True)
class Evidence:
    """An accepted file: its bytes and what they are."""

    data: bytes
    kind: str
    sha256: str

    @property
    def content_type(self) -> str:
        return TYPES[self.kind][0]

    @property
    def extension(self) -> str:
        return TYPES[self.kind][1]


def read_evidence(stream: BinaryIO, limit: int) -> Evidence:
    """Read at most ``limit`` bytes of ``stream`` (one more tells it is too large, without
    reading the rest into memory) and check what they are."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise EvidenceError("too_large", limit)
    return check_evidence(data)


def check_evidence(data: bytes) -> Evidence:
    if not data:
        raise EvidenceError("empty")
    kind = sniff(data)
    if kind is None:
        raise EvidenceError("type")
    if kind in ("png", "jpeg"):
        _check_image(data, kind)
    return Evidence(data=data, kind=kind, sha256=hashlib.sha256(data).hexdigest())


def sniff(data: bytes) -> str | None:
    """"pdf", "png" or "jpeg" from the content, None for anything else."""
    if data.startswith(b"%PDF-") and b"%%EOF" in data[-_PDF_EOF_WINDOW:]:
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    return None


def _check_image(data: bytes, kind: str) -> None:
    """The image decodes completely as the format its signature says."""
    from PIL import Image, UnidentifiedImageError

    expected = {"png": "PNG", "jpeg": "JPEG"}[kind]
    try:
        with warnings.catch_warnings():
            # Pillow warns (and only warns) about big images: here that is a refusal.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[expected]) as image:
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS:
                    raise EvidenceError("image")
                image.load()  # decodes every pixel: a truncated file fails here
    except EvidenceError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError,
            Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise EvidenceError("image") from None
