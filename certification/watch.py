"""The expiry watch: certificates about to expire, expired ones not re-recognised, and those whose re-rating window
(26/2026 Điều 7.6.a) is open.

Both queues are the SQL form of certification.queries.state_on (tested against it): a certificate is EXPIRING on
`today` when it is valid that day (Certificate.objects.valid_on) and its days left counting today
(`valid_until - today + 1`, `valid_until` being the last valid day) are at most `days`; it is EXPIRED when today is
after `valid_until` and was neither superseded nor revoked by then (`ended_on` null or later); of
those, only a product's latest certificate begun by `today` counts, as in holding_on (the chain kept by
certification.services already guarantees it: a later certificate ends the earlier one from its start). The `days`
window defaults to expiry_warning_days() (settings.OCOP_EXPIRY_WARNING_DAYS, 30), so with the default the queue is
exactly the certificates whose state is EXPIRING.

The re-rating queue takes its numbers from the process rules (evaluation.process.rerating_regimes): a certificate is
in it on `today` when it is valid that day and `today` lies in its window, i.e. its last day (valid_until) lies
between today + the window's closing days and today + its opening days, for the period whose window governs that
last day.
"""

import datetime

from django.db.models import Exists, OuterRef, Q

from accounts.scope import acts_only_as_producer
from certification.models import Certificate
from certification.queries import expiry_warning_days
from evaluation import process
from reports.cache import cached

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
        .filter(valid_until__lt=today + datetime.timedelta(days=days))
        .select_related(*RELATED)
        .order_by("valid_until", "product__search_name", "id")
    )


def expired_not_renewed_among(queryset, today: datetime.date):
    """Products' latest certificates that have expired by `today`, not superseded (re-recognised) nor revoked;
    longest overdue first."""
    return (
        queryset.filter(valid_until__lt=today)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=today))
        .exclude(Exists(_later_begun(today)))
        .select_related(*RELATED)
        .order_by("valid_until", "product__search_name", "id")
    )


def _window_open_q(today: datetime.date, closing_within: int | None = None) -> Q:
    """Certificates whose re-rating window contains `today` (and, with `closing_within`, closes within that many
    days), by their last valid day `valid_until`."""
    one = datetime.timedelta(days=1)
    q = Q(pk__in=[])
    for regime in process.rerating_regimes():
        rule = regime.rule
        last_from = today + datetime.timedelta(days=rule.file_until_days_before_end)
        last_to = today + datetime.timedelta(days=rule.file_from_days_before_end)
        if closing_within is not None:
            last_to = min(last_to, last_from + datetime.timedelta(days=closing_within))
        last_from = max(last_from, regime.first_last_day)
        if regime.end_last_day is not None:
            last_to = min(last_to, regime.end_last_day - one)
        if last_from <= last_to:
            q |= Q(valid_until__gte=last_from, valid_until__lte=last_to)
    return q


def rerating_open_among(queryset, today: datetime.date, closing_within: int | None = None):
    """Certificates of `queryset` valid on `today` whose re-rating window (Điều 7.6.a) is open that day; with
    `closing_within`, only those whose window closes within that many days. Soonest-closing first."""
    return (
        queryset.valid_on(today)
        .filter(_window_open_q(today, closing_within))
        .select_related(*RELATED)
        .order_by("valid_until", "product__search_name", "id")
    )


def with_window(certificate, today: datetime.date):
    """Annotate a certificate of the re-rating queue with its window and the days left to file."""
    certificate.window = process.rerating_window(certificate.term_last_day)
    certificate.window_days_left = (certificate.window[1] - today).days + 1 if certificate.window else None
    return certificate


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


def rerating_open(user, today: datetime.date):
    """The user's queue of certificates whose re-rating window is open today, scoped."""
    return rerating_open_among(certificates_for(user), today)


def expired_not_renewed(user, today: datetime.date):
    """The user's queue of expired certificates not re-recognised nor revoked, scoped."""
    return expired_not_renewed_among(certificates_for(user), today)


def days_left(certificate, today: datetime.date) -> int:
    """Days the certificate is still valid counting today: 1 on its last valid day, 0 on the day it expires,
    negative once expired (the number of days since)."""
    return (certificate.valid_until - today).days + 1


def cached_count(name: str, user, today: datetime.date, queryset, version: int | None = None) -> int:
    """queryset.count(), cached by data version (reports.cache), day and user: the home page's to-do counts
        (certification.todo) are one cache lookup until a record changes. `name` says which queue (and whose: managed or
        own) `queryset` is. The user's scope is part of the data: memberships change through audited services, so a new
        membership is a new version; the warning window (a setting) is part of the key. Several counts of one page pass
    the `version` they share (reports.cache.data_version), one query for all."""
    return cached(
        "watch",
        name,
        getattr(user, "pk", None),
        today.isoformat(),
        expiry_warning_days(),
        compute=queryset.count,
        version=version,
    )
