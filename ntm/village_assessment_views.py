"""Pages of the yearly village assessments: start one from the village's page, the form (enter, save, submit), the
province's steps (approve, return, unlock) and the list by area, year and status with the submitted ones to approve.
The rules are in ntm.village_assessment_services."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.scope import area_scope
from areas.choices import Level
from core import audit
from core.errors import DomainError
from core.forms import add_domain_error
from core.htmx import page_or_partial
from core.scoping import get_in_scope_or_404
from ntm import village_assessment_services as services
from ntm.choices import AssessmentStatus, Issuer, SetKind, year_end
from ntm.models import CriteriaSet, Village, VillageAssessment
from ntm.views import perform_transition
from ntm.village_assessment_forms import StartForm, VillageAssessmentFilter, VillageAssessmentForm
from ntm.village_queries import village_assessments

STEPS = {f"ntm.village_assessment.{s}" for s in ("submitted", "returned", "approved", "reopened")}


def _need(request, action):
    if not request.user.has_perm(action):
        raise PermissionDenied


def _may(user, action, unit) -> bool:
    return user.has_perm(action) and area_scope(user, action).contains(unit)


def _assessment(request, pk):
    return get_in_scope_or_404(
        VillageAssessment.objects.for_user(request.user, "ntm.view").select_related(
            "village", "commune", "commune__province", "criteria_set", "approved_by", "submitted_by"
        ),
        pk=pk,
    )


@login_required
@require_POST
def village_assessment_start(request, pk: int):
    """The button of the village's page: the year's assessment (the set chosen when several apply)."""
    _need(request, "ntm.assess")
    village = get_in_scope_or_404(Village.objects.for_user(request.user, "ntm.assess").select_related("commune"), pk=pk)
    form = StartForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(village)
    try:
        assessment, created = services.start_village_assessment(
            actor=request.user,
            village=village,
            year=form.cleaned_data["year"],
            criteria_set=form.cleaned_data["criteria_set"],
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(village)
    if not created:
        messages.info(request, _("Phiếu đánh giá năm này đã có: mở phiếu đã có."))
    return redirect(assessment)


@login_required
def village_assessment(request, pk: int):
    _need(request, "ntm.view")
    obj = _assessment(request, pk)
    criteria = list(obj.criteria_set.criteria.all())
    lock = services.lock_reason(obj)
    can_edit = not lock and obj.status == AssessmentStatus.DRAFT and _may(request.user, "ntm.assess", obj.commune)
    form = VillageAssessmentForm(
        request.POST if request.method == "POST" else None, assessment=obj, criteria=criteria, disabled=not can_edit
    )
    if request.method == "POST":
        if not can_edit:
            messages.error(request, lock or _("Bạn không sửa được kết quả đánh giá này."))
            return redirect(obj)
        if form.is_valid():
            try:
                services.save_village_assessment(
                    actor=request.user,
                    assessment=obj,
                    results=form.results(),
                    note=form.cleaned_data["note"],
                    expected_version=form.expected_version(),
                )
                if request.POST.get("submit"):
                    services.submit_village_assessment(actor=request.user, assessment=obj)
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(
                    request, _("Đã gửi kết quả lên tỉnh.") if request.POST.get("submit") else _("Đã lưu kết quả.")
                )
                return redirect(obj)
    history = list(audit.history(obj, request.user)[:50])
    last_step = next((e for e in history if e.action in STEPS), None)
    return render(
        request,
        "ntm/villages/assessment.html",
        {
            "assessment": obj,
            "form": form,
            "lock": lock,
            "can_edit": can_edit,
            "can_approve": _may(request.user, "ntm.approve", obj.commune),
            "returned": last_step
            if obj.status == AssessmentStatus.DRAFT
            and last_step is not None
            and last_step.action in ("ntm.village_assessment.returned", "ntm.village_assessment.reopened")
            else None,
            "history": history,
        },
    )


TRANSITIONS = {
    "approve": (services.approve_village_assessment, _("Đã duyệt và khóa kết quả."), False),
    "return": (services.return_village_assessment, _("Đã trả lại kết quả cho xã."), True),
    "unapprove": (services.unapprove_village_assessment, _("Đã mở khóa kết quả."), True),
}


@login_required
@require_POST
def village_assessment_transition(request, pk: int, action: str):
    _need(request, "ntm.approve")
    return perform_transition(request, _assessment(request, pk), TRANSITIONS, action)


def _sets_note(area, year):
    """Whether any village set applies in `year` (national, or one of the area's province): None when
    the page cannot say (no year chosen). Without an area, any province's set counts."""
    if not year:
        return None
    issued = Q(issuer=Issuer.NATIONAL)
    if area is None or getattr(area, "pk", None) is None:
        issued |= Q(issuer=Issuer.PROVINCE)
    else:
        province_id = area.pk if area.level == Level.PROVINCE else area.province_id
        issued |= Q(issuer=Issuer.PROVINCE, province_id__in=services.same_province(province_id))
    return CriteriaSet.objects.in_force(year_end(year)).filter(kind=SetKind.VILLAGE).filter(issued).exists()


@login_required
def village_assessment_list(request):
    """The village assessments the user may read, by area, year and status; the submitted ones counted on top, for
    the province to approve. Constant queries whatever the page's length."""
    _need(request, "ntm.view")
    form = VillageAssessmentFilter(request.GET or None)
    area, year, status = None, None, ""
    if form.is_valid():
        area, year, status = form.cleaned_data["area"], form.cleaned_data["year"], form.cleaned_data["status"]
    every = village_assessments(request.user, year=year, area=area)
    if form.is_bound and not form.is_valid():
        every = VillageAssessment.objects.none()
    qs = every.filter(status=status) if status else every
    counts = {row["status"]: row["n"] for row in every.order_by().values("status").annotate(n=Count("pk"))}
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return page_or_partial(
        request,
        "ntm/villages/assessment_list.html",
        {
            "page": page,
            "form": form,
            "area": area,
            "year": year,
            "status": status,
            "submitted": counts.get(AssessmentStatus.SUBMITTED, 0),
            "approved": counts.get(AssessmentStatus.APPROVED, 0),
            "drafts": counts.get(AssessmentStatus.DRAFT, 0),
            "can_approve": request.user.has_perm("ntm.approve"),
            "has_sets": _sets_note(area, year),
            "this_year": datetime.date.today().year,
        },
        "results",
    )
