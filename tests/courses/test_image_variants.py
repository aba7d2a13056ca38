"""Pack photos resized at import and offered with srcset (issue 13, point 10)."""
from __future__ import annotations

import io
import re
from html.parser import HTMLParser
from urllib.parse import unquote

import pytest
import sqlalchemy as sa
from PIL import Image

from courses import image_variants, operations
from courses.models import CourseMedia
from courses.pack_export import pack_files_of
from courses.pack_operations import import_pack
from courses.pack_validation import validate_pack
from courses.rendering import IMAGE_SIZES, sanitise_html
from tests.conftest import PASSWORD
from tests.courses.image_helpers import PHOTO, SMALL, photo, photo_pack


def decoded(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


# --- the pure part -------------------------------------------------------------------

def test_a_wide_photo_gets_copies_at_every_smaller_width_that_decode():
    sizes = image_variants.prepare(photo(1600, 1200), "image/jpeg")

    assert (sizes.width, sizes.height) == (1600, 1200)
    assert [(v.width, v.height) for v in sizes.variants] == [(360, 270), (720, 540), (1080, 810)]
    for variant in sizes.variants:
        image = decoded(variant.data)
        assert image.format == "JPEG" and image.size == (variant.width, variant.height)


@pytest.mark.parametrize("image_format", ["PNG", "JPEG", "WEBP"])
def test_copies_are_the_same_bytes_every_time(image_format):
    data = photo(1200, 800, image_format)
    content_type = f"image/{image_format.lower()}"
    first, second = (image_variants.prepare(data, content_type) for _ in range(2))
    assert first.variants and [v.data for v in first.variants] == [v.data for v in second.variants]


def test_a_narrow_image_is_never_upscaled():
    sizes = image_variants.prepare(photo(300, 200, "PNG"), "image/png")
    assert (sizes.width, sizes.height, sizes.variants) == (300, 200, ())


def test_between_widths_only_the_smaller_copies_are_made():
    sizes = image_variants.prepare(photo(800, 400, "WEBP"), "image/webp")
    assert [v.width for v in sizes.variants] == [360, 720]
    assert decoded(sizes.variants[0].data).format == "WEBP"


def test_exif_rotation_is_applied_and_metadata_dropped():
    image = Image.open(io.BytesIO(photo(1600, 1200)))
    exif = image.getexif()
    exif[0x0112] = 6  # orientation: shown rotated by 90°, as phones store portrait photos
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)

    sizes = image_variants.prepare(buffer.getvalue(), "image/jpeg")

    assert (sizes.width, sizes.height) == (1200, 1600)
    assert decoded(sizes.variants[0].data).size == (360, 480)
    assert not decoded(sizes.variants[0].data).getexif()  # no camera data (place, device) kept


def test_a_palette_png_stays_a_palette_png_with_its_transparency():
    buffer = io.BytesIO()
    Image.effect_mandelbrot((900, 300), (-2, -1, 1, 1), 40).convert("P").save(
        buffer, format="PNG", transparency=0)

    sizes = image_variants.prepare(buffer.getvalue(), "image/png")

    copies = [decoded(v.data) for v in sizes.variants]
    assert [(copy.width, copy.mode) for copy in copies] == [(360, "P"), (720, "P")]
    assert all(copy.convert("RGBA").getextrema()[3][0] == 0 for copy in copies)  # still see-through


@pytest.mark.parametrize(("data", "content_type"), [
    (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "image/svg+xml"),
    (photo(1600, 1200, "GIF"), "image/gif"),
    (b"\x89PNG\r\n\x1a\nnot really", "image/png"),
])
def test_svg_gif_and_unreadable_files_are_left_alone(data, content_type):
    assert image_variants.prepare(data, content_type) is None


def test_a_claimed_huge_canvas_is_not_decoded(monkeypatch):
    monkeypatch.setattr(image_variants, "MAX_PIXELS", 1000 * 1000)
    assert image_variants.prepare(photo(1600, 1200), "image/jpeg") is None


def test_variant_paths_never_look_like_pack_files():
    assert image_variants.variant_path(360, PHOTO) == "360w/" + PHOTO
    assert image_variants.is_variant_path("360w/" + PHOTO)
    assert not image_variants.is_variant_path(PHOTO)


