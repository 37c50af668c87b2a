"""Reads over trade-promotion events shared by the officers' pages, the Excel export and the public catalogue."""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, Subquery, Sum

from areas.filters import within
from programme.models import Event, EventKind, EventLevel, Participation, ParticipationStatus


def upcoming_public_events(*, today, limit=5, province=None):
    """Public, not cancelled events ending on or after `today`, soonest first.

    `province` (an AdministrativeUnit of either scheme) keeps the events that province records or that take place in
    it, across the 2025 reform; None is the whole country. One query.
    """
    qs = Event.objects.filter(is_public=True, cancelled_at__isnull=True, end_date__gte=today)
    if province is not None:
        qs = qs.filter(within(province, "province") | within(province, "area"))
    qs = qs.select_related("area", "province").order_by("start_date", "end_date", "id")
    return list(qs[:limit]) if limit else list(qs)


def events_attended(product_ids) -> dict[int, list[Event]]:
    """For each product, the public, not cancelled events where it was shown (accepted participations), newest first.

    Products that took part in none are absent. One query whatever the number of products.
    """
    product_ids = list(product_ids)
    if not product_ids:
        return {}
    through = Participation.products.through
    rows = (
        through.objects.filter(
            product_id__in=product_ids,
            participation__status=ParticipationStatus.ACCEPTED,
            participation__event__is_public=True,
            participation__event__cancelled_at__isnull=True,
        )
        .select_related("participation__event__area", "participation__event__province")
        .order_by("-participation__event__start_date", "-participation__event__id")
    )
    found: dict[int, list[Event]] = defaultdict(list)
    for row in rows:
        event = row.participation.event
        events = found[row.product_id]
        if not events or events[-1].pk != event.pk:
            events.append(event)
    return dict(found)


# --- officers' pages and reports ---------------------------------------------------------------------------------


def events_for(user):
    """Events `user` may open: those of the provinces where they hold programme.view, those held in their areas, those
    a producer of their areas (or linked to their account) took part in, and public ones for anyone holding
    programme.view somewhere (producers register for them). A commune's officer or producer thus sees the province's
    non-public events their commune is part of."""
    from core.scoping import scope_q

    if not user.has_perm("programme.view"):
        return Event.objects.none()
    recorded = scope_q(user, "programme.view", Event.scope_area_field)
    if recorded is None:
        return Event.objects.all()
    held = scope_q(user, "programme.view", "area")
    took_part = Participation.objects.filter(
        scope_q(user, "programme.view", "producer__location") | Q(producer__accounts=user)
    ).values("event")
    return Event.objects.filter(recorded | held | Q(is_public=True) | Q(pk__in=took_part))


def managed_events(user):
    return Event.objects.for_user(user, "programme.manage_events")


def participations_for(user):
    """Participations an officer manages, plus a producer account's own."""
    from accounts.scope import acts_only_as_producer

    if acts_only_as_producer(user):
        return Participation.objects.filter(producer__accounts=user)
    return Participation.objects.for_user(user, "programme.manage_events")


def _area_q(area, prefix=""):
    """Events recorded by, or held in, `area` (either scheme, across the reform)."""
    return within(area, f"{prefix}province") | within(area, f"{prefix}area")


@dataclass
class ReportRow:
    kind: str
    level: str
    events: int = 0
    producers: int = 0
    products: int = 0
    contracts: int = 0
    sales_value: int = 0
    new_buyers: int = 0

    @property
    def kind_label(self):
        return EventKind(self.kind).label

    @property
    def level_label(self):
        return EventLevel(self.level).label


@dataclass
class EventReport:
    year: int
    area: object
    rows: list
    total: ReportRow


