"""The public criteria API (CONTRACT §8): the OCOP criteria set in force on a day, and each sheet in full.

Criteria are public law; provincial portals and the national system read them. Read-only, no login, a constant
number of queries whatever the size of the set.
"""

import datetime

from django.db.models import Count, Prefetch, Q, Sum
from django.http import Http404
from django.utils import timezone
from ninja import Path, Query, Router

from api.auth import PUBLIC
from api.schemas import OPTIONAL_AUTH_ERRORS
from core.errors import DomainError
from core.forms import date_range_message, in_date_range
from evaluation import queries
from evaluation.models import CriteriaSet, Criterion, Option, SheetScope

router = Router(tags=["criteria"])


def _day(on: str | None) -> datetime.date:
    if not on:
        return timezone.localdate()
    try:
        day = datetime.date.fromisoformat(on)
    except ValueError:
        raise DomainError(f"ngày '{on}' không hợp lệ: ghi YYYY-MM-DD.", field="on") from None
    if not in_date_range(day):
        raise DomainError(date_range_message(), field="on")
    return day


def _number(scope: SheetScope) -> int | str:
    if scope.number is not None:
        return scope.number
    return int(scope.category.code) if scope.category.code.isdigit() else scope.category.code


def _points(value):
    return None if value is None else (int(value) if value == value.to_integral_value() else float(value))


def set_summary(criteria_set: CriteriaSet) -> dict:
    scopes = (
        SheetScope.objects.filter(criteria_set=criteria_set)
        .select_related("category")
        .annotate(
            n_criteria=Count("criteria", distinct=True),
            m3=Count("criteria__options", filter=Q(criteria__options__min_star=3)),
            m4=Count("criteria__options", filter=Q(criteria__options__min_star=4)),
            m5=Count("criteria__options", filter=Q(criteria__options__min_star=5)),
        )
        .order_by("position", "id")
    )
    totals = dict(
        Criterion.objects.filter(scope__criteria_set=criteria_set)
        .values("scope")
        .annotate(total=Sum("max_points"))
        .values_list("scope", "total")
    )
    return {
        "code": criteria_set.code,
        "decision": criteria_set.decision,
        "title": criteria_set.title,
        "status": criteria_set.status,
        "valid_from": criteria_set.valid_from,
        "valid_to": criteria_set.valid_until,
        "parts": [{"code": p.code, "points": p.points} for p in criteria_set.parts.order_by("position")],
        "sheets": [
            {
                "no": _number(s),
                "name": s.title or s.category.name,
                "category": s.category.code,
                "total": _points(totals.get(s.pk)),
                "criteria": s.n_criteria,
                "star_minimums": {"3": s.m3, "4": s.m4, "5": s.m5},
            }
            for s in scopes
            if s.n_criteria
        ],
        "findings": list(criteria_set.findings),
    }


@router.get(
    "",
    auth=PUBLIC,
    response={200: dict, **OPTIONAL_AUTH_ERRORS},
    summary="Bộ tiêu chí OCOP có hiệu lực vào một ngày",
)
def criteria_in_force(request, on: str | None = Query(None, max_length=20)):
    """The set in force on `on` (default today): published sets first; 404 when none is in force."""
    day = _day(on)
    found = CriteriaSet.objects.in_force(day).filter(status="published").order_by(
        "-valid_from"
    ).first() or queries.set_in_force(day)
    if found is None:
        raise Http404(f"không có bộ tiêu chí OCOP nào có hiệu lực ngày {day:%d/%m/%Y}.")
    return set_summary(found)


@router.get(
    "/{code}/sheets/{no}",
    auth=PUBLIC,
    response={200: dict, **OPTIONAL_AUTH_ERRORS},
    summary="Một phiếu chấm, đầy đủ",
)
def sheet_detail(request, code: str = Path(..., max_length=40), no: str = Path(..., max_length=10)):
    criteria_set = CriteriaSet.objects.filter(code=code).first()
    if criteria_set is None:
        raise Http404(f"không có bộ tiêu chí mã {code}.")
    scopes = SheetScope.objects.filter(criteria_set=criteria_set).select_related("category")
    scope = next((s for s in scopes if str(_number(s)) == no.lstrip("0") or s.category.code == no), None)
    if scope is None:
        raise Http404(f"bộ tiêu chí {code} không có phiếu số {no}.")
    criteria = list(
        Criterion.objects.filter(scope=scope)
        .select_related("section__part")
        .prefetch_related(Prefetch("options", queryset=Option.objects.order_by("position", "id")))
        .order_by("section__part__position", "section__position", "position")
    )
    parts: dict[str, dict] = {}
    groups: dict[int, dict] = {}
    for criterion in criteria:
        section, part = criterion.section, criterion.section.part
        p = parts.setdefault(part.code, {"code": part.code, "name": part.name, "points": part.points, "groups": []})
        if section.pk not in groups:
            groups[section.pk] = {"code": section.code, "name": section.name, "notes": section.notes, "criteria": []}
            p["groups"].append(groups[section.pk])
        groups[section.pk]["criteria"].append(
            {
                "code": criterion.code,
                "heading": criterion.heading,
                "name": criterion.text,
                "max": _points(criterion.max_points),
                "notes": criterion.notes,
                "options": [
                    {
                        "text": o.text,
                        "points": _points(o.points),
                        "printed_points": _points(o.printed_points),
                        "min_star": o.min_star,
                        "case": o.case_label,
                    }
                    for o in criterion.options.all()
                ],
            }
        )
    return {
        "set": criteria_set.code,
        "decision": criteria_set.decision,
        "no": _number(scope),
        "name": scope.title or scope.category.name,
        "category": scope.category.code,
        "classification": scope.classification,
        "eliminated_when": scope.eliminated_when,
        "notes": scope.notes,
        "parts": list(parts.values()),
    }
