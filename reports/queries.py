"""The OCOP statistics engine: every figure is a query over the certificates, for one date and one area.

A product counts in an area on a date when it holds a certificate valid that day (Certificate.objects.valid_on,
the SQL twin of certification.queries.state_on) and its place in the area's scheme (products.placement) lies
in the area. The API, the dashboard, its Excel and PDF exports, the narrative and the drill-down lists all read
their numbers from here, so they cannot disagree.
"""

import datetime
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count, Max, Q
from django.db.models.functions import ExtractYear

from areas.choices import Level, Scheme
from areas.models import AdministrativeUnit
from certification.choices import DecisionKind, EndReason
from certification.models import Certificate, valid_on_q
from core.errors import DomainError
from core.models import AuditEntry
from producers.choices import ProducerType
from products.choices import CategoryLevel, CategorySystem
from products.models import ProductCategory

STARS = (3, 4, 5)
EXPIRY_WINDOWS = (30, 90)

# The place fields of products.placement that hold a unit of each (scheme, level), and one level down.
_PLACE = {
    (Scheme.PRE2025, Level.PROVINCE): ("old_province", "old_district"),
    (Scheme.PRE2025, Level.DISTRICT): ("old_district", "old_commune"),
    (Scheme.PRE2025, Level.COMMUNE): ("old_commune", None),
    (Scheme.S2025, Level.PROVINCE): ("new_province", "new_commune"),
    (Scheme.S2025, Level.COMMUNE): ("new_commune", None),
}


class BadReportRequest(DomainError):
    status = 400


def parse_as_of(text) -> datetime.date:
    if isinstance(text, datetime.date):
        return text
    try:
        return datetime.date.fromisoformat((text or "").strip())
    except ValueError:
        raise BadReportRequest(f"Ngày '{text}' không hợp lệ: cần dạng YYYY-MM-DD, ví dụ 2022-03-31.") from None


