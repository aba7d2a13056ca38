"""Phone-sized copies of a pack's photos, made once at import (Pillow, no Flask).

A 1,600 px photo sent to a 360 px phone costs a slow mobile connection several times the
bytes it can show. At import every raster image wider than the smallest width below gets
copies at the widths it exceeds, never upscaled, in its own format; the lesson's ``<img>``
then offers them with ``srcset`` and the browser picks one (courses.rendering).

The copies are stored as rows of ``lms_course_media`` next to the original, under
``<width>w/<original path>`` (``360w/media/photo.jpg``): a pack's own files always start
with ``media/``, so the two can never collide, and the media route serves both with the
same access rule and ETag. Copies are deterministic (same bytes in → same bytes out with
one Pillow build): metadata is dropped, encoder settings are fixed.
"""
from __future__ import annotations

import io
import re
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps

#: Widths offered: a 360 px phone, the same at DPR 2 (or the 42rem lesson column), DPR 3.
WIDTHS = (360, 720, 1080)
#: Formats resized; GIF (often animated) and SVG (scales itself) are served as they are.
RESIZED_TYPES = {"image/png": "PNG", "image/jpeg": "JPEG", "image/webp": "WEBP"}
#: Larger images are left alone rather than decoded: a 2 MB file can claim a huge canvas
#: (a decompression bomb), and no lesson photo needs more.
MAX_PIXELS = 40_000_000
_SAVE_OPTIONS = {
    "PNG": {"optimize": True},
    "JPEG": {"quality": 82, "optimize": True, "progressive": True},
    "WEBP": {"quality": 80, "method": 4},
}
_VARIANT_PATH = re.compile(r"(?P<width>[0-9]{1,5})w/(?P<path>media/.+)\Z")


@dataclass(frozen=True)
class Variant:
    width: int
    height: int
    data: bytes


@dataclass(frozen=True)
class ImageSizes:
    """An image's displayed size (EXIF orientation applied) and its smaller copies."""

    width: int
    height: int
    variants: tuple[Variant, ...] = ()


def variant_path(width: int, path: str) -> str:
    """Where the copy of ``path`` at ``width`` is stored and served."""
    return f"{width}w/{path}"


def is_variant_path(path: str) -> bool:
    """True for a stored copy's path (``360w/media/…``), False for a pack's own file."""
    return _VARIANT_PATH.match(path) is not None


def prepare(data: bytes, content_type: str, *, max_path: int | None = None,
            path: str = "") -> ImageSizes | None:
    """The image's size and its copies, or None when it cannot or need not be measured.

    None for SVG and GIF, for a file Pillow cannot read and for one above MAX_PIXELS: the
    lesson then shows it as before, a plain ``<img>``. ``max_path`` (the stored path's
    column length) skips copies whose path would not fit.
    """
    image_format = RESIZED_TYPES.get(content_type)
    if image_format is None:
        return None
    widths = [width for width in WIDTHS
              if max_path is None or len(variant_path(width, path)) <= max_path]
    try:
        with warnings.catch_warnings():
            # Pillow warns about odd but readable files (corrupt EXIF): nothing to act on
            # here. A decompression bomb is refused.
            warnings.simplefilter("ignore")
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as opened:
                if opened.width * opened.height > MAX_PIXELS:
                    return None
                image = ImageOps.exif_transpose(opened)
                variants = [_resized(image, width, image_format)
                            for width in widths if width < image.width]
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombWarning,
            Image.DecompressionBombError):
        return None  # not a readable image after all: served as it is, a plain <img>
    # A copy no smaller than the original saves nothing (a flat drawing as PNG).
    return ImageSizes(image.width, image.height,
                      tuple(variant for variant in variants if len(variant.data) < len(data)))


def _resized(image: Image.Image, width: int, image_format: str) -> Variant:
    height = max(1, round(image.height * width / image.width))
    copy = _for_format(image, image_format).resize((width, height), Image.Resampling.LANCZOS)
    if image.mode == "P" and image_format == "PNG":
        # A drawing or screenshot stored with a palette stays one: in full colour its
        # copy could weigh more than the original. Fast octree keeps the transparency.
        copy = copy.quantize(256, method=Image.Quantize.FASTOCTREE)
    buffer = io.BytesIO()
    copy.save(buffer, format=image_format, **_SAVE_OPTIONS[image_format])
    return Variant(width, height, buffer.getvalue())


def _for_format(image: Image.Image, image_format: str) -> Image.Image:
    """A mode LANCZOS can resize and the format can store (palette and 16-bit are not)."""
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    if image_format == "JPEG":
        return image if image.mode in ("L", "RGB") else image.convert("RGB")
    if image.mode in (("RGB", "RGBA") if image_format == "WEBP" else ("L", "RGB", "RGBA")):
        return image
    return image.convert("RGBA" if has_alpha else "RGB")
