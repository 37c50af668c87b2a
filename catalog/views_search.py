"""The catalogue's home and search pages: public, no login, cached by data version for anonymous visitors."""

import datetime

from django.db.models import Count, Exists, OuterRef, Q
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import get_language

from areas.queries import Country, scheme_on
from catalog.forms import CatalogueSearchForm
from catalog.search import cards, search_products
from certification.models import Certificate
from core.pagecache import data_version, public_page
from products.choices import CategoryLevel, CategorySystem
from products.models import ProductCategory, ProductPhoto
from programme.event_queries import upcoming_public_events
from reports.cache import cached
from reports.queries import STARS, OcopReport, ocop_figures

FEATURED = 8
FEATURED_STARS = (5, 4)


def province_figures(country: Country, day: datetime.date, version: int) -> list[dict]:
    """Per province: the products valid on `day` by stars and by group, counted as the national figures are
    (OcopReport.certificates(): the same selection, one query), cached by data version."""

    def compute():
        report = OcopReport(country, day)
        groups = list(
            ProductCategory.objects.filter(system=CategorySystem.S148, level=CategoryLevel.GROUP)
            .order_by("position")
            .values_list("pk", "code")
        )
        counts = {"products": Count("product", distinct=True)}
        for stars in STARS:
            counts[f"stars_{stars}"] = Count("product", distinct=True, filter=Q(stars=stars))
        for pk, _code in groups:
            counts[f"group_{pk}"] = Count("product", distinct=True, filter=Q(product__group_id=pk))
        rows = {
            row[f"product__{report.child_field}"]: row
            for row in report.certificates().values(f"product__{report.child_field}").annotate(**counts).order_by()
        }
        result = []
        for unit in report.child_units().only("scheme", "level", "code", "name"):
            row = rows.get(unit.pk, {})
            result.append(
                {
                    "id": str(unit.area_id),
                    "name": unit.name,
                    "products": row.get("products", 0),
                    "by_stars": {str(s): row.get(f"stars_{s}", 0) for s in STARS},
                    "by_group": {code: row.get(f"group_{pk}", 0) for pk, code in groups},
                }
            )
        return result

    return cached("catalogue-provinces", country.scheme, day.isoformat(), compute=compute, version=version)


def featured_cards(day: datetime.date, version: int):
    """The rule the home page states: the newest 5★ and 4★ certificates valid today whose product has a photo, newest
    recognition first, one card per product."""

    def compute():
        with_photo = Exists(ProductPhoto.objects.filter(product=OuterRef("product")))
        latest = (
            Certificate.objects.valid_on(day)
            .filter(with_photo, stars__in=FEATURED_STARS)
            .order_by("-valid_from", "-id")
            .values_list("product_id", flat=True)[: FEATURED * 3]
        )
        ids = list(dict.fromkeys(latest))[:FEATURED]
        return ids

    ids = cached("catalogue-featured", day.isoformat(), compute=compute, version=version)
    return cards(ids, day)


@public_page("catalogue-home")
def home(request):
    day = timezone.localdate()
    version = data_version()
    country = Country(scheme_on(day))
    national = ocop_figures(country, day, version=version)
    groups = list(
        ProductCategory.objects.filter(system=CategorySystem.S148, level=CategoryLevel.GROUP).order_by("position")
    )
    provinces = province_figures(country, day, version)
    context = {
        "form": CatalogueSearchForm(),
        "day": day,
        "national": national,
        "groups": [(g, national["products"]["by_group"].get(g.code, 0)) for g in groups],
        "group_codes": [g.code for g in groups],
        "provinces": [
            {
                **p,
                "stars": [p["by_stars"][str(s)] for s in sorted(STARS, reverse=True)],
                "groups": [p["by_group"].get(g.code, 0) for g in groups],
            }
            for p in provinces
            if p["products"]
        ],
        "stars": [(s, national["products"]["by_stars"][str(s)]) for s in sorted(STARS, reverse=True)],
        "featured": featured_cards(day, version),
        "featured_stars": FEATURED_STARS,
        "events": upcoming_public_events(today=day, limit=5),
        "language": get_language(),
    }
    return TemplateResponse(request, "catalog/home.html", context)


@public_page("catalogue-search")
def search(request):
    page = search_products(request.GET)
    # A full page even for htmx: core.pagecache keys on the address only, so a fragment must never be what it keeps.
    return TemplateResponse(request, "catalog/search.html", {"page": page, "form": page.form})
