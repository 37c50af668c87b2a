"""Pages of the district and province NTM level (issue 18): the titles (huyện đạt chuẩn, hoàn thành nhiệm vụ…) by
area with their record and revoke forms, "huyện chưa có xã NTM" for any year and area, and the conditions of the
titles as data."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from accounts.scope import area_scope
from areas.identifiers import CountryId
from areas.queries import report_area
from core.errors import DomainError
from core.forms import add_domain_error
from core.htmx import page_or_partial
from core.scoping import get_in_scope_or_404
from ntm import area_services
from ntm.area_forms import AreaRecognitionFilter, AreaRecognitionForm, AreaRevocationForm
from ntm.area_queries import areas_without_ntm, load_area_conditions, titles_in
from ntm.choices import year_end
from ntm.forms import ReportForm
from ntm.models import AreaRecognition
from ntm.queries import BadYear, parse_year, year_default
from ntm.reporting import NATIONWIDE_ACTION


def _need(request, action):
    if not request.user.has_perm(action):
        raise PermissionDenied


@login_required
def area_recognition_list(request):
    """District and province titles of the reader's areas (a scoped read, as every list page: the public API gives
    every province's)."""
    _need(request, "ntm.view")
    form = AreaRecognitionFilter(request.GET or None)
    area, year, level = None, None, ""
    if form.is_valid():
        area, year, level = form.cleaned_data["area"], form.cleaned_data["year"], form.cleaned_data["level"]
    base = AreaRecognition.objects.for_user(request.user, "ntm.view")
    qs = titles_in(area, year=year, level=level, base=base) if not form.is_bound or form.is_valid() else base.none()
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    manage = area_scope(request.user, "ntm.manage") if request.user.has_perm("ntm.manage") else None
    for recognition in page:
        recognition.can_revoke = bool(manage and manage.contains(recognition.unit) and not recognition.revoked_on)
    return page_or_partial(
        request,
        "ntm/areas/list.html",
        {
            "page": page,
            "form": form,
            "area": area,
            "year": year,
            "can_manage": request.user.has_perm("ntm.manage"),
        },
        "results",
    )


@login_required
def area_recognition_add(request):
    _need(request, "ntm.manage")
    initial = {}
    if request.method == "GET" and request.GET.get("unit"):
        initial["unit"] = request.GET["unit"][:40]
    form = AreaRecognitionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            recognition, created = area_services.record_area_recognition(actor=request.user, **data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            if created:
                messages.success(request, _("Đã ghi quyết định công nhận %(u)s.") % {"u": recognition.unit.name})
            else:
                messages.info(request, _("Quyết định này đã có trong hệ thống."))
            if recognition.warning:
                messages.warning(request, recognition.warning)
            return redirect(f"{_list_url()}?{urlencode({'area': str(recognition.unit.area_id)})}")
    return render(
        request, "ntm/areas/form.html", {"form": form, "title": _("Ghi quyết định công nhận cấp huyện, tỉnh")}
    )


def _list_url() -> str:
    from django.urls import reverse

    return reverse("ntm:area_recognitions")


@login_required
def area_recognition_revoke(request, pk: int):
    _need(request, "ntm.manage")
    recognition = get_in_scope_or_404(
        AreaRecognition.objects.for_user(request.user, "ntm.manage").select_related("unit"), pk=pk
    )
    form = AreaRevocationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            area_services.revoke_area_recognition(actor=request.user, recognition=recognition, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Đã ghi thu hồi quyết định công nhận %(u)s.") % {"u": recognition.unit.name})
            return redirect(f"{_list_url()}?{urlencode({'area': str(recognition.unit.area_id)})}")
    return render(
        request,
        "ntm/areas/form.html",
        {"form": form, "title": _("Thu hồi quyết định công nhận"), "recognition": recognition},
    )


def _default_area(user) -> str:
    membership = (
        user.memberships.filter(revoked_at__isnull=True, area__isnull=False)
        .select_related("area", "area__province")
        .order_by("pk")
        .first()
    )
    if membership is None:
        return ""
    area = membership.area
    return str((area.province or area).area_id)


@login_required
def areas_without(request):
    """ "Huyện chưa có xã NTM": the units one level down from an area (either scheme) without a recognised commune on
    31 December of a year."""
    _need(request, "ntm.view")
    data = request.GET.copy()
    data.setdefault("year", str(year_default()))
    if not data.get("area"):
        data["area"] = _default_area(request.user)
    form = ReportForm(data) if data["area"] else ReportForm(initial={"year": data["year"]})
    context = {"form": form, "answer": None}
    if form.is_bound and form.is_valid():
        year, area = form.cleaned_data["year"], form.cleaned_data["area"]
        try:
            year = parse_year(year)
            if isinstance(area, CountryId):
                area = report_area(area, year_end(year), user=request.user, action=NATIONWIDE_ACTION)
            context["answer"] = areas_without_ntm(year, area)
        except DomainError as exc:
            form.add_error("year" if isinstance(exc, BadYear) else "area", exc.message)
        else:
            context["query"] = urlencode({"year": year, "area": str(area.area_id)})
    return page_or_partial(request, "ntm/areas/without.html", context, "results")


@login_required
def area_conditions(request):
    """The conditions of the district and province titles as data (ntm/criteria/areas/area-conditions.yaml)."""
    _need(request, "ntm.view")
    return render(request, "ntm/areas/conditions.html", {"conditions": load_area_conditions()})
