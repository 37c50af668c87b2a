"""Reads over linkage projects, investment projects and raw-material areas: who may see what, the lists' filters, the
yearly report (totals in SQL, for any area of either scheme) and a product's raw-material trend."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum

from accounts.scope import acts_only_as_producer
from areas.filters import within
from core.scoping import scope_q
from programme.models import (
    AreaCertification,
    InvestmentProject,
    InvestmentStage,
    LinkageProject,
    LinkageResult,
    LinkageStatus,
    RawMaterialArea,
    RawMaterialAreaYear,
)

VIEW, MANAGE = "programme.view", "programme.manage_linkages"

# Projects that count as carried out in a year (a project still being prepared has not started).
UNDER_WAY = (LinkageStatus.APPROVED, LinkageStatus.RUNNING, LinkageStatus.COMPLETED, LinkageStatus.STOPPED)


# --- who sees what ---------------------------------------------------------------------------------------------------


def linkages_for(user):
    """Projects `user` may open: those recorded by a province where they hold programme.view, and those covering a
    commune of theirs (a commune officer sees the province's projects in their commune). A producer account sees the
    projects its producers lead, take part in or supply a product to."""
    if not user.has_perm(VIEW):
        return LinkageProject.objects.none()
    if acts_only_as_producer(user):
        return LinkageProject.objects.filter(
            Q(lead__accounts=user)
            | Q(pk__in=LinkageProject.objects.filter(partners__producer__accounts=user).values("pk"))
            | Q(pk__in=LinkageProject.objects.filter(products__producer__accounts=user).values("pk"))
        )
    recorded = scope_q(user, VIEW, LinkageProject.scope_area_field)
    if recorded is None:
        return LinkageProject.objects.all()
    through = LinkageProject.communes.through.objects.filter(scope_q(user, VIEW, "administrativeunit"))
    return LinkageProject.objects.filter(recorded | Q(pk__in=through.values("linkageproject_id")))


def managed_linkages(user):
    return LinkageProject.objects.for_user(user, MANAGE)


def investments_for(user):
    """Investment projects of the user's provinces or communes; a producer account sees those its producers invest."""
    if not user.has_perm(VIEW):
        return InvestmentProject.objects.none()
    if acts_only_as_producer(user):
        return InvestmentProject.objects.filter(investor__accounts=user)
    recorded = scope_q(user, VIEW, InvestmentProject.scope_area_field)
    if recorded is None:
        return InvestmentProject.objects.all()
    through = InvestmentProject.communes.through.objects.filter(scope_q(user, VIEW, "administrativeunit"))
    return InvestmentProject.objects.filter(recorded | Q(pk__in=through.values("investmentproject_id")))


def managed_investments(user):
    return InvestmentProject.objects.for_user(user, MANAGE)


def raw_areas_for(user):
    """Raw-material areas of the products the user may see (a producer account: its own producers' products)."""
    if not user.has_perm(VIEW):
        return RawMaterialArea.objects.none()
    qs = RawMaterialArea.objects.for_user(user, VIEW)
    if acts_only_as_producer(user):
        qs = qs.filter(product__producer__accounts=user)
    return qs


def managed_raw_areas(user):
    return RawMaterialArea.objects.for_user(user, MANAGE)


# --- filters ---------------------------------------------------------------------------------------------------------


def year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def running_in_q(year: int) -> Q:
    """Projects whose contract runs during some of `year` (started by its end, not ended before its start)."""
    first, last = year_bounds(year)
    return Q(contract_start__lte=last) & (Q(contract_end__isnull=True) | Q(contract_end__gte=first))


def linkage_area_q(area) -> Q:
    """Projects recorded by `area` (a province) or covering a commune in it, either scheme, across the reform."""
    covering = LinkageProject.objects.filter(within(area, "communes")).values("pk")
    return within(area, "province") | Q(pk__in=covering)


def investment_area_q(area) -> Q:
    covering = InvestmentProject.objects.filter(within(area, "communes")).values("pk")
    return within(area, "province") | Q(pk__in=covering)


def filter_linkages(qs, *, area=None, status="", year=None, product=None):
    if area is not None:
        qs = qs.filter(linkage_area_q(area))
    if status:
        qs = qs.filter(status=status)
    if year:
        qs = qs.filter(running_in_q(year))
    if product is not None:
        qs = qs.filter(pk__in=LinkageProject.objects.filter(products=product).values("pk"))
    return qs


def filter_investments(qs, *, area=None, stage=""):
    if area is not None:
        qs = qs.filter(investment_area_q(area))
    if stage:
        qs = qs.filter(stage=stage)
    return qs


def filter_raw_areas(qs, *, area=None, certification="", product=None):
    if area is not None:
        qs = qs.filter(within(area, "product__location"))
    if certification:
        qs = qs.filter(certification=certification)
    if product is not None:
        qs = qs.filter(product=product)
    return qs


def linkage_rows(qs):
    """A list page's rows: related names in the same query, counts annotated (constant queries per page)."""
    return (
        qs.select_related("province", "lead")
        .annotate(
            partner_count=Count("partners", distinct=True),
            commune_count=Count("communes", distinct=True),
        )
        .order_by("-contract_start", "-id")
    )


# --- report ----------------------------------------------------------------------------------------------------------


@dataclass
class StatusRow:
    status: str
    projects: int = 0
    area_ha: object = 0
    households: int = 0
    contract_value: int = 0
    support_approved: int = 0

    @property
    def label(self):
        return LinkageStatus(self.status).label if self.status else ""


@dataclass
class LinkageReport:
    year: int
    area: object
    started: int
    running: int
    running_area_ha: object
    running_households: int
    running_contract_value: int
    support_started: int
    by_status: list
    results_projects: int
    results_area_ha: object
    results_value: int
    results_households: int
    outputs: list  # [(unit, total)]
    investments: list  # [{"stage", "label", "n", "planned", "planted"}]
    raw_areas: list  # [{"certification", "label", "n", "area", "output", "households"}]
    raw_total: dict = field(default_factory=dict)


def linkage_report(user, *, year: int, area=None) -> LinkageReport:
    """The year's figures of the projects `user` may see (within `area`, either scheme): projects started in the year
    (contract start), projects running in it (contract overlapping the year, past preparation) with their area,
    households and contracted value, the results recorded for the year, investment projects by stage, and the
    raw-material areas' yearly figures by certification. Every total is one SQL aggregate (eight queries)."""
    projects = linkages_for(user)
    if area is not None:
        projects = projects.filter(linkage_area_q(area))
    ids = projects.values("pk")
    scoped = LinkageProject.objects.filter(pk__in=ids)
    started = scoped.filter(contract_start__year=year).aggregate(n=Count("pk"), support=Sum("support_approved"))
    running_qs = scoped.filter(running_in_q(year), status__in=UNDER_WAY)
    running = running_qs.aggregate(
        n=Count("pk"), area=Sum("area_ha"), households=Sum("households"), value=Sum("contract_value")
    )
    by_status = [
        StatusRow(
            status=r["status"],
            projects=r["n"],
            area_ha=r["area"] or 0,
            households=r["households"] or 0,
            contract_value=int(r["value"] or 0),
            support_approved=int(r["support"] or 0),
        )
        for r in running_qs.values("status")
        .annotate(
            n=Count("pk"),
            area=Sum("area_ha"),
            households=Sum("households"),
            value=Sum("contract_value"),
            support=Sum("support_approved"),
        )
        .order_by("status")
    ]
    results = LinkageResult.objects.filter(project__in=ids, year=year)
    result_totals = results.aggregate(
        n=Count("project", distinct=True), area=Sum("area_ha"), value=Sum("value"), households=Sum("households")
    )
    outputs = [
        (r["output_unit"], r["total"])
        for r in results.filter(output__isnull=False).values("output_unit").annotate(total=Sum("output")).order_by()
    ]
    investments = investments_for(user)
    if area is not None:
        investments = investments.filter(investment_area_q(area))
    investment_rows = [
        {**r, "label": InvestmentStage(r["stage"]).label}
        for r in InvestmentProject.objects.filter(pk__in=investments.values("pk"))
        .values("stage")
        .annotate(n=Count("pk"), planned=Sum("planned_area_ha"), planted=Sum("planted_area_ha"))
        .order_by("stage")
    ]
    raw = raw_areas_for(user)
    if area is not None:
        raw = raw.filter(within(area, "product__location"))
    raw_years = RawMaterialAreaYear.objects.filter(raw_area__in=raw.values("pk"), year=year)
    aggregates = {
        "n": Count("raw_area", distinct=True),
        "area": Sum("area_ha"),
        "output": Sum("output_tonnes"),
        "households": Sum("households"),
    }
    raw_rows = [
        {**r, "label": AreaCertification(r["raw_area__certification"]).label}
        for r in raw_years.values("raw_area__certification").annotate(**aggregates).order_by("raw_area__certification")
    ]
    return LinkageReport(
        year=year,
        area=area,
        started=started["n"] or 0,
        support_started=int(started["support"] or 0),
        running=running["n"] or 0,
        running_area_ha=running["area"] or 0,
        running_households=running["households"] or 0,
        running_contract_value=int(running["value"] or 0),
        by_status=by_status,
        results_projects=result_totals["n"] or 0,
        results_area_ha=result_totals["area"] or 0,
        results_value=int(result_totals["value"] or 0),
        results_households=result_totals["households"] or 0,
        outputs=outputs,
        investments=investment_rows,
        raw_areas=raw_rows,
        raw_total=raw_years.aggregate(**aggregates),
    )


# --- a product's raw material ----------------------------------------------------------------------------------------


def raw_area_trend(product):
    """A product's raw-material figures year by year, summed over its areas: [{year, area, output, households,
    areas}], oldest first. One query."""
    return list(
        RawMaterialAreaYear.objects.filter(raw_area__product=product)
        .values("year")
        .annotate(
            area=Sum("area_ha"),
            output=Sum("output_tonnes"),
            households=Sum("households"),
            areas=Count("raw_area", distinct=True),
        )
        .order_by("year")
    )
