"""The expiry watch: certificates about to expire and expired ones not re-recognised.

Both queues are the SQL form of certification.queries.state_on (tested against it): a certificate is EXPIRING on
`today` when it is valid that day (Certificate.objects.valid_on) and `valid_until - today <= days`; it is EXPIRED
when it has passed `valid_until` and was neither superseded nor revoked by then (`ended_on` null or later); of
those, only a product's latest certificate begun by `today` counts, as in holding_on (the chain kept by
certification.services already guarantees it: a later certificate ends the earlier one from its start). The `days`
window defaults to expiry_warning_days() (settings.OCOP_EXPIRY_WARNING_DAYS, 30), so with the default the queue is
exactly the certificates whose state is EXPIRING.
"""

import datetime

from django.db.models import Exists, OuterRef, Q

from accounts.scope import acts_only_as_producer
from certification.models import Certificate
from certification.queries import expiry_warning_days

RELATED = ("product__producer", "product__location", "decision")


def _later_begun(today):
    """A later certificate of the same product already begun on `today` (latest = highest (valid_from, id))."""
    return Certificate.objects.filter(product=OuterRef("product"), valid_from__lte=today).filter(
        Q(valid_from__gt=OuterRef("valid_from")) | Q(valid_from=OuterRef("valid_from"), id__gt=OuterRef("id"))
    )


def expiring_among(queryset, today: datetime.date, days: int | None = None):
    """Certificates of `queryset` valid on `today` that expire within `days` days, soonest first."""
    days = expiry_warning_days() if days is None else days
    return (
        queryset.valid_on(today)
        .filter(valid_until__lte=today + datetime.timedelta(days=days))
        .select_related(*RELATED)
        .order_by("valid_until", "product__search_name", "id")
    )


def expired_not_renewed_among(queryset, today: datetime.date):
    """Products' latest certificates that have expired by `today`, not superseded (re-recognised) nor revoked;
    longest overdue first."""
    return (
        queryset.filter(valid_until__lte=today)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=today))
        .exclude(Exists(_later_begun(today)))
        .select_related(*RELATED)
        .order_by("valid_until", "product__search_name", "id")
    )


def certificates_for(user):
    """Certificates the user may view: their `certification.view` areas; a user who is only a producer, just the
    certificates of the producers they are linked to (as products.queries.products_for)."""
    queryset = Certificate.objects.for_user(user, "certification.view")
    if acts_only_as_producer(user):
        queryset = queryset.filter(product__producer__accounts=user)
    return queryset


def expiring_soon(user, today: datetime.date, days: int | None = None):
    """The user's queue of certificates expiring within `days` (default: the warning window), scoped."""
    return expiring_among(certificates_for(user), today, days)


def expired_not_renewed(user, today: datetime.date):
    """The user's queue of expired certificates not re-recognised nor revoked, scoped."""
    return expired_not_renewed_among(certificates_for(user), today)


def days_left(certificate, today: datetime.date) -> int:
    """Days the certificate is still valid counting today: 1 on its last valid day, 0 on the day it expires,
    negative once expired (the number of days since)."""
    return (certificate.valid_until - today).days
