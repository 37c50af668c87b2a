"""The printable catalogue of a province: one card per OCOP product in force today (photo, stars, QR of its verify
page), HTML (catalog/print/province.html) → PDF with WeasyPrint, as the certificates are printed.

Photos and QR codes are embedded as data: URIs and the fetcher refuses every other scheme (certification.documents),
so nothing typed into a product can make the renderer read a file or the network. Photos are shrunk first: a
catalogue of a few hundred cards must not carry every original camera file.
"""

import base64
import datetime
import io

from django.template.loader import render_to_string
from django.utils import timezone

from catalog import queries
from certification.documents import qr_data_uri, verify_url
from products.models import ProductPhoto

THUMBNAIL = (480, 360)


def _thumbnail(photo: ProductPhoto) -> str:
    """The photo as a small JPEG data: URI; "" when the file is missing or unreadable (the card prints without)."""
    from PIL import Image

    try:
        with photo.image.open("rb") as handle, Image.open(handle) as image:
            image = image.convert("RGB")
            image.thumbnail(THUMBNAIL)
            buffer = io.BytesIO()
            image.save(buffer, format="JPEG", quality=80)
    except (OSError, ValueError):
        return ""
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def province_cards(unit, day: datetime.date, *, request=None) -> list[dict]:
    """Every product in force in the province on `day`, best stars first: three queries whatever their number."""
    entries = queries.entries(queries.live_products(day).filter(queries.in_province_q(unit)), day)
    photo_ids = [e.product.photo_id for e in entries if e.product.photo_id]
    photos = {p.pk: p for p in ProductPhoto.objects.filter(pk__in=photo_ids)}
    cards = []
    for entry in entries:
        url = verify_url(entry.certificate.code, request)
        photo = photos.get(entry.product.photo_id)
        cards.append(
            {
                "entry": entry,
                "p": entry.product,
                "c": entry.certificate,
                "photo": _thumbnail(photo) if photo else "",
                "qr": qr_data_uri(url),
                "verify_url": url,
                "full_stars": "★" * entry.stars,
                "empty_stars": "☆" * (5 - entry.stars),
            }
        )
    return cards


def render_province_html(unit, day: datetime.date, *, request=None) -> str:
    context = {
        "unit": unit,
        "today": day,
        "cards": province_cards(unit, day, request=request),
        "printed_at": timezone.localtime(),
    }
    return render_to_string("catalog/print/province.html", context)


def province_catalogue_pdf(unit, day: datetime.date, *, request=None) -> bytes:
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    html = render_province_html(unit, day, request=request)
    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols={"data"})).write_pdf()


def filename(unit, day: datetime.date) -> str:
    return f"danh-muc-san-pham-ocop-tinh-{unit.code}-{day.isoformat()}.pdf"
