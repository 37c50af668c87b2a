"""Reads of sales channels shared by the public catalogue, the producer's and the officer's pages.

Public means approved and not withdrawn (`ChannelQuerySet.public`): a producer's pending change never shows, and a
pending edit of an approved record leaves the approved version public. E-commerce listings found dead by the link
check are not shown publicly while dead (the producer and the officer still see them, flagged).
The answers depend only on the records, never on today's date, so pages cached by data version stay right.
"""

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from accounts.scope import area_scope
from products.models import Product
from programme.models import DistributionAgreement, EcommerceListing, LinkState, Outlet, OutletKind, Review

EDIT = "programme.edit_channels"
MODERATE = "programme.moderate_channels"
VIEW = "programme.view"

ECOMMERCE = "ecommerce"
# "Khác" alone would read oddly in a catalogue filter, so the labels here name the channel
CHANNEL_FILTERS: list[tuple[str, str]] = [
    (OutletKind.OCOP_SHOP, _("Điểm bán OCOP")),
    (OutletKind.SUPERMARKET, _("Siêu thị")),
    (OutletKind.TOURIST_SITE, _("Điểm du lịch")),
    (OutletKind.SHOWROOM, _("Phòng trưng bày")),
    (OutletKind.OTHER, _("Điểm bán khác")),
    (ECOMMERCE, _("Sàn thương mại điện tử")),
]


@dataclass
class PublicChannels:
    outlets: list = field(default_factory=list)
    listings: list = field(default_factory=list)
    agreements: list = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.outlets or self.listings or self.agreements)


def public_outlets():
    return Outlet.objects.public()


def public_listings():
    return EcommerceListing.objects.public().exclude(link_state=LinkState.DEAD)


def public_agreements():
    return DistributionAgreement.objects.public()


def public_channels(product_ids) -> dict[int, PublicChannels]:
    """The public channels of each product named, in three queries whatever their number; every id is a key (an
    empty PublicChannels when a product has none). Outlets come with their commune (`outlet.commune.name`)."""
    product_ids = list(product_ids)
    result = {pk: PublicChannels() for pk in product_ids}
    if not product_ids:
        return result
    for outlet in (
        public_outlets().filter(product_id__in=product_ids).select_related("commune").order_by("kind", "name", "id")
    ):
        result[outlet.product_id].outlets.append(outlet)
    for listing in public_listings().filter(product_id__in=product_ids).order_by("platform", "id"):
        result[listing.product_id].listings.append(listing)
    for agreement in public_agreements().filter(product_id__in=product_ids).order_by("-starts_on", "partner", "id"):
        result[agreement.product_id].agreements.append(agreement)
    return result


def filter_products_by_channel(product_qs, value: str):
    """Products with at least one public channel of the kind chosen in CHANNEL_FILTERS (an EXISTS in WHERE, so the
    list's query count and pagination do not change); an unknown or empty value leaves the queryset as it is."""
    if value == ECOMMERCE:
        return product_qs.filter(Exists(public_listings().filter(product=OuterRef("pk"))))
    if value in OutletKind.values:
        return product_qs.filter(Exists(public_outlets().filter(product=OuterRef("pk"), kind=value)))
    return product_qs


# ── Signed-in readers: the producer and the officers of the product's area ──────────────────────────────────────────


def editable_products(user):
    """Products whose channels `user` may propose: for anyone not reaching everywhere, only the products of the
    producers linked to their account (a producer who is also an officer does not propose for others' products)."""
    qs = Product.objects.for_user(user, EDIT)
    if not area_scope(user, EDIT).everywhere:
        qs = qs.filter(producer__accounts=user)
    return qs


def moderated_products(user):
    """Products whose channels `user` may approve, reject or enter directly."""
    return Product.objects.for_user(user, MODERATE)


def can_moderate(user, product) -> bool:
    return area_scope(user, MODERATE).contains(product.location)


def channel_products_for(user):
    """Products whose channel section `user` may open: proposers and moderators; anything else answers 404."""
    editable = editable_products(user).values("pk")
    moderated = moderated_products(user).values("pk")
    return Product.objects.filter(pk__in=editable) | Product.objects.filter(pk__in=moderated)


@dataclass
class ProductChannels:
    outlets: list
    listings: list
    agreements: list


def product_channels(product) -> ProductChannels:
    """Every channel row of one product, whatever its state (the section of the producer and the officer), withdrawn
    rows left out; three queries."""
    outlets = list(
        Outlet.objects.filter(product=product, removed_at__isnull=True)
        .select_related("commune", "proposed_by", "reviewed_by")
        .order_by("kind", "name", "id")
    )
    listings = list(
        EcommerceListing.objects.filter(product=product, removed_at__isnull=True)
        .select_related("proposed_by", "reviewed_by")
        .order_by("platform", "id")
    )
    agreements = list(
        DistributionAgreement.objects.filter(product=product, removed_at__isnull=True)
        .select_related("proposed_by", "reviewed_by")
        .order_by("-starts_on", "partner", "id")
    )
    return ProductChannels(outlets, listings, agreements)


def pending_for(user) -> ProductChannels:
    """The moderation queue: pending changes of products in `user`'s area for programme.moderate_channels, oldest
    first; three queries whatever their number."""
    related = ("product", "product__producer", "proposed_by")

    def queue(model, *extra):
        return list(
            model.objects.for_user(user, MODERATE)
            .filter(review=Review.PENDING)
            .select_related(*related, *extra)
            .order_by("proposed_at", "id")
        )

    return ProductChannels(queue(Outlet, "commune"), queue(EcommerceListing), queue(DistributionAgreement))


__all__ = [
    "CHANNEL_FILTERS",
    "ECOMMERCE",
    "PublicChannels",
    "filter_products_by_channel",
    "public_channels",
]
