"""Issue 14, item 6: a product photo whose header states a huge size (a PNG decompression bomb of a few KB), or a
damaged or truncated image, is refused with a clear message on the product page, never a 500."""

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from products.tests.test_register_pages import make_products

pytestmark = pytest.mark.django_db


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that states width × height pixels but holds a few bytes of data: what a decompression bomb looks like
    to a reader of its header."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    idat = zlib.compress(b"\x00" * 4096, 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def real_image(fmt: str, size=(64, 48)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(buffer, fmt)
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def _as_in_production():
    """A running server has rendered a PDF: WeasyPrint's import turns on Pillow's LOAD_TRUNCATED_IMAGES for the whole
    process, so the checks must not rely on Pillow refusing a cut file."""
    import weasyprint.images  # noqa: F401
    from PIL import ImageFile

    assert ImageFile.LOAD_TRUNCATED_IMAGES


@pytest.fixture
def product_page(client, province_officer, unit, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    product = make_products(unit, 1)[0]
    client.force_login(province_officer)

    def post(name: str, content: bytes):
        response = client.post(f"/products/{product.pk}/photos/", {"image": SimpleUploadedFile(name, content)})
        assert response.status_code == 302  # back to the product page, with a message
        page = client.get(response.url).content.decode()
        return page, product.photos.count()

    return post


def test_a_png_stating_20000_by_20000_pixels_is_refused(product_page):
    data = png_header_only(20000, 20000)
    assert len(data) < 10_000
    page, photos = product_page("bom.png", data)
    assert "có kích thước khai báo quá lớn" in page and photos == 0


def test_an_image_over_the_pixel_setting_is_refused(product_page, settings):
    settings.UPLOAD_MAX_IMAGE_PIXELS = 1_000_000
    page, photos = product_page("to.png", png_header_only(2000, 1000))
    assert "quá lớn (2000 × 1000 điểm ảnh); tối đa 1 triệu điểm ảnh" in page and photos == 0


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("cut.jpg", real_image("JPEG", (640, 480))[:-400]),
        ("cut.png", real_image("PNG")[:-30]),
        ("bad.png", b"\x89PNG\r\n\x1a\n" + b"garbage" * 20),
        ("bad.jpg", b"\xff\xd8\xff" + b"\x00" * 200),
    ],
    ids=["truncated-jpeg", "truncated-png", "garbage-png", "garbage-jpeg"],
)
def test_damaged_images_are_refused_with_a_message(product_page, name, content):
    page, photos = product_page(name, content)
    assert "bị hỏng hoặc không đầy đủ" in page and photos == 0


def test_a_real_photo_is_still_accepted(product_page):
    page, photos = product_page("that.jpg", real_image("JPEG", (1200, 900)))
    assert photos == 1 and "Đã thêm ảnh" in page
