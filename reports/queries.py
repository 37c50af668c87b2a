"""The OCOP statistics engine: every figure is a query over the certificates, for one date and one area.

A product counts in an area on a date when it holds a certificate valid that day (Certificate.objects.valid_on,
the SQL twin of certification.queries.state_on) and its place in the area's scheme (products.placement) lies
in the area. Potential 5★ products (proposed to the ministry, not yet decided there: evaluation.proposals) are
placed the same way and counted beside the total, not in it. The API, the dashboard, its Excel and PDF exports, the
narrative and the drill-down lists all read their numbers from here, so they cannot disagree.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Q, Subquery, Value
from django.db.models.functions import ExtractYear
from django.utils.translation import get_language

from areas.choices import Level, Scheme
from areas.identifiers import AreaId
from areas.models import AdministrativeUnit
from areas.queries import COUNTRY_LEVEL, Country
from certification.choices import DecisionKind, EndReason
from certification.models import Certificate, valid_on_q
from core.errors import DomainError
from core.forms import date_range_message, in_date_range
from evaluation.council_models import MinistryProposal
from evaluation.proposals import pending_on_q, potential_five_star
from producers.choices import ProducerType
from products.choices import CategoryLevel, CategorySystem
from products.models import Product, ProductCategory
from reports.cache import cached, prepared, prepared_row

STARS = (3, 4, 5)
EXPIRY_WINDOWS = (30, 90)
# Who may ask for the whole country (`vn`): a nationwide scope for this action (areas.queries.report_area).
NATIONWIDE_ACTION = "certification.view"
POTENTIAL = "potential_5_star"  # CONTRACT §6: proposed to the ministry, not yet decided there (evaluation.proposals)

# The place fields of products.placement that hold a unit of each (scheme, level), and one level down.
_PLACE = {
    (Scheme.PRE2025, Level.PROVINCE): ("old_province", "old_district"),
    (Scheme.PRE2025, Level.DISTRICT): ("old_district", "old_commune"),
    (Scheme.PRE2025, Level.COMMUNE): ("old_commune", None),
    (Scheme.S2025, Level.PROVINCE): ("new_province", "new_commune"),
    (Scheme.S2025, Level.COMMUNE): ("new_commune", None),
    # The whole country (`vn`): every product placed in a province of the scheme, one level down its province.
    (Scheme.PRE2025, COUNTRY_LEVEL): (None, "old_province"),
    (Scheme.S2025, COUNTRY_LEVEL): (None, "new_province"),
}


class BadReportRequest(DomainError):
    status = 400


def parse_as_of(text) -> datetime.date:
    if isinstance(text, datetime.date):
        day = text
    else:
        try:
            day = datetime.date.fromisoformat((text or "").strip())
        except ValueError:
            raise BadReportRequest(f"Ngày '{text}' không hợp lệ: cần dạng YYYY-MM-DD, ví dụ 2022-03-31.") from None
    if not in_date_range(day):  # 0001-01-01 or 9999-12-31 would overflow the year-before and period arithmetic
        raise BadReportRequest(date_range_message(), field="as_of")
    return day


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
    """Which certificates (for potential 5★: which products) a number stands for: the drill-down list of that number
    uses the same selection."""

    metric: str = "valid"  # valid | expiring | expired | revoked | recognized | renewed | potential_5_star
    stars: int | None = None
    group: str | None = None
    year: int | None = None  # year of the decision of the certificate itself (the one in force, for `valid`)
    first_year: int | None = None  # year of the product's first recognition (its earliest certificate)
    producer_type: str | None = None
    child: str | None = None  # area id of a unit one level down; "none" = not placed at that level
    days: int | None = None  # for `expiring`

    METRICS = ("valid", "expiring", "expired", "revoked", "recognized", "renewed", POTENTIAL)

    @property
    def lists_products(self) -> bool:
        """Potential 5★ products have no certificate to list (or not the one the number is about): list products."""
        return self.metric == POTENTIAL


@dataclass
class OcopReport:
    unit: AdministrativeUnit | Country
    as_of: datetime.date
    period: Period = field(default=None)

    def __post_init__(self):
        if self.period is None:
            self.period = Period.year_to_date(self.as_of)
        self.place_field, self.child_field = _PLACE[(self.unit.scheme, self.unit.level)]

    # --- selections -------------------------------------------------------------------------------------------

    @property
    def national(self) -> bool:
        return self.place_field is None

    def _in_area(self, prefix: str) -> dict:
        if self.national:  # placed in some province of the scheme: the country is the sum of its provinces
            return {f"{prefix}{self.child_field}__isnull": False}
        return {f"{prefix}{self.place_field}": self.unit}

    def in_area(self):
        return Certificate.objects.filter(**self._in_area("product__"))

    def products_in_area(self):
        return Product.objects.filter(**self._in_area(""))

    def metric_q(self, metric: str, days: int | None = None) -> Q:
        day, period = self.as_of, self.period
        if metric == "valid":
            return valid_on_q(day)
        if metric == "expiring":
            return valid_on_q(day) & Q(valid_until__lt=self.expiring_before(days or EXPIRY_WINDOWS[0]))
        if metric == "expired":  # the state "expired" of certification.queries.state_on
            return Q(valid_from__lte=day, valid_until__lt=day) & (Q(ended_on__isnull=True) | Q(ended_on__gt=day))
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
        if selection.year:
            qs = qs.filter(decision__date__year=selection.year)
        if selection.first_year:
            qs = qs.alias(first_day=first_recognition_day()).filter(first_day__year=selection.first_year)
        return self._narrow(qs, selection, "product__")

    def potential_products(self, selection: Selection = Selection(metric=POTENTIAL)):
        """The area's potential 5★ products on `as_of` (evaluation.proposals.potential_five_star), narrowed by the
        selection's group, producer type and child unit."""
        return potential_five_star(self.as_of, self._narrow(self.products_in_area(), selection, ""))

    def potential_rows(self, selection: Selection = Selection(metric=POTENTIAL)):
        """The potential 5★ products with what their list shows: the pending proposal (the latest, should a product
        have two) and the stars of a certificate the product holds on the day, if any."""
        pending = MinistryProposal.objects.filter(pending_on_q(self.as_of), item__product=OuterRef("pk")).order_by(
            "-letter_date", "-pk"
        )
        held = Certificate.objects.filter(valid_on_q(self.as_of), product=OuterRef("pk")).order_by("-valid_from")
        shown = {
            name: Subquery(pending.values(source)[:1])
            for name, source in (
                ("provincial_score", "item__mean"),
                ("approval_no", "approval_no"),
                ("approval_date", "approval_date"),
                ("letter_no", "letter_no"),
                ("letter_date", "letter_date"),
            )
        }
        return self.potential_products(selection).annotate(**shown, held_stars=Subquery(held.values("stars")[:1]))

    def _narrow(self, qs, selection: Selection, prefix: str):
        """Filters a number shares whether it counts certificates (prefix "product__") or products (prefix "")."""
        if selection.group:
            qs = qs.filter(**{f"{prefix}group__code": selection.group, f"{prefix}group__system": CategorySystem.S148})
        if selection.producer_type:
            qs = qs.filter(**{f"{prefix}producer__producer_type": selection.producer_type})
        if selection.child and self.child_field:
            key = f"{prefix}{self.child_field}"
            if selection.child == "none":
                qs = qs.filter(**{f"{key}__isnull": True})
            else:
                code = selection.child.rpartition(":")[2]
                holder = {f"{key}__parent__isnull": True} if self.national else {f"{key}__parent": self.unit}
                qs = qs.filter(**{f"{key}__code": code}, **holder)
        return qs

    # --- figures ----------------------------------------------------------------------------------------------
    #
    # Each figure query is compiled once per shape (reports.cache.prepared): built here on a stand-in report whose
    # date(s) and unit id are placeholders, then run with this report's values. Everything a builder reads from the
    # report besides those values must be in the shape's key.

    def expiring_before(self, days: int) -> datetime.date:
        return self.as_of + datetime.timedelta(days=days)

    @property
    def previous_day(self) -> datetime.date:
        return year_before(self.as_of)

    def _values(self, **dates) -> dict:
        values = {"as_of": self.as_of, **dates}
        if not self.national:
            values["unit"] = self.unit.pk
        return values

    def _shape(self, as_of, unit=None, start=None, end=None, **dates) -> "OcopReport":
        """The report that builds the SQL: the same area kind and scheme, placeholder values."""
        stand_in = (
            self.unit if unit is None else AdministrativeUnit(pk=unit, scheme=self.unit.scheme, level=self.unit.level)
        )
        period = Period(start, end) if start is not None else Period(as_of, as_of)
        return _Shape(stand_in, as_of, period, dates=dates)

    def _row(self, name: str, build, *shape, **dates) -> dict:
        key = ("ocop", name, self.unit.scheme, self.unit.level, *shape)
        return prepared_row(key, lambda **v: build(self._shape(**v)), **self._values(**dates))

    def _rows(self, name: str, build, *shape, **dates) -> list[tuple]:
        key = ("ocop", name, self.unit.scheme, self.unit.level, *shape)
        return prepared(key, lambda **v: build(self._shape(**v)), **self._values(**dates))[1]

    def figures(self) -> dict:
        """CONTRACT §6: the products valid on `as_of` in the area, by stars, group, recognition year, producers."""
        groups = tuple(_groups())
        totals = self._row("totals", lambda r: _one_row(r.certificates(), _figure_counts(groups)), groups)
        by_stars = {str(s): totals[f"stars_{s}"] for s in STARS}
        by_group = {code: totals[f"group_{pk}"] for pk, code in groups}
        by_type = {t.value: totals[f"type_{t.value}"] for t in ProducerType}
        by_year = {_year(y): n for y, n in self._rows("by-year", _by_decision_year)}
        # Issue 11 §11: the seeds report cohorts by first recognition, which re-recognitions and upgrades must not move.
        by_first_year = {_year(y): n for y, n in self._rows("by-first-year", _by_first_year)}
        potential = self.potential_counts()
        return {
            "as_of": self.as_of.isoformat(),
            "area": {"id": str(self.unit.area_id), "name": str(self.unit.name)},
            "products": {
                "total": totals["products"],
                "by_stars": by_stars,
                "by_group": by_group,
                "by_recognition_year": by_year,
                "by_first_recognition_year": by_first_year,
                "potential_5_star": potential["total"],
            },
            "producers": {"total": totals["producers"], "by_type": by_type},
            "children": self.children(potential["by_child"]),
        }

    def potential_counts(self) -> dict:
        """{"total": n, "by_child": {unit id or None: n}} of the potential 5★ products, in one query."""
        if self.child_field is None:
            total = self._row("potential", lambda r: _one_row(r.potential_products(), {"n": Count("pk")}))["n"]
            return {"total": total, "by_child": {}}
        by_child = dict(
            self._rows(
                "potential-by-child",
                lambda r: r.potential_products().values_list(r.child_field).annotate(n=Count("pk")).order_by(),
            )
        )
        return {"total": sum(by_child.values()), "by_child": by_child}

    def children(self, potential=None) -> list[dict]:
        if self.child_field is None:
            return []
        potential = potential if potential is not None else self.potential_counts()["by_child"]
        counts = dict(
            self._rows(
                "by-child",
                lambda r: (
                    r.certificates()
                    .values_list(f"product__{r.child_field}")
                    .annotate(n=Count("product", distinct=True))
                    .order_by()
                ),
            )
        )
        units = self._rows(
            "child-units", lambda r: r.child_units().order_by("code").values_list("pk", "scheme", "code", "name")
        )
        return [
            {
                "id": str(AreaId(scheme, code)),
                "name": name,
                "products": counts.get(pk, 0),
                "potential_5_star": potential.get(pk, 0),
            }
            for pk, scheme, code, name in units
        ]

    def child_units(self):
        """The units one level down: the provinces of the country's scheme, or the unit's children."""
        return self.unit.provinces() if self.national else AdministrativeUnit.objects.filter(parent=self.unit)

    def not_placed(self, children: list[dict], total: int) -> int:
        """Products counted in the area whose unit one level down the records cannot decide."""
        return total - sum(c["products"] for c in children)

    def watch(self) -> dict:
        """The comparisons officials ask for, in one query: a year earlier, expiring, expired, revoked, recognised."""
        dates = {
            "start": self.period.start,
            "end": self.period.end,
            "before": self.previous_day,
            **{f"expiring_{days}": self.expiring_before(days) for days in EXPIRY_WINDOWS},
        }
        found = self._row("watch", lambda r: _one_row(r.in_area(), r._watch_counts()), **dates)
        found["previous_as_of"] = dates["before"]
        found["previous_by_stars"] = {str(s): found.pop(f"previous_{s}") for s in STARS}
        found["expiring"] = {days: found.pop(f"expiring_{days}") for days in EXPIRY_WINDOWS}
        return found

    def _watch_counts(self) -> dict:
        before = self.previous_day
        counts = {
            "previous_total": Count("product", distinct=True, filter=valid_on_q(before)),
            "expired": Count("product", distinct=True, filter=self.metric_q("expired")),
            "revoked": Count("product", distinct=True, filter=self.metric_q("revoked")),
            "recognized": Count("product", distinct=True, filter=self.metric_q("recognized")),
            "renewed": Count("product", distinct=True, filter=self.metric_q("renewed")),
            # Potential 5★ products already counted in the total (they hold a valid 3★/4★ certificate): the dashboard
            # says how many, so nobody adds the two figures.
            "potential_certified": Count(
                "product",
                distinct=True,
                filter=valid_on_q(self.as_of) & Q(product__in=potential_five_star(self.as_of).values("pk")),
            ),
        }
        for stars in STARS:
            counts[f"previous_{stars}"] = Count("product", distinct=True, filter=valid_on_q(before) & Q(stars=stars))
        for days in EXPIRY_WINDOWS:
            counts[f"expiring_{days}"] = Count("product", distinct=True, filter=self.metric_q("expiring", days))
        return counts


