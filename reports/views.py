"""The OCOP dashboard: public figures for a date and an area, each one a link to the records behind it."""

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from areas.choices import Level
from areas.identifiers import COUNTRY
from areas.models import AdministrativeUnit
from areas.queries import Country, nationwide
from reports import exports
from reports.dashboard import build_dashboard, potential_help
from reports.forms import OcopReportForm, SelectionForm
from reports.queries import NATIONWIDE_ACTION, OcopReport


def default_area(user) -> str:
    """The province of the user's first membership (the whole country for a nationwide reader); empty for visitors,
    who choose."""
    if not user.is_authenticated:
        return ""
    if nationwide(user, NATIONWIDE_ACTION):
        return COUNTRY
    membership = user.memberships.select_related("area", "area__province").exclude(area=None).first()
    if membership is None:
        return ""
    area = membership.area
    province = area if area.level == Level.PROVINCE else area.province
    return str(province.area_id)


def _form(request):
    return OcopReportForm(request.GET, default_area=default_area(request.user), user=request.user)


def _area_choices(current, user):
    provinces = AdministrativeUnit.objects.filter(level=Level.PROVINCE).order_by("-scheme", "code")
    return {
        # the whole country, offered to a nationwide reader unless it is the area shown (then it is the first option)
        "country": COUNTRY if nationwide(user, NATIONWIDE_ACTION) and not isinstance(current, Country) else "",
        "new": [p for p in provinces if p.scheme == "2025"],
        "old": [p for p in provinces if p.scheme == "pre2025"],
        "current_is_province": current is not None and current.level == Level.PROVINCE,
    }


def _ancestors(unit):
    chain, node = [], unit.parent
    while node is not None:
        chain.insert(0, node)
        node = node.parent
    return chain


def base_query(form) -> dict:
    c = form.cleaned_data
    query = {"as_of": c["as_of"].isoformat(), "area": str(c["area"].area_id)}
    if form.data.get("start") or form.data.get("end"):
        query.update(start=c["period"].start.isoformat(), end=c["period"].end.isoformat())
    return query


def ocop_dashboard(request):
    form = _form(request)
    context = {"form": form, "board": None, "show_errors": bool(request.GET)}
    unit = None
    if form.is_valid():
        unit = form.cleaned_data["area"]
        board = build_dashboard(unit, form.cleaned_data["as_of"], form.cleaned_data["period"])
        context.update(
            board=board,
            unit=unit,
            ancestors=_ancestors(unit),
            chart_data=_chart_data(board),
            base_query=base_query(form),
        )
    context["areas"] = _area_choices(unit, request.user)
    return render(request, "reports/ocop.html", context, status=200 if form.is_valid() or not request.GET else 400)


def _chart_data(board) -> dict:
    return {
        "stars": {
            "labels": [_("%(s)s sao") % {"s": s} for s, _n in board.star_rows()],
            "values": [c for _s, c in board.star_rows()],
        },
        "groups": {
            "labels": [name for _c, name, _n in board.group_rows()],
            "values": [c for _c, _n, c in board.group_rows()],
        },
        "types": {
            "labels": [str(label) for _c, label, _n in board.type_rows()],
            "values": [c for _c, _l, c in board.type_rows()],
        },
        "years": {"labels": [str(y) for y, _n in board.year_rows()], "values": [c for _y, c in board.year_rows()]},
        "first_years": {
            "labels": [str(y) for y, _n in board.first_year_rows()],
            "values": [c for _y, c in board.first_year_rows()],
        },
    }


def ocop_records(request):
    """The certificates behind one number of the dashboard: same date, area and period, plus the number's filters."""
    form, chosen = _form(request), SelectionForm(request.GET)
    if not (form.is_valid() and chosen.is_valid()):
        return render(request, "reports/ocop_records.html", {"form": form, "chosen": chosen}, status=400)
    unit, as_of = form.cleaned_data["area"], form.cleaned_data["as_of"]
    report = OcopReport(unit, as_of, form.cleaned_data["period"])
    selection = chosen.selection()
    if selection.lists_products:
        rows = (
            report.potential_rows(selection)
            .select_related("producer", "group", "location", "new_commune", "old_commune")
            .order_by("search_name", "id")
        )
    else:
        rows = (
            report.certificates(selection)
            .select_related(
                "decision",
                "product",
                "product__producer",
                "product__group",
                "product__location",
                "product__new_commune",
                "product__old_commune",
            )
            .order_by("product__search_name", "id")
        )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "unit": unit,
        "as_of": as_of,
        "period": report.period,
        "selection": selection,
        "page": page,
        "title": exports.selection_title(report, selection),
        "new_scheme": unit.scheme == "2025",
        "base_query": base_query(form),
        "potential_help": potential_help(as_of) if selection.lists_products else "",
    }
    return render(request, "reports/ocop_records.html", context)


def _board_or_error(request):
    """The dashboard's figures for an export, or the dashboard page saying what is wrong with the request."""
    form = _form(request)
    if not form.is_valid():
        context = {"form": form, "board": None, "areas": _area_choices(None, request.user), "show_errors": True}
        return None, render(request, "reports/ocop.html", context, status=400)
    return build_dashboard(form.cleaned_data["area"], form.cleaned_data["as_of"], form.cleaned_data["period"]), None


def ocop_export(request):
    board, error = _board_or_error(request)
    if error:
        return error
    response = HttpResponse(
        exports.dashboard_workbook(board),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(board, "xlsx")}"'
    return response


def ocop_pdf(request):
    board, error = _board_or_error(request)
    if error:
        return error
    response = HttpResponse(exports.dashboard_pdf(board), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{exports.filename(board, "pdf")}"'
    return response