def event_report(user, *, year: int, area=None) -> EventReport:
    """Events (not cancelled) starting in `year` within the user's scope (and `area`), by kind and level: how many,
    the producers and products that took part (accepted), contracts, sales value and new buyers. Three queries;
    producers and products are counted once per row and once in the total, however many events they attended."""
    events = managed_events(user).filter(cancelled_at__isnull=True, start_date__year=year)
    if area is not None:
        events = events.filter(_area_q(area))
    event_ids = events.values("pk")
    counts = {
        (r["kind"], r["level"]): r["n"] for r in events.values("kind", "level").annotate(n=Count("pk")).order_by()
    }
    parts = Participation.objects.filter(event__in=event_ids, status=ParticipationStatus.ACCEPTED)
    through = Participation.products.through.objects.filter(participation__in=parts.values("pk"))
    by_group = {
        (r["event__kind"], r["event__level"]): r
        for r in parts.values("event__kind", "event__level")
        .annotate(
            producers=Count("producer", distinct=True),
            contracts=Sum("contracts_signed"),
            sales=Sum("sales_value"),
            buyers=Sum("new_buyers"),
        )
        .order_by()
    }
    products = {
        (r["participation__event__kind"], r["participation__event__level"]): r["n"]
        for r in through.values("participation__event__kind", "participation__event__level")
        .annotate(n=Count("product", distinct=True))
        .order_by()
    }
    totals = parts.aggregate(
        producers=Count("producer", distinct=True),
        contracts=Sum("contracts_signed"),
        sales=Sum("sales_value"),
        buyers=Sum("new_buyers"),
    )
    total_products = through.aggregate(n=Count("product", distinct=True))["n"]
    rows = []
    for kind in EventKind.values:
        for level in EventLevel.values:
            key = (kind, level)
            if key not in counts:
                continue
            g = by_group.get(key, {})
            rows.append(
                ReportRow(
                    kind=kind,
                    level=level,
                    events=counts[key],
                    producers=g.get("producers") or 0,
                    products=products.get(key, 0),
                    contracts=g.get("contracts") or 0,
                    sales_value=int(g.get("sales") or 0),
                    new_buyers=g.get("buyers") or 0,
                )
            )
    total = ReportRow(
        kind="",
        level="",
        events=sum(counts.values()),
        producers=totals["producers"] or 0,
        products=total_products or 0,
        contracts=totals["contracts"] or 0,
        sales_value=int(totals["sales"] or 0),
        new_buyers=totals["buyers"] or 0,
    )
    return EventReport(year=year, area=area, rows=rows, total=total)


def never_promoted(user, *, today, area=None):
    """Products in the user's scope (and `area`, either scheme) holding a certificate valid today whose recognition
    (its decision's date) is before today, and which took part (accepted) in no event, not cancelled, that had begun
    by today and ended on or after that date. The certificate is the one certification.queries.holding_on picks:
    the latest begun, here among those valid today (Certificate.objects.valid_on, the SQL twin of state_on).
    Ordered by recognition date, oldest first. One query."""
    from certification.models import Certificate, valid_on_q
    from products.models import Product

    current = Certificate.objects.filter(valid_on_q(today), product=OuterRef("pk")).order_by("-valid_from", "-id")
    qs = Product.objects.for_user(user, "programme.manage_events")
    if area is not None:
        qs = qs.filter(within(area, "location"))
    promoted = Participation.products.through.objects.filter(
        product=OuterRef("pk"),
        participation__status=ParticipationStatus.ACCEPTED,
        participation__event__cancelled_at__isnull=True,
        participation__event__start_date__lte=today,
        participation__event__end_date__gte=OuterRef("recognised_on"),
    )
    return (
        qs.annotate(
            recognised_on=Subquery(current.values("decision__date")[:1]),
            stars=Subquery(current.values("stars")[:1]),
            decision_number=Subquery(current.values("decision__number")[:1]),
        )
        .filter(recognised_on__lt=today)
        .filter(~Exists(promoted))
        .select_related("producer", "location__province")
        .order_by("recognised_on", "name", "pk")
    )
