"""`/api/v1/programme/funding…`: the support ledger (scoped as the pages, same filter), its totals, and a new line."""

import datetime

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from api.auth import AUTH
from api.schemas import ERRORS, Paginated
from areas.queries import get_unit
from core.errors import DomainError, PermissionRefused
from producers.models import Producer
from products.models import Product
from programme import funding_services
from programme.funding_forms import SupportFilterForm
from programme.funding_queries import lines_for, support_totals
from programme.models import LinkageProject, PlanLine

router = Router(tags=["programme"], auth=AUTH)
MANAGE = "programme.manage_funding"


class SupportLineOut(Schema):
    id: int
    province: str = Field(description="area id of the recording province")
    year: int
    producer_id: int | None
    product_id: int | None
    linkage_project_id: int | None
    commune: str | None = Field(description="area id of the supported commune")
    plan_line_id: int | None
    beneficiary: str
    purpose: str
    source: str
    supporter: str
    amount_planned: int | None = Field(description="đồng; null = not determined")
    amount_disbursed: int | None = Field(description="đồng; null = nothing recorded")
    disbursed_on: datetime.date | None
    decision_no: str
    decision_date: datetime.date | None
    note: str

    @staticmethod
    def resolve_province(obj):
        return str(obj.province.area_id)

    @staticmethod
    def resolve_commune(obj):
        return str(obj.commune.area_id) if obj.commune_id else None

    @staticmethod
    def resolve_beneficiary(obj):
        return obj.beneficiary_label

    @staticmethod
    def resolve_amount_planned(obj):
        return int(obj.amount_planned) if obj.amount_planned is not None else None

    @staticmethod
    def resolve_amount_disbursed(obj):
        return int(obj.amount_disbursed) if obj.amount_disbursed is not None else None


class FundingFilterIn(Schema):
    year: int | None = Field(None, description="one year (overrides year_from / year_to)")
    year_from: int | None = None
    year_to: int | None = None
    area: str = Field("", max_length=20, description="area id of either scheme, e.g. 2025:11 or pre2025:062")
    source: str = Field("", max_length=15)
    purpose: str = Field("", max_length=20)
    supporter: str = Field("", max_length=10)
    product: int | None = Field(None, description="product id")


def _filters(params: FundingFilterIn):
    """The page's filter form on the API's parameters; an invalid value answers 400 naming its field."""
    form = SupportFilterForm({k: v for k, v in params.dict().items() if v not in ("", None)})
    if not form.is_valid():
        name, errors = next(iter(form.errors.items()))
        raise DomainError(" ".join(errors), field=None if name == "__all__" else name)
    return form.filters()


LINE_RELATIONS = ("province", "producer", "product__producer", "linkage_project", "commune")


@router.get(
    "/funding",
    response={200: list[SupportLineOut], **ERRORS},
    summary="Support lines in the caller's areas (same filter as the page)",
)
@paginate(Paginated)
def list_support(request, filters: Query[FundingFilterIn]):
    qs = _filters(filters).apply(lines_for(request.auth))
    return qs.select_related(*LINE_RELATIONS).order_by("-year", "-id")


class TotalOut(Schema):
    key: str | int | None
    label: str
    lines: int
    planned: int = Field(description="sum of the known planned amounts (đồng)")
    disbursed: int = Field(description="sum of the known disbursed amounts (đồng)")
    unknown: int = Field(description="lines with neither a planned nor a disbursed amount")


class TotalsOut(Schema):
    total: TotalOut
    by_source: list[TotalOut]
    by_purpose: list[TotalOut]
    by_supporter: list[TotalOut]
    by_year: list[TotalOut]
    by_area: list[TotalOut] = Field(description="units one level down the area (key: area id; null: not placed)")


@router.get(
    "/funding/totals",
    response={200: TotalsOut, **ERRORS},
    summary="Totals of the support lines by source, purpose, supporter, year and area (same filter as the list)",
)
def funding_totals(request, filters: Query[FundingFilterIn]):
    chosen = _filters(filters)
    totals = support_totals(chosen.apply(lines_for(request.auth)), area=chosen.area)
    by_area = totals.by_area
    if by_area:
        from areas.models import AdministrativeUnit

        ids = {
            u.pk: str(u.area_id)
            for u in AdministrativeUnit.objects.filter(pk__in=[r.key for r in by_area if r.key]).only("scheme", "code")
        }
        for row in by_area:
            row.key = ids.get(row.key)
    return {
        "total": totals.total,
        "by_source": totals.by_source,
        "by_purpose": totals.by_purpose,
        "by_supporter": totals.by_supporter,
        "by_year": totals.by_year,
        "by_area": by_area,
    }


@router.get(
    "/funding/{line_id}", response={200: SupportLineOut, **ERRORS}, summary="One support line (404 outside scope)"
)
def get_support(request, line_id: int):
    return get_object_or_404(lines_for(request.auth).select_related(*LINE_RELATIONS), pk=line_id)


class SupportLineIn(Schema):
    province: str = Field(..., max_length=20, description="area id of the recording province, e.g. 2025:11")
    year: int
    producer_id: int | None = None
    product_id: int | None = None
    linkage_project_id: int | None = None
    commune: str | None = Field(None, max_length=20, description="area id of a supported commune")
    plan_line_id: int | None = None
    purpose: str = Field(..., max_length=20)
    source: str = Field(..., max_length=15)
    supporter: str = Field("", max_length=10)
    amount_planned: int | None = Field(None, ge=0, le=10**15)
    amount_disbursed: int | None = Field(None, ge=0, le=10**15)
    disbursed_on: datetime.date | None = None
    decision_no: str = Field("", max_length=60)
    decision_date: datetime.date | None = None
    note: str = Field("", max_length=5000)


def _in_scope(queryset, pk, field, message):
    """An object the caller manages, or a 400 on its field (another province's object is "not found" too)."""
    if pk is None:
        return None
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise DomainError(message, field=field)
    return found


@router.post("/funding", response={201: SupportLineOut, **ERRORS}, summary="Record a support line")
def create_support(request, payload: SupportLineIn):
    user = request.auth
    if not user.has_perm(MANAGE):
        raise PermissionRefused(_("Bạn không có quyền ghi kinh phí hỗ trợ."))
    data = payload.dict()
    province = get_unit(data.pop("province"))
    commune_id = data.pop("commune")
    values = {
        **{k: data[k] for k in ("year", "purpose", "source", "supporter", "disbursed_on", "decision_no", "note")},
        "decision_date": data["decision_date"],
        "amount_planned": data["amount_planned"],
        "amount_disbursed": data["amount_disbursed"],
        "province": province,
        "commune": get_unit(commune_id) if commune_id else None,
        "producer": _in_scope(
            Producer.objects.for_user(user, MANAGE), data["producer_id"], "producer_id", _("Không tìm thấy chủ thể.")
        ),
        "product": _in_scope(
            Product.objects.for_user(user, MANAGE), data["product_id"], "product_id", _("Không tìm thấy sản phẩm.")
        ),
        "linkage_project": _in_scope(
            LinkageProject.objects.for_user(user, MANAGE),
            data["linkage_project_id"],
            "linkage_project_id",
            _("Không tìm thấy dự án liên kết."),
        ),
        "plan_line": _in_scope(
            PlanLine.objects.for_user(user, MANAGE),
            data["plan_line_id"],
            "plan_line_id",
            _("Không tìm thấy dòng kế hoạch."),
        ),
    }
    line = funding_services.create_support(actor=user, **values)
    line = lines_for(user).select_related(*LINE_RELATIONS).get(pk=line.pk)
    return Status(201, line)
