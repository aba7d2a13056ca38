"""Photo-like images and a pack that shows them, for tests/courses/test_image_variants.py
and tests/browser/test_browser_lesson_images.py."""
from __future__ import annotations

import io

from PIL import Image

from tests.conftest import pack_files

#: A name with a space and Vietnamese letters: srcset URLs must be quoted to hold it.
PHOTO = "media/ảnh lớn.jpg"
SMALL = "media/nho.png"


def photo(width: int, height: int, image_format: str = "JPEG", **save) -> bytes:
    """A photo-like image (a gradient with detail), so resized copies are really smaller."""
    image = Image.merge("RGB", [Image.linear_gradient("L").resize((width, height)),
                                Image.radial_gradient("L").resize((width, height)),
                                Image.effect_mandelbrot((width, height), (-2, -1.2, 1, 1.2), 60)])
    buffer = io.BytesIO()
    image.save(buffer, format=image_format, **save)
    return buffer.getvalue()


def photo_pack(code: str) -> dict:
    files = pack_files(code=code)
    for lang in ("vi", "en"):
        files[f"lessons/01-bai-1.{lang}.md"] += (
            f"\n![Ảnh chụp màn hình](<{PHOTO}>)\n\n![Biểu tượng nhỏ]({SMALL})\n").encode()
    files[PHOTO] = photo(1600, 1200)
    files[SMALL] = photo(300, 200, "PNG")
    return files
