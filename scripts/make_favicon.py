"""Draw lms/static/favicon.ico: the open book of favicon.svg, for browsers and tools that
ask for /favicon.ico. Run again only when the drawing changes: `python scripts/make_favicon.py`."""
from pathlib import Path

from PIL import Image, ImageDraw

STATIC = Path(__file__).resolve().parent.parent / "lms" / "static"
SCALE = 8  # drawn large on the 64-unit grid of the SVG, then reduced: smooth edges


def draw(size: int = 64 * SCALE) -> Image.Image:
    unit = size / 64
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    pen.rounded_rectangle((0, 0, size - 1, size - 1), radius=12 * unit, fill="#083d6d")
    # The two pages: straight lines where the SVG has a gentle curve.
    for page in ([(8, 18), (20, 15), (31, 20), (31, 50), (20, 46), (8, 48)],
                 [(56, 18), (44, 15), (33, 20), (33, 50), (44, 46), (56, 48)]):
        pen.polygon([(x * unit, y * unit) for x, y in page], fill="#ffffff")
    pen.ellipse((42 * unit, 8 * unit, 54 * unit, 20 * unit), fill="#f0b400")
    return image


if __name__ == "__main__":
    draw().save(STATIC / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48)])
