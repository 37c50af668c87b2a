"""An uploaded product photo appears on the product page (issue 14: the page read a variable nobody set)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from producers.services import create_producer
from products.models import ProductCategory
from products.services import create_product

pytestmark = pytest.mark.django_db


def test_an_uploaded_photo_is_shown_on_the_product_page(client, province_officer, unit):
    producer = create_producer(actor=None, name="HTX Thanh Nưa", producer_type="htx", location=unit("2025:03328"))
    group = ProductCategory.objects.get(system="148", code="thuc-pham")
    product = create_product(actor=None, name="Gạo tám", producer=producer, group=group, location=unit("2025:03328"))
    client.force_login(province_officer)
    assert "Chưa có ảnh." in client.get(f"/products/{product.pk}/").content.decode()
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(buffer, "PNG")
    upload = SimpleUploadedFile("anh.png", buffer.getvalue(), content_type="image/png")
    client.post(f"/products/{product.pk}/photos/", {"image": upload, "caption": "Ruộng lúa"})
    photo = product.photos.get()
    page = client.get(f"/products/{product.pk}/").content.decode()
    assert f'src="/products/{product.pk}/photos/{photo.pk}/"' in page and 'alt="Ruộng lúa"' in page
    assert "Chưa có ảnh." not in page
    assert client.get(f"/products/{product.pk}/photos/{photo.pk}/").status_code == 200
