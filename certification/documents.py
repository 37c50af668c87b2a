"""Printable certificate: HTML (certification/pdf/certificate.html) → PDF with WeasyPrint, with a QR code that opens
the public verify page, so a printed or photographed certificate always leads to the live state."""

import base64
import io

import qrcode
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from qrcode.constants import ERROR_CORRECT_M

from certification.models import Certificate
from certification.queries import state_on


def verify_url(code: str) -> str:
    """The absolute address of the public verify page of a certificate code."""
    return settings.SITE_URL.rstrip("/") + reverse("verify:certificate", args=[code])


def qr_payload(certificate: Certificate) -> str:
    """What the QR code on the certificate encodes: SITE_URL + /verify/<code>/."""
    return verify_url(certificate.code)


def qr_png(data: str) -> bytes:
    """A QR code as PNG: error correction M (a worn or partly covered print still reads), a 4-module quiet zone."""
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=10, border=4)
    qr.add_data(data)
    qr.make(fit=True)
    buffer = io.BytesIO()
    qr.make_image(fill_color="black", back_color="white").save(buffer, format="PNG")
    return buffer.getvalue()


def qr_data_uri(data: str) -> str:
    return "data:image/png;base64," + base64.b64encode(qr_png(data)).decode("ascii")


def _name_size(name: str) -> str:
    """A smaller type for longer product names (up to 255 characters), so the certificate stays on one page."""
    length = len(name)
    if length <= 45:
        return ""
    if length <= 90:
        return "long"
    if length <= 160:
        return "longer"
    return "longest"


def certificate_context(certificate: Certificate, *, now=None) -> dict:
    now = timezone.localtime(now or timezone.now())
    payload = qr_payload(certificate)
    product = certificate.product
    return {
        "c": certificate,
        "p": product,
        "name_size": _name_size(product.name),
        "dense": len(product.producer.name) > 90 or len(product.name) > 160,
        "full_stars": "★" * certificate.stars,
        "empty_stars": "☆" * (5 - certificate.stars),
        "qr": qr_data_uri(payload),
        "verify_url": payload,
        "printed_at": now,
        "state": state_on(certificate, now.date()),
    }


def render_certificate_html(certificate: Certificate, *, now=None) -> str:
    return render_to_string("certification/pdf/certificate.html", certificate_context(certificate, now=now))


def render_certificate_pdf(certificate: Certificate, *, now=None) -> bytes:
    """The certificate as a one-page A4 landscape PDF.

    The template carries its own print CSS and embeds the QR code as a data: URI; the fetcher refuses every other
    scheme, so nothing written into a product or producer name can make the renderer read a file or the network.
    """
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    html = render_certificate_html(certificate, now=now)
    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols={"data"})).write_pdf()


def certificate_filename(certificate: Certificate) -> str:
    return f"giay-chung-nhan-ocop-{certificate.code}.pdf"