class _Shape(OcopReport):
    """A stand-in report: dates derived from `as_of` in Python are placeholders of their own (reports.cache.prepared
    replaces values, it cannot redo arithmetic)."""

    def __init__(self, unit, as_of, period, *, dates):
        super().__init__(unit, as_of, period)
        self.dates = dates

    def expiring_before(self, days: int) -> datetime.date:
        return self.dates[f"expiring_{days}"]

    @property
    def previous_day(self) -> datetime.date:
        return self.dates["before"]


def _one_row(qs, counts: dict):
    """`qs.aggregate(**counts)` as a queryset (one row, no GROUP BY), so its SQL can be compiled once."""
    return qs.values(_=Value(1)).annotate(**counts).order_by()


def _figure_counts(groups) -> dict:
    """One scan for the totals and every fixed breakdown (stars, groups, producer types): conditional counts, each
    distinct as the per-dimension GROUP BYs were (a product counts once whatever certificates it holds)."""
    counts = {"products": Count("product", distinct=True), "producers": Count("product__producer", distinct=True)}
    for stars in STARS:
        counts[f"stars_{stars}"] = Count("product", distinct=True, filter=Q(stars=stars))
    for pk, _code in groups:
        counts[f"group_{pk}"] = Count("product", distinct=True, filter=Q(product__group_id=pk))
    for kind in ProducerType:
        counts[f"type_{kind.value}"] = Count(
            "product__producer", distinct=True, filter=Q(product__producer__producer_type=kind.value)
        )
    return counts


