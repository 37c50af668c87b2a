"""The public catalogue's pages: a product, a producer, a province, the printable province catalogue, open data, and
the photos those pages show. No login; anonymous answers are cached by data version (core.pagecache).

A buyer must never be misled: every star shown is the certificate the product holds today in the verify page's
state (catalog.queries), and an expired or revoked product says so before anything else.
"""

import datetime
import json
from contextlib import suppress

from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import _json_script_escapes
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from areas.choices import Scheme
from areas.queries import Country, current_province
from catalog import opendata, printing, queries
from certification.choices import CertificateState
from certification.documents import issuing_authority, qr_png, verify_url
from core.errors import DomainError
from core.pagecache import public_page
from products.models import Product, ProductPhoto
from programme.channel_queries import public_channels
from programme.event_queries import events_attended

PAGE_SIZE = 48
PHOTO_TYPES = {".png": "image/png", ".webp": "image/webp", ".gif": "image/gif"}


def _today() -> datetime.date:
    return timezone.localdate()


def _site() -> str:
    from django.conf import settings

    return (getattr(settings, "SITE_URL", "") or "").rstrip("/")


def absolute_url(request, path: str) -> str:
    """Under SITE_URL when set (as the QR codes are), else the address the request came in on."""
    site = _site()
    return site + path if site else request.build_absolute_uri(path)


def photo_url(photo_id: int, product_id: int) -> str:
    return reverse("catalog:photo", args=[product_id, photo_id])


def _json_ld(data: dict) -> str:
    # Escaped as json_script escapes, so no text of a product can close the <script> element.
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_json_script_escapes))


def product_json_ld(request, entry, photos, producer_url: str) -> dict:
    """schema.org Product. OCOP stars are an award of the state programme, not a rating by buyers: they are given as
    `award` and an `additionalProperty`, never as `aggregateRating`; only while the certificate is in force."""
    product, certificate = entry.product, entry.certificate
    data = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product.name,
        "url": absolute_url(request, reverse("catalog:product", args=[product.pk])),
        "brand": {"@type": "Organization", "name": product.producer.name, "url": producer_url},
        "category": product.subgroup.name if product.subgroup_id else product.group.name,
    }
    if product.description:
        data["description"] = product.description
    if photos:
        data["image"] = [absolute_url(request, photo_url(p.pk, product.pk)) for p in photos]
    if entry.is_live:
        data["award"] = _("Sản phẩm OCOP %(n)s sao (Quyết định số %(no)s ngày %(d)s)") % {
            "n": certificate.stars,
            "no": certificate.decision.number,
            "d": certificate.decision.date.strftime("%d/%m/%Y"),
        }
        data["additionalProperty"] = [
            {"@type": "PropertyValue", "name": _("Hạng sao OCOP"), "value": certificate.stars, "maxValue": 5},
            {
                "@type": "PropertyValue",
                "name": _("Giấy chứng nhận OCOP còn hiệu lực đến"),
                "value": certificate.last_valid_day.isoformat(),
            },
            {
                "@type": "PropertyValue",
                "name": _("Tra cứu giấy chứng nhận"),
                "value": verify_url(certificate.code, request),
            },
        ]
    else:
        data["additionalProperty"] = [
            {
                "@type": "PropertyValue",
                "name": _("Tình trạng giấy chứng nhận OCOP"),
                "value": str(CertificateState(entry.state).label),
            }
        ]
    return data


@public_page("catalog-product")
def product(request, pk: int):
    today = _today()
    entry = queries.product_entry(pk, today)
    product = entry.product
    photos = list(product.photos.order_by("uploaded_at", "pk"))
    channels = public_channels([product.pk]).get(product.pk)
    events = events_attended([product.pk]).get(product.pk, [])
    certificate = entry.certificate
    page_url = absolute_url(request, reverse("catalog:product", args=[product.pk]))
    producer_url = absolute_url(request, reverse("catalog:producer", args=[product.producer_id]))
    context = {
        "entry": entry,
        "p": product,
        "c": certificate,
        "state": entry.state,
        "photos": photos,
        "channels": channels,
        "events": events,
        "authority": issuing_authority(certificate.decision, product),
        "verify_url": verify_url(certificate.code, request),
        "page_url": page_url,
        "og_image": absolute_url(request, photo_url(photos[0].pk, product.pk)) if photos else "",
        "json_ld": _json_ld(product_json_ld(request, entry, photos, producer_url)),
        "days_left": (certificate.valid_until - today).days + 1,
        "today": today,
    }
    return render(request, "catalog/product.html", context)


@public_page("catalog-qr", max_age=3600)
def product_qr(request, pk: int):
    """The QR code of the product's verify page as PNG: the same code the certificate carries."""
    entry = queries.product_entry(pk, _today())
    response = HttpResponse(qr_png(verify_url(entry.certificate.code, request)), content_type="image/png")
    return response


