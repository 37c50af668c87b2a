"""Reads over the support ledger shared by the pages, the Excel export and the API: who may see which lines, the
filter, totals by source, purpose, supporter, year and area one level down (SQL aggregation), and support against
the product's results in later years.

Totals never turn a missing amount into 0 silently: each group counts its lines whose planned and disbursed amounts
are both unknown ("chưa xác định kinh phí"), and the sums are over the known amounts only.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Max, Min, Q, Sum

from accounts.scope import acts_only_as_producer
from areas.choices import Level, Scheme
from areas.models import AdministrativeUnit
from core.scoping import scope_q
from programme.choices import FundingSource, SupporterLevel, SupportPurpose
from programme.models import SupportLine

VIEW = "programme.view"

# The place fields (programme.models.funding) holding a unit of each (scheme, level), and the one a level down.
PLACE_LEVELS = {
    (Scheme.PRE2025, Level.PROVINCE): ("old_province", "old_district"),
    (Scheme.PRE2025, Level.DISTRICT): ("old_district", "old_commune"),
    (Scheme.PRE2025, Level.COMMUNE): ("old_commune", None),
    (Scheme.S2025, Level.PROVINCE): ("new_province", "new_commune"),
    (Scheme.S2025, Level.COMMUNE): ("new_commune", None),
}
COUNTRY_CHILDREN = "new_province"  # without an area: the provinces of today's scheme


def lines_for(user):
    """Lines `user` may read: those recorded by a province where they hold programme.view, and those whose
    beneficiary lies in their areas (a commune's officer sees the support of their commune). A producer account sees
    only the lines of the producers linked to it, not its commune's."""
    if not user.has_perm(VIEW):
        return SupportLine.objects.none()
    if acts_only_as_producer(user):
        return SupportLine.objects.filter(producer__accounts=user)
    recorded = scope_q(user, VIEW, "province")
    if recorded is None:
        return SupportLine.objects.all()
    return SupportLine.objects.filter(recorded | scope_q(user, VIEW, "place"))


def managed_lines(user):
    return SupportLine.objects.for_user(user, "programme.manage_funding")


def area_q(area) -> Q:
    """Lines placed in `area` (a unit of either scheme): by the stored place field of the area's scheme and level,
    so a line of an old district's commune counts in the new province that took the commune."""
    place_field, _child = PLACE_LEVELS[(area.scheme, area.level)]
    return Q(**{place_field: area})


@dataclass
class Filters:
    """The list's, report's and API's one filter (programme.funding_forms.SupportFilterForm builds it)."""

    year_from: int | None = None
    year_to: int | None = None
    area: AdministrativeUnit | None = None
    source: str = ""
    purpose: str = ""
    supporter: str = ""
    product: int | None = None

    def apply(self, qs):
        if self.year_from is not None:
            qs = qs.filter(year__gte=self.year_from)
        if self.year_to is not None:
            qs = qs.filter(year__lte=self.year_to)
        if self.area is not None:
            qs = qs.filter(area_q(self.area))
        if self.source:
            qs = qs.filter(source=self.source)
        if self.purpose:
            qs = qs.filter(purpose=self.purpose)
        if self.supporter:
            qs = qs.filter(supporter=self.supporter)
        if self.product is not None:
            qs = qs.filter(product_id=self.product)
        return qs


def filtered_lines(user, filters: Filters):
    return filters.apply(lines_for(user))


# --- totals --------------------------------------------------------------------------------------------------------

UNKNOWN = Q(amount_planned__isnull=True, amount_disbursed__isnull=True)
AGGREGATES = {
    "lines": Count("pk"),
    "planned": Sum("amount_planned"),
    "disbursed": Sum("amount_disbursed"),
    "unknown": Count("pk", filter=UNKNOWN),
}


@dataclass
class TotalRow:
    key: object
    label: str
    lines: int = 0
    planned: int = 0
    disbursed: int = 0
    unknown: int = 0  # lines with neither a planned nor a disbursed amount

    @classmethod
    def of(cls, key, label, values: dict):
        return cls(
            key=key,
            label=str(label),
            lines=values.get("lines") or 0,
            planned=int(values.get("planned") or 0),
            disbursed=int(values.get("disbursed") or 0),
            unknown=values.get("unknown") or 0,
        )


@dataclass
class Totals:
    total: TotalRow
    by_source: list = field(default_factory=list)
    by_purpose: list = field(default_factory=list)
    by_supporter: list = field(default_factory=list)
    by_year: list = field(default_factory=list)
    by_area: list = field(default_factory=list)
    area: AdministrativeUnit | None = None

    @property
    def groupings(self):
        return [
            ("source", self.by_source),
            ("purpose", self.by_purpose),
            ("supporter", self.by_supporter),
            ("area", self.by_area),
            ("year", self.by_year),
        ]


def _grouped(qs, key: str) -> dict:
    return {r[key]: r for r in qs.values(key).annotate(**AGGREGATES).order_by()}


def _by_choices(qs, key: str, choices, blank_label=None) -> list[TotalRow]:
    found = _grouped(qs, key)
    rows = [TotalRow.of(value, label, found[value]) for value, label in choices if value in found]
    if "" in found:  # a choice left blank (supporter)
        rows.append(TotalRow.of("", blank_label, found[""]))
    return rows


def child_field(area) -> str | None:
    if area is None:
        return COUNTRY_CHILDREN
    return PLACE_LEVELS[(area.scheme, area.level)][1]


def _by_area(qs, area) -> list[TotalRow]:
    """One row per unit one level down the area (in its scheme), then the lines placed in the area but not at that
    level ("không xác định được"): an old commune split between new communes, a line placed at the province."""
    from django.utils.translation import gettext as _

    child = child_field(area)
    if child is None:
        return []
    found = _grouped(qs, child)
    names = dict(AdministrativeUnit.objects.filter(pk__in=[k for k in found if k]).values_list("pk", "name"))
    rows = sorted(
        (TotalRow.of(pk, names[pk], values) for pk, values in found.items() if pk),
        key=lambda r: r.label,
    )
    if None in found:
        rows.append(TotalRow.of(None, _("Không xác định được đơn vị cấp dưới"), found[None]))
    return rows


def support_totals(qs, *, area=None) -> Totals:
    """Totals of the (already scoped and filtered) lines in each grouping: six aggregate queries and one for the
    names of the area's units, whatever the number of lines."""
    from django.utils.translation import gettext as _

    total = TotalRow.of(None, _("Tổng cộng"), qs.aggregate(**AGGREGATES))
    by_year = [TotalRow.of(r["year"], r["year"], r) for r in qs.values("year").annotate(**AGGREGATES).order_by("year")]
    return Totals(
        total=total,
        by_source=_by_choices(qs, "source", FundingSource.choices),
        by_purpose=_by_choices(qs, "purpose", SupportPurpose.choices),
        by_supporter=_by_choices(qs, "supporter", SupporterLevel.choices, _("Chưa ghi cấp hỗ trợ")),
        by_year=by_year,
        by_area=_by_area(qs, area),
        area=area,
    )


# --- the product page's slot -------------------------------------------------------------------------------------


def product_support(lines) -> list[dict]:
    """Support a product received, by year and source (newest year first): one aggregate query."""
    labels = dict(FundingSource.choices)
    return [
        {**r, "source_label": labels.get(r["source"], r["source"])}
        for r in lines.values("year", "source").annotate(**AGGREGATES).order_by("-year", "source")
    ]


# --- support against results -------------------------------------------------------------------------------------


@dataclass
class ResultYear:
    year: int
    disbursed: int | None = None  # None: no line that year; 0 with unknown > 0: lines without an amount
    lines: int = 0
    unknown: int = 0
    stars: int | None = None  # stars of the certificate in force on 31/12 (today for the current year)
    output: object = None
    output_unit: str = ""
    revenue: object = None
    reported: bool = False


@dataclass
class ProductResults:
    product: object
    first_year: int
    total_disbursed: int
    years: list


def supported_products(lines):
    """The products of the lines with their first support year and total disbursed, ordered by name: one query,
    paginated by the caller."""
    return (
        lines.filter(product__isnull=False)
        .values("product", "product__name", "product__producer__name")
        .annotate(first_year=Min("year"), last_year=Max("year"), disbursed=Sum("amount_disbursed"))
        .order_by("product__name", "product")
    )


def _monitoring_by_product(product_ids) -> dict:
    """{(product id, year): approved monitoring report} when the monitoring model exists (issue 17, built beside
    this one); {} otherwise, and the page shows stars only."""
    try:
        from programme.models import MonitoringReport  # noqa: PLC0415
    except ImportError:
        return {}
    reports = MonitoringReport.objects.filter(product_id__in=product_ids, status="approved")
    return {(r.product_id, r.year): r for r in reports}


def monitoring_available() -> bool:
    import programme.models as models

    return hasattr(models, "MonitoringReport")


def results_for(rows, lines, *, today) -> list[ProductResults]:
    """For the products of one page (`rows` from supported_products): disbursed per year beside the stars held and the
    approved yearly monitoring report's output and revenue, from the first support year to this year. Three queries
    whatever the number of products on the page."""
    import datetime

    from certification.models import Certificate
    from certification.queries import holding_on
    from products.models import Product

    rows = list(rows)
    ids = [r["product"] for r in rows]
    products = {p.pk: p for p in Product.objects.filter(pk__in=ids).select_related("producer")}
    certificates = defaultdict(list)
    for certificate in Certificate.objects.filter(product_id__in=ids).order_by("valid_from", "id"):
        certificates[certificate.product_id].append(certificate)
    per_year = {
        (r["product"], r["year"]): r
        for r in lines.filter(product_id__in=ids).values("product", "year").annotate(**AGGREGATES).order_by()
    }
    reports = _monitoring_by_product(ids)
    found = []
    for row in rows:
        pk = row["product"]
        years = []
        for year in range(row["first_year"], max(today.year, row["last_year"]) + 1):
            day = min(datetime.date(year, 12, 31), today)
            holding = holding_on(products[pk], day, certificates[pk])
            support = per_year.get((pk, year))
            report = reports.get((pk, year))
            years.append(
                ResultYear(
                    year=year,
                    disbursed=int(support["disbursed"] or 0) if support else None,
                    lines=support["lines"] if support else 0,
                    unknown=support["unknown"] if support else 0,
                    stars=holding.certificate.stars if holding.is_valid else None,
                    output=getattr(report, "output_quantity", None),
                    output_unit=getattr(report, "output_unit", "") or "",
                    revenue=getattr(report, "revenue", None),
                    reported=report is not None,
                )
            )
        found.append(ProductResults(products[pk], row["first_year"], int(row["disbursed"] or 0), years))
    return found
