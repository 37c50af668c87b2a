"""Pages of the advanced and model levels (issue 18): the sets that apply to a commune in a year with its progress,
starting a per-criterion assessment of a chosen set, recording a count-only result ("đạt N/M tiêu chí")."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.scope import area_scope
from areas.queries import get_unit
from core.errors import DomainError
from core.forms import add_domain_error
from ntm import level_services, levels, queries, services
from ntm.choices import AssessmentStatus
from ntm.level_forms import CountForm, LevelStartForm
from ntm.models import Assessment, CriteriaSet

COUNT_ACTIONS = ("ntm.assess", "ntm.manage")


def _may(user, action, unit) -> bool:
    return user.has_perm(action) and area_scope(user, action).contains(unit)


def _commune(request, area_id: str, actions=("ntm.view",)):
    """The commune if the user may do one of `actions` there; 404 otherwise (scope does not leak)."""
    if not any(request.user.has_perm(a) for a in actions):
        raise PermissionDenied
    try:
        unit = get_unit(area_id)
    except DomainError as exc:
        raise Http404 from exc
    if unit.level != "commune" or not any(_may(request.user, a, unit) for a in actions):
        raise Http404
    return unit


def _year(request, source) -> int:
    try:
        return queries.parse_year(source.get("year") or queries.year_default())
    except DomainError:
        return queries.year_default()


def _back(unit, year) -> str:
    return reverse("ntm:levels", args=[str(unit.area_id)]) + "?" + urlencode({"year": year})


def _count_url(unit, year, criteria_set) -> str:
    query = urlencode({"year": year, "criteria_set": criteria_set.code})
    return reverse("ntm:level_count", args=[str(unit.area_id)]) + "?" + query


@login_required
def level_overview(request, area_id: str):
    """The commune sets applying to the commune in a year, its progress against its next level, and actions."""
    unit = _commune(request, area_id)
    year = _year(request, request.GET)
    sets = levels.applicable_sets(unit, year)
    found = {
        a.criteria_set_id: a
        for a in Assessment.objects.filter(commune=unit, year=year, criteria_set__in=[s.pk for s in sets])
    }
    rows = [
        {
            "set": s,
            "total": s.n_criteria or s.declared_criteria,
            "count_only": s.n_criteria == 0 and bool(s.declared_criteria),
            "assessment": found.get(s.pk),
        }
        for s in sets
    ]
    return render(
        request,
        "ntm/levels/overview.html",
        {
            "unit": unit,
            "year": year,
            "rows": rows,
            "progress": levels.progress(unit, year) if unit.is_rural_commune else None,
            "can_assess": _may(request.user, "ntm.assess", unit) and unit.is_rural_commune,
            "can_count": any(_may(request.user, a, unit) for a in COUNT_ACTIONS) and unit.is_rural_commune,
        },
    )


@login_required
@require_POST
def level_start(request, area_id: str):
    """Start (or open) the commune's per-criterion assessment of a chosen set."""
    unit = _commune(request, area_id, ("ntm.assess",))
    form = LevelStartForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(_back(unit, _year(request, request.POST)))
    year = form.cleaned_data["year"]
    criteria_set = CriteriaSet.objects.filter(code=form.cleaned_data["criteria_set"]).first()
    if criteria_set is None:
        messages.error(request, _("Không có bộ tiêu chí '%(c)s'.") % {"c": form.cleaned_data["criteria_set"]})
        return redirect(_back(unit, year))
    try:
        assessment, _created = level_services.start_level_assessment(
            actor=request.user, commune=unit, year=year, criteria_set=criteria_set
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(_back(unit, year))
    return redirect(assessment)


@login_required
def level_count(request, area_id: str):
    """Record "đạt N/M tiêu chí" for a count-only set: the commune's officer or the province."""
    unit = _commune(request, area_id, COUNT_ACTIONS)
    source = request.POST if request.method == "POST" else request.GET
    year = _year(request, source)
    code = (source.get("criteria_set") or "")[:40]
    criteria_set = CriteriaSet.objects.filter(code=code).first()
    if criteria_set is None:
        messages.error(request, _("Không có bộ tiêu chí '%(c)s'.") % {"c": code})
        return redirect(_back(unit, year))
    assessment = Assessment.objects.filter(commune=unit, year=year, criteria_set=criteria_set).first()
    initial = {"year": year, "criteria_set": criteria_set.code}
    if assessment:
        initial.update(criteria_met=assessment.criteria_met, note=assessment.note, version=assessment.version)
    form = CountForm(request.POST if request.method == "POST" else None, initial=initial)
    lock = services.lock_reason(assessment) if assessment else ""
    editable = not lock and (assessment is None or assessment.status == AssessmentStatus.DRAFT)
    if request.method == "POST":
        if not editable:
            messages.error(request, lock or _("Kết quả đã gửi tỉnh: chờ tỉnh duyệt hoặc trả lại để sửa."))
            return redirect(_count_url(unit, year, criteria_set))
        if form.is_valid():
            try:
                level_services.record_count(
                    actor=request.user,
                    commune=unit,
                    year=year,
                    criteria_set=criteria_set,
                    criteria_met=form.cleaned_data["criteria_met"],
                    note=form.cleaned_data["note"],
                    submit=bool(request.POST.get("submit")),
                    expected_version=form.cleaned_data["version"],
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(
                    request, _("Đã ghi và gửi kết quả.") if request.POST.get("submit") else _("Đã ghi kết quả.")
                )
                return redirect(_count_url(unit, year, criteria_set))
    return render(
        request,
        "ntm/levels/count.html",
        {
            "unit": unit,
            "year": year,
            "criteria_set": criteria_set,
            "count_only": levels.is_count_only(criteria_set),
            "assessment": assessment,
            "form": form,
            "lock": lock,
            "editable": editable,
            "can_approve": assessment is not None and _may(request.user, "ntm.approve", unit),
        },
    )