def _by_decision_year(report: OcopReport):
    return (
        report.certificates()
        .annotate(y=_Year("decision__date"))
        .values_list("y")
        .annotate(n=Count("product", distinct=True))
        .order_by("y")
    )


def _by_first_year(report: OcopReport):
    return (
        report.certificates()
        .annotate(y=_Year(first_recognition_day()))
        .values_list("y")
        .annotate(n=Count("product", distinct=True))
        .order_by("y")
    )


class _Year(ExtractYear):
    """ExtractYear without Django's Python function on SQLite, which it calls once per row (a third of the country's
    report time): SQLite stores dates as ISO text, so strftime reads the year in C."""

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.lhs)
        return f"CAST(strftime('%%Y', {sql}) AS integer)", params


def _year(value) -> str:
    """A year as the figures' key; PostgreSQL's EXTRACT answers a numeric."""
    return str(value if value is None else int(value))


def first_recognition_day(product_ref: str = "product"):
    """The decision date of the product's earliest certificate (its first recognition, whatever re-recognitions or
    upgrades came after), as a subquery on the outer row's product."""
    first = Certificate.objects.filter(product=OuterRef(product_ref)).order_by("decision__date", "pk")
    return Subquery(first.values("decision__date")[:1])


def _groups() -> list[tuple[int, str]]:
    """(id, code) of the six 148 groups, in their order."""
    build = lambda: (  # noqa: E731
        ProductCategory.objects.filter(system=CategorySystem.S148, level=CategoryLevel.GROUP)
        .order_by("position")
        .values_list("pk", "code")
    )
    return [tuple(row) for row in prepared(("ocop", "groups"), build)[1]]


def ocop_figures(unit: AdministrativeUnit | Country, as_of: datetime.date, version: int | None = None) -> dict:
    """CONTRACT §6 figures, cached until the data changes (reports.cache: the key holds the data version)."""
    return cached(
        "ocop",
        unit.scheme,
        unit.area_id,
        as_of.isoformat(),
        get_language(),  # the country's name is translated
        compute=lambda: OcopReport(unit, as_of).figures(),
        version=version,
    )


def ocop_watch(report: OcopReport, version: int | None = None) -> dict:
    """OcopReport.watch(), cached the same way (its figures depend on the date, the area and the period)."""
    return cached(
        "ocop-watch",
        report.unit.scheme,
        report.unit.area_id,
        report.as_of.isoformat(),
        report.period.start.isoformat(),
        report.period.end.isoformat(),
        compute=report.watch,
        version=version,
    )