def photo(request, pk: int, photo_id: int):
    """A photo of a product in the catalogue. Photos of other products stay behind the officers' permission check."""
    found = get_object_or_404(
        ProductPhoto.objects.filter(
            Exists(Product.objects.filter(queries.held_certificate_q(_today()), pk=OuterRef("product_id")))
        ),
        pk=photo_id,
        product_id=pk,
    )
    name = found.image.name.lower()
    content_type = next((t for ext, t in PHOTO_TYPES.items() if name.endswith(ext)), "image/jpeg")
    response = FileResponse(found.image.open("rb"), content_type=content_type)
    response["Cache-Control"] = "public, max-age=86400"
    return response


def _page(request, qs):
    paginator = Paginator(qs, PAGE_SIZE)
    return paginator.get_page(request.GET.get("page"))


@public_page("catalog-producer")
def producer(request, pk: int):
    today = _today()
    found = queries.producer_or_404(pk, today)
    products = (
        queries.catalogue_products(today)
        .filter(producer=found)
        .annotate(photo_id=queries.first_photo_id())
        .order_by("search_name", "id")
    )
    page = _page(request, products)
    page_entries = queries.entries(page.object_list, today)
    context = {
        "producer": found,
        "page": page,
        "entries": page_entries,
        "live": [e for e in page_entries if e.is_live],
        "ended": [e for e in page_entries if not e.is_live],
        "today": today,
    }
    return render(request, "catalog/producer.html", context)


def _narrative(unit, today) -> str:
    from reports.dashboard import build_dashboard

    return build_dashboard(unit, today).narrative()


@public_page("catalog-province")
def province(request, area_id: str):
    today = _today()
    unit = queries.province_unit(area_id)
    products = queries.live_products(today).filter(queries.in_province_q(unit))
    page = _page(request, products)
    page_entries = queries.entries(page.object_list, today)
    stars = dict(
        queries.live_products(today)
        .filter(queries.in_province_q(unit))
        .order_by()
        .values_list("live_stars")
        .annotate(n=Count("id"))
    )
    today_province = None
    if unit.scheme == Scheme.PRE2025:
        # a province the reference data gives no successor: the page simply does not say
        with suppress(DomainError):
            today_province = current_province(unit)
    context = {
        "unit": unit,
        "today_province": today_province,
        "page": page,
        "entries": page_entries,
        "star_counts": [(s, stars.get(s, 0)) for s in (5, 4, 3)],
        "narrative": _narrative(unit, today),
        "today": today,
    }
    return render(request, "catalog/province.html", context)


@public_page("catalog-print", max_age=3600)
def province_print(request, area_id: str):
    today = _today()
    unit = queries.province_unit(area_id)
    pdf = printing.province_catalogue_pdf(unit, today, request=request)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{printing.filename(unit, today)}"'
    return response


@public_page("catalog-opendata")
def opendata_index(request):
    today = _today()
    context = {
        "today": today,
        "downloads": opendata.downloads(today),
        "licence": opendata.LICENCE,
        "columns": opendata.column_labels(),
    }
    return render(request, "catalog/opendata.html", context)


@public_page("catalog-opendata-file", max_age=3600)
def opendata_file(request, area_id: str, fmt: str):
    today = _today()
    if area_id == opendata.NATIONAL:
        unit = Country(Scheme.S2025)
    else:
        unit = queries.province_unit(area_id)
        if unit.scheme != Scheme.S2025:
            raise Http404  # open data is published in today's provinces only
    dataset = opendata.build(unit, today, request=request)
    content, content_type = opendata.WRITERS[fmt](dataset)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{opendata.filename(unit, today, fmt)}"'
    return response


# Officers' areas and the API: nothing there for a search engine, and crawling them only costs the server.
ROBOTS_DISALLOW = (
    "/api/",
    "/admin/",
    "/accounts/",
    "/producers/",
    "/products/",
    "/ideas/",
    "/evaluation/",
    "/criteria/",
    "/register/",
    "/certificates/",
    "/ntm/",
    "/programme/",
    "/imports/",
    "/notifications/",
    "/audit/",
    "/i18n/",
)


def robots_txt(request):
    lines = ["User-agent: *", "Allow: /catalog/", "Allow: /verify/"]
    lines += [f"Disallow: {path}" for path in ROBOTS_DISALLOW]
    lines += ["", f"Sitemap: {absolute_url(request, reverse('sitemap'))}", ""]
    response = HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@public_page("sitemap", max_age=3600)
def sitemap_xml(request):
    """The catalogue home, today's provinces, the products in force and their producers: four queries."""
    today = _today()
    live = queries.live_products(today).order_by()
    urls = []
    home = reverse("catalog:home")
    urls.append(absolute_url(request, home))
    provinces = (
        Product.objects.filter(queries.valid_certificate_q(today), new_province__isnull=False)
        .order_by("new_province__code")
        .values_list("new_province__scheme", "new_province__code")
        .distinct()
    )
    urls += [absolute_url(request, reverse("catalog:province", args=[f"{s}:{c}"])) for s, c in provinces]
    urls += [
        absolute_url(request, reverse("catalog:product", args=[pk]))
        for pk in live.order_by("pk").values_list("pk", flat=True)
    ]
    producers = live.order_by("producer_id").values_list("producer_id", flat=True).distinct()
    urls += [absolute_url(request, reverse("catalog:producer", args=[pk])) for pk in producers]
    return render(request, "catalog/sitemap.xml", {"urls": urls}, content_type="application/xml; charset=utf-8")