def year_before(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29/02 → 28/02
        return day.replace(year=day.year - 1, day=28)


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date  # inclusive

    @classmethod
    def year_to_date(cls, day: datetime.date) -> "Period":
        return cls(day.replace(month=1, day=1), day)


@dataclass(frozen=True)
class Selection:
    """Which certificates a number stands for: the drill-down list of that number uses the same selection."""

    metric: str = "valid"  # valid | expiring | expired | revoked | recognized | renewed
    stars: int | None = None
    group: str | None = None
    year: int | None = None
    producer_type: str | None = None
    child: str | None = None  # area id of a unit one level down; "none" = not placed at that level
    days: int | None = None  # for `expiring`

    METRICS = ("valid", "expiring", "expired", "revoked", "recognized", "renewed")


@dataclass
class OcopReport:
    unit: AdministrativeUnit
    as_of: datetime.date
    period: Period = field(default=None)

    def __post_init__(self):
        if self.period is None:
            self.period = Period.year_to_date(self.as_of)
        self.place_field, self.child_field = _PLACE[(self.unit.scheme, self.unit.level)]

    # --- selections -------------------------------------------------------------------------------------------

    def in_area(self):
        return Certificate.objects.filter(**{f"product__{self.place_field}": self.unit})

    def metric_q(self, metric: str, days: int | None = None) -> Q:
        day, period = self.as_of, self.period
        if metric == "valid":
            return valid_on_q(day)
        if metric == "expiring":
            return valid_on_q(day) & Q(valid_until__lte=day + datetime.timedelta(days=days or EXPIRY_WINDOWS[0]))
        if metric == "expired":  # the state "expired" of certification.queries.state_on
            return Q(valid_from__lte=day, valid_until__lte=day) & (Q(ended_on__isnull=True) | Q(ended_on__gt=day))
        if metric == "revoked":
            return Q(end_reason=EndReason.REVOKED, ended_on__gte=period.start, ended_on__lte=period.end)
        if metric == "recognized":
            return Q(kind=DecisionKind.RECOGNITION, decision__date__gte=period.start, decision__date__lte=period.end)
        if metric == "renewed":
            return Q(
                kind__in=[DecisionKind.RE_RECOGNITION, DecisionKind.UPGRADE],
                decision__date__gte=period.start,
                decision__date__lte=period.end,
            )
        raise BadReportRequest(f"Chỉ số '{metric}' không có.")

    def certificates(self, selection: Selection = Selection()):
        """The certificates behind one number, with what the drill-down list shows."""
        qs = self.in_area().filter(self.metric_q(selection.metric, selection.days))
        if selection.stars:
            qs = qs.filter(stars=selection.stars)
        if selection.group:
            qs = qs.filter(product__group__code=selection.group, product__group__system=CategorySystem.S148)
        if selection.year:
            qs = qs.filter(decision__date__year=selection.year)
        if selection.producer_type:
            qs = qs.filter(product__producer__producer_type=selection.producer_type)
        if selection.child and self.child_field:
            key = f"product__{self.child_field}"
            if selection.child == "none":
                qs = qs.filter(**{f"{key}__isnull": True})
            else:
                code = selection.child.rpartition(":")[2]
                qs = qs.filter(**{f"{key}__code": code, f"{key}__parent": self.unit})
        return qs

    # --- figures ----------------------------------------------------------------------------------------------

    def figures(self) -> dict:
        """CONTRACT §6: the products valid on `as_of` in the area, by stars, group, recognition year, producers."""
        valid = self.certificates()
        totals = valid.aggregate(
            products=Count("product", distinct=True), producers=Count("product__producer", distinct=True)
        )
        by_stars = dict.fromkeys((str(s) for s in STARS), 0)
        for stars, n in valid.values_list("stars").annotate(n=Count("product", distinct=True)).order_by():
            by_stars[str(stars)] = n
        by_group = {code: 0 for code in _group_codes()}
        for code, n in valid.values_list("product__group__code").annotate(n=Count("product", distinct=True)).order_by():
            by_group[code] = n
        by_year = {
            str(year): n
            for year, n in valid.annotate(y=ExtractYear("decision__date"))
            .values_list("y")
            .annotate(n=Count("product", distinct=True))
            .order_by("y")
        }
        by_type = {t.value: 0 for t in ProducerType}
        for kind, n in (
            valid.values_list("product__producer__producer_type")
            .annotate(n=Count("product__producer", distinct=True))
            .order_by()
        ):
            by_type[kind] = n
        return {
            "as_of": self.as_of.isoformat(),
            "area": {"id": str(self.unit.area_id), "name": self.unit.name},
            "products": {
                "total": totals["products"],
                "by_stars": by_stars,
                "by_group": by_group,
                "by_recognition_year": by_year,
            },
            "producers": {"total": totals["producers"], "by_type": by_type},
            "children": self.children(valid),
        }

    def children(self, valid=None) -> list[dict]:
        if self.child_field is None:
            return []
        valid = valid if valid is not None else self.certificates()
        counts = dict(
            valid.values_list(f"product__{self.child_field}").annotate(n=Count("product", distinct=True)).order_by()
        )
        units = (
            AdministrativeUnit.objects.filter(parent=self.unit).order_by("code").only("scheme", "level", "code", "name")
        )
        return [{"id": str(u.area_id), "name": u.name, "products": counts.get(u.pk, 0)} for u in units]

    def not_placed(self, children: list[dict], total: int) -> int:
        """Products counted in the area whose unit one level down the records cannot decide."""
        return total - sum(c["products"] for c in children)

    def watch(self) -> dict:
        """The comparisons officials ask for, in one query: a year earlier, expiring, expired, revoked, recognised."""
        before = year_before(self.as_of)
        counts = {
            "previous_total": Count("product", distinct=True, filter=valid_on_q(before)),
            "expired": Count("product", distinct=True, filter=self.metric_q("expired")),
            "revoked": Count("product", distinct=True, filter=self.metric_q("revoked")),
            "recognized": Count("product", distinct=True, filter=self.metric_q("recognized")),
            "renewed": Count("product", distinct=True, filter=self.metric_q("renewed")),
        }
        for stars in STARS:
            counts[f"previous_{stars}"] = Count("product", distinct=True, filter=valid_on_q(before) & Q(stars=stars))
        for days in EXPIRY_WINDOWS:
            counts[f"expiring_{days}"] = Count("product", distinct=True, filter=self.metric_q("expiring", days))
        found = self.in_area().aggregate(**counts)
        found["previous_as_of"] = before
        found["previous_by_stars"] = {str(s): found.pop(f"previous_{s}") for s in STARS}
        found["expiring"] = {days: found.pop(f"expiring_{days}") for days in EXPIRY_WINDOWS}
        return found


def _group_codes() -> list[str]:
    return list(
        ProductCategory.objects.filter(system=CategorySystem.S148, level=CategoryLevel.GROUP)
        .order_by("position")
        .values_list("code", flat=True)
    )


def data_version() -> str:
    """Changes whenever the records change: every write is audited, and certificates are counted besides."""
    audit = AuditEntry.objects.aggregate(m=Max("id"))["m"]
    certs = Certificate.objects.aggregate(m=Max("id"), n=Count("id"))
    return f"{audit}-{certs['m']}-{certs['n']}"


def ocop_figures(unit: AdministrativeUnit, as_of: datetime.date) -> dict:
    """CONTRACT §6 figures, cached until the data changes (the key holds the data version)."""
    key = f"reports:ocop:{unit.scheme}:{unit.code}:{as_of.isoformat()}:{data_version()}"
    found = cache.get(key)
    if found is None:
        found = OcopReport(unit, as_of).figures()
        cache.set(key, found, timeout=24 * 3600)
    return found
