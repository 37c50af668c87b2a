"""Reads over the yearly monitoring reports shared by the pages, the API, the reminders and the flags.

"Certified in year Y" means the product held a certificate valid on at least one day of Y: begun by 31/12/Y, last
valid day (`valid_until`) on or after 01/01/Y, and not ended (superseded or revoked: `ended_on`, the first day it no
longer counts) by 01/01/Y — the interval form of certification.models.valid_on_q.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, Subquery

from accounts.scope import acts_only_as_producer, area_scope
from areas.filters import within
from certification.models import Certificate, valid_on_q
from products.models import Product
from programme.models import MAX_REPORT_YEAR, MIN_REPORT_YEAR, MonitoringReport, ReportStatus

VIEW = "programme.view"
REPORT = "programme.report_monitoring"
APPROVE = "programme.approve_monitoring"


def due_date(year: int) -> datetime.date:
    """The day the report for `year` is due: settings.MONITORING_REPORT_DUE ("MM-DD") of the following year."""
    month, day = (int(part) for part in settings.MONITORING_REPORT_DUE.split("-"))
    return datetime.date(year + 1, month, day)


def last_completed_year(day: datetime.date) -> int:
    return day.year - 1


def certified_in_year_q(year: int, prefix: str = "") -> Q:
    """Certificates valid on some day of `year` (see the module docstring); `prefix` reaches them through a relation."""
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return Q(**{f"{prefix}valid_from__lte": last, f"{prefix}valid_until__gte": first}) & (
        Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gt": first})
    )


def certified_in_year(products, year: int):
    """The products of `products` certified during `year` (an EXISTS, so counts and pagination stay one query)."""
    return products.filter(Exists(Certificate.objects.filter(certified_in_year_q(year), product=OuterRef("pk"))))


def is_certified_in_year(product, year: int) -> bool:
    return Certificate.objects.filter(certified_in_year_q(year), product=product).exists()


def valid_year(year) -> bool:
    return isinstance(year, int) and MIN_REPORT_YEAR <= year <= MAX_REPORT_YEAR


# ── Who sees and who writes ────────────────────────────────────────────────────────────────────────────────────────


def _narrowed(qs, user, path):
    """A user who is only a producer reaches only the products of the producers linked to their account."""
    if acts_only_as_producer(user):
        qs = qs.filter(**{f"{path}accounts": user})
    return qs


def reports_for(user):
    """Reports `user` may open: those of the products in their programme.view areas (a producer: their own)."""
    return _narrowed(MonitoringReport.objects.for_user(user, VIEW), user, "product__producer__")


def reportable_products(user):
    """Products whose reports `user` may create, edit and submit (programme.report_monitoring in the product's area;
    a producer account: only the products of its linked producers)."""
    return _narrowed(Product.objects.for_user(user, REPORT), user, "producer__")


def viewable_products(user):
    return _narrowed(Product.objects.for_user(user, VIEW), user, "producer__")


def may_report(user, product) -> bool:
    if user is None:
        return True
    if not area_scope(user, REPORT).contains(product.location):
        return False
    return not acts_only_as_producer(user) or product.producer.accounts.filter(pk=user.pk).exists()


def may_approve(user, product) -> bool:
    return user is None or area_scope(user, APPROVE).contains(product.location)


# ── The list and the "due" page ────────────────────────────────────────────────────────────────────────────────────


def filter_reports(qs, *, year=None, area=None, status=None):
    if year:
        qs = qs.filter(year=year)
    if area is not None:
        qs = qs.filter(within(area, "product__location"))
    if status:
        qs = qs.filter(status=status)
    return qs


# The "due" page's states of one product-year: no report, one being written or returned, waiting for the province,
# approved.
MISSING, IN_PROGRESS, WAITING, DONE = "missing", "in-progress", "waiting", "done"


@dataclass
class DueRow:
    product: Product
    report_id: int | None
    status: str | None

    @property
    def state(self) -> str:
        if self.status is None:
            return MISSING
        if self.status in (ReportStatus.DRAFT, ReportStatus.RETURNED):
            return IN_PROGRESS
        return WAITING if self.status == ReportStatus.SUBMITTED else DONE


def due_products(user, *, year: int, area=None, state: str = ""):
    """Products certified during `year` within what `user` may report on (officers: their area; a producer: their
    own), each annotated with its report for that year (`report_id`, `report_status`), not yet approved first.
    One query (pagination adds a count)."""
    report = MonitoringReport.objects.filter(product=OuterRef("pk"), year=year)
    qs = certified_in_year(reportable_products(user), year)
    if area is not None:
        qs = qs.filter(within(area, "location"))
    qs = qs.annotate(report_id=Subquery(report.values("pk")[:1]), report_status=Subquery(report.values("status")[:1]))
    if state == MISSING:
        qs = qs.filter(report_id__isnull=True)
    elif state == IN_PROGRESS:
        qs = qs.filter(report_status__in=[ReportStatus.DRAFT, ReportStatus.RETURNED])
    elif state == WAITING:
        qs = qs.filter(report_status=ReportStatus.SUBMITTED)
    elif state == DONE:
        qs = qs.filter(report_status=ReportStatus.APPROVED)
    return qs.select_related("producer", "location").order_by("search_name", "pk")


def due_counts(user, *, year: int, area=None) -> dict[str, int]:
    """How many of the year's products are in each state (one query, counted in SQL)."""
    from django.db.models import Count

    qs = due_products(user, year=year, area=area).order_by()
    counts = qs.aggregate(
        total=Count("pk"),
        missing=Count("pk", filter=Q(report_id__isnull=True)),
        in_progress=Count("pk", filter=Q(report_status__in=[ReportStatus.DRAFT, ReportStatus.RETURNED])),
        waiting=Count("pk", filter=Q(report_status=ReportStatus.SUBMITTED)),
        done=Count("pk", filter=Q(report_status=ReportStatus.APPROVED)),
    )
    return counts


def watch_products(user, *, day, area=None):
    """Products in `user`'s programme.view reach (a producer: their own) holding a valid certificate on `day`, with
    its stars and last valid day; oldest-expiring first. One query."""
    current = Certificate.objects.filter(valid_on_q(day), product=OuterRef("pk")).order_by("-valid_from", "-id")
    qs = viewable_products(user).annotate(
        stars=Subquery(current.values("stars")[:1]), current_valid_until=Subquery(current.values("valid_until")[:1])
    )
    if area is not None:
        qs = qs.filter(within(area, "location"))
    return (
        qs.filter(current_valid_until__isnull=False)
        .select_related("producer", "location")
        .order_by("current_valid_until", "search_name", "pk")
    )


def product_reports(product):
    """Every report of one product, newest year first (one query)."""
    return list(MonitoringReport.objects.filter(product=product).order_by("-year"))
