"""Printable certificate: HTML (certification/pdf/certificate.html) → PDF with WeasyPrint, with a QR code that opens
the public verify page, so a printed or photographed certificate always leads to the live state.

The issuing authority is named as on the decision's letterhead ("UBND TỈNH ĐIỆN BIÊN", "UBND HUYỆN MƯỜNG ẢNG",
"BỘ NÔNG NGHIỆP VÀ MÔI TRƯỜNG"), by `issuing_authority`; the minutes head with `committee_of` the same way.
"""

import base64
import datetime
import io
from dataclasses import dataclass

import qrcode
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from qrcode.constants import ERROR_CORRECT_M

from certification.choices import IssuingLevel
from certification.models import Certificate, Decision
from certification.queries import state_on

# Nghị định 35/2025/NĐ-CP: from 01/03/2025 the Ministry of Agriculture and Rural Development and the Ministry of Natural
# Resources and Environment are one ministry, "Bộ Nông nghiệp và Môi trường".
MINISTRY_RENAMED_ON = datetime.date(2025, 3, 1)


def verify_url(code: str, request=None) -> str:
    """The absolute address of the public verify page of a certificate code: under SITE_URL when it is set, else under
    the address the request came in on; the bare path when there is neither (a print made outside a request)."""
    path = reverse("verify:certificate", args=[code])
    site = (getattr(settings, "SITE_URL", "") or "").rstrip("/")
    if site:
        return site + path
    if request is not None:
        return request.build_absolute_uri(path)
    return path


def qr_payload(certificate: Certificate, request=None) -> str:
    """What the QR code on the certificate encodes: SITE_URL (or the request's address) + /verify/<code>/."""
    return verify_url(certificate.code, request)


# --------------------------------------------------------------------------------------------------------------------
# The issuing authority


@dataclass(frozen=True)
class Authority:
    name: str  # as written in a sentence: "UBND tỉnh Điện Biên"
    heading: str  # as on the letterhead: "UBND TỈNH ĐIỆN BIÊN"
    on_behalf: str  # the signature block's first line: "TM. ỦY BAN NHÂN DÂN" ("" for a minister)
    signer: str  # "CHỦ TỊCH", "BỘ TRƯỞNG"
    place: str  # the place of the date line: "Điện Biên, ngày … tháng … năm …"


def _type_and_name(unit) -> tuple[str, str]:
    """("tỉnh", "Điện Biên") from "Tỉnh Điện Biên"; the type word is lower-cased as in running text."""
    name, short = unit.name, unit.short_name or unit.name
    if name.endswith(short) and name != short:
        return name[: len(name) - len(short)].strip().lower(), short
    return "", name


def committee_of(unit) -> Authority:
    """The people's committee of a province or district: "UBND tỉnh Điện Biên" / "UBND TỈNH ĐIỆN BIÊN"."""
    type_word, short = _type_and_name(unit)
    name = _("UBND %(unit)s") % {"unit": f"{type_word} {short}".strip()}
    return Authority(
        name=name,
        heading=name.upper(),
        on_behalf=_("TM. ỦY BAN NHÂN DÂN"),
        signer=_("CHỦ TỊCH"),
        place=short,
    )


def ministry_on(day: datetime.date) -> Authority:
    name = (
        _("Bộ Nông nghiệp và Môi trường") if day >= MINISTRY_RENAMED_ON else _("Bộ Nông nghiệp và Phát triển nông thôn")
    )
    return Authority(name=name, heading=name.upper(), on_behalf="", signer=_("BỘ TRƯỞNG"), place=_("Hà Nội"))


def issuing_authority(decision: Decision, product=None) -> Authority:
    """Who issued a decision, by its level: the ministry (named as on the decision's date), the province's people's
    committee, or for a district decision the committee of the product's district (the old district: districts were
    abolished on 01/07/2025). A name the office typed on the decision (`issuer`) wins over the derived one."""
    if decision.issuing_level == IssuingLevel.MINISTRY:
        authority = ministry_on(decision.date)
    elif decision.issuing_level == IssuingLevel.DISTRICT:
        district = None
        if product is not None:
            district = product.location.district or product.old_district
        if district is not None:
            authority = committee_of(district)
        else:
            _type, province = _type_and_name(decision.province)
            name = _("UBND cấp huyện, %(province)s") % {"province": decision.province.name}
            authority = Authority(
                name=name,
                heading=name.upper(),
                on_behalf=_("TM. ỦY BAN NHÂN DÂN"),
                signer=_("CHỦ TỊCH"),
                place=province,
            )
    else:
        authority = committee_of(decision.province)
    issuer = (decision.issuer or "").strip()
    if issuer:
        authority = Authority(
            name=issuer,
            heading=issuer.upper(),
            on_behalf=authority.on_behalf,
            signer=authority.signer,
            place=authority.place,
        )
    return authority


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


def certificate_context(certificate: Certificate, *, now=None, request=None) -> dict:
    now = timezone.localtime(now or timezone.now())
    payload = qr_payload(certificate, request)
    product = certificate.product
    return {
        "authority": issuing_authority(certificate.decision, product),
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


def render_certificate_html(certificate: Certificate, *, now=None, request=None) -> str:
    return render_to_string(
        "certification/pdf/certificate.html", certificate_context(certificate, now=now, request=request)
    )


def render_certificate_pdf(certificate: Certificate, *, now=None, request=None) -> bytes:
    """The certificate as a one-page A4 landscape PDF.

    The template carries its own print CSS and embeds the QR code as a data: URI; the fetcher refuses every other
    scheme, so nothing written into a product or producer name can make the renderer read a file or the network.
    """
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    html = render_certificate_html(certificate, now=now, request=request)
    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols={"data"})).write_pdf()


def certificate_filename(certificate: Certificate) -> str:
    return f"giay-chung-nhan-ocop-{certificate.code}.pdf"