def test_the_sanitiser_keeps_only_our_srcset_and_sizes():
    ours = (f'<img src="a.jpg" srcset="360w/a.jpg 360w, a.jpg 1600w" sizes="{IMAGE_SIZES}" '
            'width="1600" height="1200">')
    assert sanitise_html(ours) == ours
    hostile = sanitise_html('<img src="a.jpg" srcset="javascript:alert(1) 360w, a.jpg 2x" '
                            'sizes="100vw" width="100%" height="x">')
    assert hostile == '<img src="a.jpg">'


# --- import, lesson page, media route ---------------------------------------------------

class _Images(HTMLParser):
    def __init__(self):
        super().__init__()
        self.images: list[dict] = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.images.append(dict(attrs))


def lesson_images(page: str) -> list[dict]:
    parser = _Images()
    parser.feed(re.search(r'<article class="lms-lesson".*?</article>', page, re.DOTALL).group(0))
    return parser.images


@pytest.fixture
def photo_course(app, db, app_context, create_learner):
    def make(*, publish=True, code="PHOTO1"):
        pack, errors = validate_pack(photo_pack(code), app.extensions["lms"].pack_parts)
        assert errors == [], errors
        with app_context():
            course = import_pack(pack, publish=publish).course
            db.commit()
        return course

    return make


def signed_in(app, username):
    client = app.test_client()
    assert client.post("/auth/login", data={"username": username, "password": PASSWORD}).status_code == 302
    return client


def stored(db, course_id) -> dict[str, bytes]:
    return dict(db.execute(sa.select(CourseMedia.path, CourseMedia.data)
                           .where(CourseMedia.course_id == course_id)).all())


def test_import_stores_decodable_copies_of_the_wide_photo_only(db, photo_course):
    course = photo_course()

    media = stored(db, course.id)

    assert set(media) == {"media/pic.png", PHOTO, SMALL, *(f"{w}w/{PHOTO}" for w in (360, 720, 1080))}
    for width in (360, 720, 1080):
        assert decoded(media[f"{width}w/{PHOTO}"]).size == (width, width * 3 // 4)


def test_the_lesson_offers_the_copies_and_each_is_served_like_the_original(
        app, db, app_context, photo_course, create_learner):
    course = photo_course()
    learner = create_learner("Đinh Văn Ảnh", username="anh")
    with app_context():
        operations.enrol(learner, course)
        db.commit()
    client = signed_in(app, "anh")

    wide, small = [image for image in lesson_images(client.get("/courses/PHOTO1/lessons/1").text)
                   if "pic.png" not in image["src"]]

    base = f"/course-media/{course.id}/"
    candidates = [entry.rsplit(" ", 1) for entry in wide["srcset"].split(", ")]
    assert [descriptor for _url, descriptor in candidates] == ["360w", "720w", "1080w", "1600w"]
    assert [unquote(url) for url, _d in candidates] == [
        *(f"{base}{w}w/{PHOTO}" for w in (360, 720, 1080)), base + PHOTO]
    assert unquote(wide["src"]) == f"{base}720w/{PHOTO}"  # a phone-sized fallback
    assert (wide["sizes"], wide["width"], wide["height"]) == (IMAGE_SIZES, "1600", "1200")
    for url, descriptor in candidates:
        response = client.get(url)
        assert response.status_code == 200 and response.mimetype == "image/jpeg", url
        assert decoded(response.data).width == int(descriptor[:-1])
        assert "immutable" in response.headers["Cache-Control"]
        again = client.get(url, headers={"If-None-Match": response.headers["ETag"]})
        assert again.status_code == 304 and again.data == b""
    # The 300 px image keeps its size (no layout shift) and gets no copy to choose from.
    assert "srcset" not in small and (small["width"], small["height"]) == ("300", "200")
    assert small["src"] == base + SMALL


def test_a_drafts_copies_are_for_authors_only(app, photo_course, create_learner):
    from lms.accounts.models import Role

    course = photo_course(publish=False)
    create_learner("Học Viên Nháp", username="nhap")
    create_learner("Tác Giả Ảnh", username="tacgia", roles=[Role.AUTHOR])
    url = f"/course-media/{course.id}/360w/{PHOTO}"

    assert signed_in(app, "nhap").get(url).status_code == 404
    assert signed_in(app, "tacgia").get(url).status_code == 200


def test_an_exported_pack_holds_the_original_photo_and_no_copies(app, db, app_context, photo_course):
    course = photo_course()
    with app_context():
        files = pack_files_of(db.get(type(course), course.id))
        _pack, errors = validate_pack(files, app.extensions["lms"].pack_parts)

    assert not any(image_variants.is_variant_path(name) for name in files)
    assert errors == [] and files[PHOTO] == photo_pack("PHOTO1")[PHOTO]
