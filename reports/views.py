"""The OCOP dashboard: public figures for a date and an area, each one a link to the records behind it.

A signed-in officer whose programme.view scope reaches the dashboard's area also sees the post-recognition flags of
the area's products (issue 17): a card loaded by its own login-only request (ocop_flags), so the dashboard's public
answer stays the same for every visitor, and a "Cần theo dõi" sheet in the Excel export.
"""

import io
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from accounts.scope import acts_only_as_producer
from areas.choices import Level
from areas.identifiers import COUNTRY
from areas.models import AdministrativeUnit
from areas.queries import Country, nationwide
from core.htmx import page_or_partial
from core.scoping import area_scope
from core.spreadsheets import row_values
from programme.monitoring_flags import CODES, LABELS, flags_for
from programme.monitoring_queries import VIEW as PROGRAMME_VIEW
from programme.monitoring_queries import watch_products
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
            # only a signed-in officer's page asks for the flags card; a visitor's page is the public one, unchanged
            show_flags=flags_reach(request.user, unit),
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
    content = exports.dashboard_workbook(board)
    personal = flags_reach(request.user, board.unit)
    if personal:
        content = _with_flags_sheet(content, request.user, board.unit, board.as_of)
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(board, "xlsx")}"'
    if personal:  # the flags are for this officer's eyes: no shared cache may keep the file
        patch_cache_control(response, private=True)
    return response


def ocop_pdf(request):
    board, error = _board_or_error(request)
    if error:
        return error
    response = HttpResponse(exports.dashboard_pdf(board), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{exports.filename(board, "pdf")}"'
    return response


# ── The post-recognition flags of the area's products, for officers (issue 17) ───────────────────────────────────


def flags_reach(user, unit) -> bool:
    """True if `user` may see the flags of every product of `unit`: signed in, holding programme.view, acting as more
    than a producer (a producer sees its own products' flags on their pages, not an area's), with a scope that reaches
    the whole unit (the whole country: a nationwide scope). A visitor costs no query."""
    if unit is None or not user.is_authenticated or not user.has_perm(PROGRAMME_VIEW):
        return False
    return not acts_only_as_producer(user) and area_scope(user, PROGRAMME_VIEW).contains(unit)


def _flag_products(user, unit, day):
    """The products of the watch list on `day`: valid certificate that day, placed in `unit` in either scheme."""
    return watch_products(user, day=day, area=None if isinstance(unit, Country) else unit)


@dataclass
class FlagCount:
    code: str
    label: str
    count: int
    url: str


def flag_counts(user, unit, day) -> tuple[list[FlagCount], int, int]:
    """([FlagCount] in the flags' order, products with at least one flag, products in force), each count linked to
    the watch list of the area filtered by its flag. Four queries whatever the number of products: the flags are
    computed in Python by programme.monitoring_flags (they are never stored), so counting them walks flags_for's
    answer, at most the area's products in force."""
    products = _flag_products(user, unit, day)
    found = flags_for(products, day)
    per_code = dict.fromkeys(CODES, 0)
    for flags in found.values():
        for code in {flag.code for flag in flags}:
            per_code[code] += 1
    area = {} if isinstance(unit, Country) else {"area": str(unit.area_id)}
    watch = reverse("programme:watch_list")
    rows = [
        FlagCount(code, str(LABELS[code]), count, f"{watch}?{urlencode({**area, 'flag': code})}")
        for code, count in per_code.items()
    ]
    return rows, len(found), products.count()


@login_required
def ocop_flags(request):
    """The dashboard's "Sản phẩm cần theo dõi" card (an htmx fragment; the whole page when opened directly). Empty
    for an officer whose scope does not reach the area: the area's figures are public, its flags are not."""
    if not request.user.has_perm(PROGRAMME_VIEW):
        raise PermissionDenied
    form = _form(request)
    context = {"form": form, "rows": None}
    if not form.is_valid():
        return page_or_partial(request, "reports/ocop_flags.html", context, "card", status=400)
    unit, as_of = form.cleaned_data["area"], form.cleaned_data["as_of"]
    context.update(unit=unit, as_of=as_of, today=timezone.localdate(), base_query=base_query(form))
    if flags_reach(request.user, unit):
        context["rows"], context["flagged"], context["in_force"] = flag_counts(request.user, unit, as_of)
        context["any_url"] = f"{reverse('programme:watch_list')}?" + urlencode(
            {**({} if isinstance(unit, Country) else {"area": str(unit.area_id)}), "flag": "any"}
        )
    response = page_or_partial(request, "reports/ocop_flags.html", context, "card")
    patch_cache_control(response, private=True)  # what an officer may see, never kept by a shared cache
    return response


def _with_flags_sheet(content: bytes, user, unit, day) -> bytes:
    """The dashboard workbook plus a sheet "Cần theo dõi": the area's flagged products with their flags, as the watch
    list exports them. Added to the built workbook so the public export's code path is left as it is."""
    from openpyxl import load_workbook
    from openpyxl.styles import Font

    from programme.monitoring_exports import watch_columns, watch_values

    products = _flag_products(user, unit, day)
    found = flags_for(products, day)
    flagged = list(products.filter(pk__in=list(found)))
    wb = load_workbook(io.BytesIO(content))
    ws = wb.create_sheet(_("Cần theo dõi")[:31])
    title = _("Sản phẩm OCOP cần theo dõi sau công nhận — %(area)s, ngày %(day)s") % {
        "area": unit.name,
        "day": day.strftime("%d/%m/%Y"),
    }
    ws.append(row_values([title]))
    ws["A1"].font = Font(bold=True, size=13)
    ws.append(row_values(watch_columns()))
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for n, product in enumerate(flagged, start=1):
        ws.append(row_values(watch_values(n, product, found[product.pk])))
    if not flagged:
        ws.append(row_values([_("Không có sản phẩm nào có dấu hiệu cần chú ý.")]))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
