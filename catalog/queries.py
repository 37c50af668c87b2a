"""Which products the public catalogue shows and their live certificate state, for one product or many at once.

A product is in the catalogue once it has held a certificate (one begun by today). Its state is the one the verify
page shows for the certificate it holds: `certification.queries.holding_on` picks that certificate (the latest begun
by the day) and `state_on` gives its state, so the catalogue, the register and the QR page never disagree. Here those
rules only get their rows in a constant number of queries (certificates prefetched, never one query per product).
"""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, Q, Subquery
from django.http import Http404

from areas.choices import Level, Scheme
from areas.models import AdministrativeUnit
from areas.queries import get_unit
from certification.choices import CertificateState
from certification.models import Certificate, valid_on_q
from certification.queries import Holding, holding_on
from core.errors import DomainError
from producers.models import Producer
from products.models import Product, ProductPhoto

# States in which the product is an OCOP product today (the verify page's "Còn hiệu lực" and "Sắp hết hạn").
LIVE_STATES = (CertificateState.VALID, CertificateState.EXPIRING)

PRODUCT_RELATED = (
    "producer",
    "group",
    "subgroup",
    "location__district",
    "location__province",
    "new_commune",
    "new_province",
    "old_commune",
    "old_district",
    "old_province",
)


def held_certificate_q(day: datetime.date, prefix: str = "") -> Q:
    """Products (through `prefix`) that hold a certificate begun by `day`: in the catalogue, whatever its state."""
    begun = Certificate.objects.filter(product=OuterRef(f"{prefix}pk"), valid_from__lte=day)
    return Q(Exists(begun))


def valid_certificate_q(day: datetime.date, prefix: str = "") -> Q:
    """Products (through `prefix`) whose certificate is in force on `day` (valid or expiring)."""
    valid = Certificate.objects.filter(valid_on_q(day), product=OuterRef(f"{prefix}pk"))
    return Q(Exists(valid))


def _certificates():
    return Prefetch(
        "certificates",
        queryset=Certificate.objects.select_related("decision__province", "revocation").order_by("valid_from", "id"),
    )


def first_photo_id():
    """The id of a product's first photo (upload order), as a subquery: a card needs one picture, not all of them."""
    photos = ProductPhoto.objects.filter(product=OuterRef("pk")).order_by("uploaded_at", "pk")
    return Subquery(photos.values("pk")[:1])


@dataclass(frozen=True)
class Entry:
    """A product as the catalogue shows it: the product and the certificate it holds today with that state."""

    product: Product
    holding: Holding

    @property
    def certificate(self) -> Certificate:
        return self.holding.certificate

    @property
    def state(self) -> str:
        return self.holding.state

    @property
    def is_live(self) -> bool:
        return self.holding.is_valid

    @property
    def stars(self) -> int:
        return self.holding.certificate.stars


def catalogue_products(day: datetime.date):
    """Every product in the catalogue on `day`, with what its page and cards need joined in."""
    return Product.objects.filter(held_certificate_q(day)).select_related(*PRODUCT_RELATED)


def entries(products, day: datetime.date) -> list[Entry]:
    """Entries for a queryset or page of products: their certificates in one prefetch query."""
    if hasattr(products, "prefetch_related"):
        products = products.prefetch_related(_certificates())
    else:
        from django.db.models import prefetch_related_objects

        products = list(products)
        prefetch_related_objects(products, _certificates())
    found = []
    for product in products:
        holding = holding_on(product, day, list(product.certificates.all()))
        if holding.certificate is not None:
            found.append(Entry(product, holding))
    return found


def product_entry(pk: int, day: datetime.date) -> Entry:
    """One product of the catalogue, or 404 when it has never held a certificate (nothing public to show)."""
    product = catalogue_products(day).filter(pk=pk).prefetch_related(_certificates()).first()
    if product is None:
        raise Http404
    return Entry(product, holding_on(product, day, list(product.certificates.all())))


def live_products(day: datetime.date):
    """Products that are OCOP products on `day`, best stars first: their current certificate's stars."""
    stars = Certificate.objects.filter(valid_on_q(day), product=OuterRef("pk")).order_by("-valid_from", "-id")
    return (
        Product.objects.filter(valid_certificate_q(day))
        .select_related(*PRODUCT_RELATED)
        .annotate(live_stars=Subquery(stars.values("stars")[:1]), photo_id=first_photo_id())
        .order_by("-live_stars", "search_name", "id")
    )


def province_unit(area_id: str) -> AdministrativeUnit:
    """The province named by an area id of either scheme (`2025:11`, `pre2025:11`); 404 for anything else."""
    try:
        unit = get_unit(area_id)
    except DomainError:
        raise Http404 from None
    if unit.level != Level.PROVINCE:
        raise Http404
    return unit


def in_province_q(unit: AdministrativeUnit, prefix: str = "") -> Q:
    """Products placed in the province in its own scheme (products.placement keeps both)."""
    field = "new_province" if unit.scheme == Scheme.S2025 else "old_province"
    return Q(**{f"{prefix}{field}": unit})


def producer_or_404(pk: int, day: datetime.date) -> Producer:
    """A producer with at least one product in the catalogue; others are not public."""
    producer = (
        Producer.objects.filter(pk=pk)
        .filter(Exists(Product.objects.filter(held_certificate_q(day), producer=OuterRef("pk"))))
        .first()
    )
    if producer is None:
        raise Http404
    return producer


def valid_certificates(day: datetime.date, province: AdministrativeUnit | None = None):
    """Certificates in force on `day` (one per product: a chain never has two in force at once), with the product's
    names joined in; within a province when given. The open data files are these rows."""
    qs = Certificate.objects.filter(valid_on_q(day)).select_related(
        "decision",
        "product__producer",
        "product__group",
        "product__subgroup",
        "product__new_commune",
        "product__new_province",
    )
    if province is not None:
        qs = qs.filter(in_province_q(province, "product__"))
    return qs.order_by("product__new_province__code", "-stars", "product__search_name", "product_id")
