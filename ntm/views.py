import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.scope import area_scope
from areas.identifiers import COUNTRY, CountryId
from areas.queries import Country, get_unit, nationwide, report_area
from core import audit
from core.actions import perform
from core.errors import DomainError
from core.forms import add_domain_error
from core.htmx import page_or_partial
from core.scoping import get_in_scope_or_404
from ntm import levels, procedure_views, queries, services
from ntm.choices import AssessmentStatus, year_end
from ntm.forms import (
    AcknowledgementForm,
    AssessmentForm,
    CommuneGroupForm,
    NtmImportForm,
    ReasonForm,
    RecognitionFilter,
    RecognitionForm,
    ReportForm,
    RevocationForm,
)
from ntm.imports import BASE_COLUMNS, TAIL_COLUMNS
from ntm.models import Assessment, ClosedPeriod, CommuneGroupAssignment, Recognition
from ntm.reporting import (
    NATIONWIDE_ACTION,
    criterion_rows,
    figure_rows,
    narrative,
    national_scope,
    report_for,
    rule_notes,
    village_rows,
    workbook,
)


def _need(request, action):
    if not request.user.has_perm(action):
        raise PermissionDenied


def _default_area(user) -> str:
    """The area of the user's first membership; the whole country for a nationwide reader (as the OCOP dashboard)."""
    if nationwide(user, NATIONWIDE_ACTION):
        return COUNTRY
    membership = (
        user.memberships.filter(revoked_at__isnull=True, area__isnull=False)
        .select_related("area")
        .order_by("pk")
        .first()
    )
    return str(membership.area.area_id) if membership else ""


def _report_form(request) -> ReportForm:
    data = request.GET.copy()
    data.setdefault("year", str(queries.year_default()))
    if not data.get("area"):
        data["area"] = _default_area(request.user)
    if not data["area"]:  # a nationwide user: ask, without an error on first sight
        return ReportForm(initial={"year": data["year"]})
    return ReportForm(data)


def _scope_from(request, form, *, country: bool = False):
    """(scope, query string) for a valid report form, or (None, "") with the refusal put on the form.

    The whole country (`vn`, `vn@<scheme>`) only where `country` says the page shows it, and only for a nationwide
    reader: anyone else gets the refusal of an unknown area, as the OCOP dashboard and the API give."""
    if not form.is_valid():
        return None, ""
    year, area = form.cleaned_data["year"], form.cleaned_data["area"]
    chosen_set = form.cleaned_data.get("criteria_set") or ""
    try:
        if isinstance(area, CountryId):
            year = queries.parse_year(year)
            user = request.user if country else None
            country_unit = report_area(area, year_end(year), user=user, action=NATIONWIDE_ACTION)
            if chosen_set:
                from ntm.levels import country_scope_for_set

                scope = country_scope_for_set(year, country_unit, queries.report_set(year, chosen_set))
            else:
                scope = national_scope(year, country_unit)
        else:
            scope = queries.report_scope(year, area, criteria_set=chosen_set or None)
    except DomainError as exc:
        field = {queries.BadYear: "year", queries.BadCriteriaSet: "criteria_set"}.get(type(exc), "area")
        form.add_error(field, getattr(exc, "page_message", exc.message))
        return None, ""
    params = {"year": scope.year, "area": str(scope.area.area_id)}
    if chosen_set:
        params["criteria_set"] = chosen_set
    return scope, urlencode(params)


def _report_of(scope, user, chosen: bool) -> dict:
    """The cached report of a scope: the year's basic set, or (issue 18) the set chosen on the form."""
    if chosen:
        from ntm.levels import report_for_set

        return report_for_set(scope.year, str(scope.area.area_id), scope.criteria_set.code, user=user)
    return report_for(scope.year, str(scope.area.area_id), user=user)


@login_required
def dashboard(request):
    _need(request, "ntm.view")
    form = _report_form(request)
    context = {"form": form}
    scope, query = _scope_from(request, form, country=True)
    context["offer_country"] = nationwide(request.user, NATIONWIDE_ACTION) and not (
        scope is not None and isinstance(scope.area, Country)
    )
    if scope is not None:
        chosen = bool(form.cleaned_data.get("criteria_set"))
        report = _report_of(scope, request.user, chosen)  # cached by data version
        context.update(
            report=report,
            children=levels.with_next_level(report["children"], scope.year),
            set_total=report.get("criteria_total") if chosen else None,
            figures=figure_rows(report),
            criteria_rows=criterion_rows(report, scope.criteria),
            narrative=narrative(report),
            village_rows=village_rows(report),
            notes=rule_notes(report),
            other_sets=queries.other_set_progress(scope),
            criteria_set=scope.criteria_set,
            commune=scope.area if scope.area.level == "commune" else None,
            query=query,
        )
    return page_or_partial(request, "ntm/dashboard.html", context, "results")


@login_required
def export(request):
    _need(request, "ntm.view")
    form = _report_form(request)
    scope, _query = _scope_from(request, form, country=True)
    if scope is None:
        raise Http404
    report = _report_of(scope, request.user, bool(form.cleaned_data.get("criteria_set")))
    response = HttpResponse(
        workbook(report, scope.criteria, queries.other_set_progress(scope)),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"ntm-{report['year']}-{report['area']['id'].replace(':', '-')}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def figure(request):
    """The communes behind one number of the dashboard."""
    _need(request, "ntm.view")
    form = _report_form(request)
    scope, query = _scope_from(request, form, country=True)
    if scope is None:
        raise Http404
    name, arg = request.GET.get("figure", "communes"), request.GET.get("arg", "")
    try:
        communes = queries.figure_communes(scope, name, arg)
    except DomainError as exc:
        raise Http404 from exc
    page = Paginator(communes, 100).get_page(request.GET.get("page"))
    progress = levels.progress_many(page.object_list, scope.year)  # the next-level column, constant queries
    for c in page.object_list:
        c.next_level = progress[c.pk].label
        c.next_level_status = progress[c.pk].status_label
    return render(
        request,
        "ntm/figure.html",
        {"scope": scope, "page": page, "title": queries.figure_label(scope, name, arg), "query": query},
    )


@login_required
def priorities(request):
    _need(request, "ntm.view")
    form = _report_form(request)
    scope, query = _scope_from(request, form)
    context = {"form": form, "scope": scope, "query": query}
    if scope is not None:
        context["priorities"] = queries.priorities(scope)
    return render(request, "ntm/priorities.html", context)


@login_required
def completeness(request):
    _need(request, "ntm.view")
    form = _report_form(request)
    scope, query = _scope_from(request, form)
    if scope is not None and not area_scope(request.user, "ntm.view").contains(scope.area):
        # who has or has not reported, and forms not yet approved, are the area's own business (the public figures
        # count approved forms only)
        form.add_error("area", _("%(area)s nằm ngoài phạm vi bạn được giao.") % {"area": scope.area.name})
        scope, query = None, ""
    context = {"form": form, "scope": scope, "query": query}
    if scope is not None:
        rows = list(queries.completeness(scope.area, scope.year))
        missing = [
            r for r in rows if r.assessment_status not in (AssessmentStatus.SUBMITTED, AssessmentStatus.APPROVED)
        ]
        province = scope.area if scope.area.level == "province" else scope.area.province
        context.update(
            rows=rows,
            missing=missing,
            can_remind=area_scope(request.user, "ntm.approve").contains(scope.area),
            province=province,
            period=ClosedPeriod.objects.filter(province=province, year=scope.year).select_related("closed_by").first()
            if province
            else None,
        )
    return render(request, "ntm/completeness.html", context)


def _posted_area_and_year(request, key: str):
    """The area and year a completeness button sends (hidden fields): a tampered value is a 400 saying which, not a
    500."""
    try:
        return get_unit(request.POST.get(key, "")), queries.parse_year(request.POST.get("year")), None
    except DomainError as exc:
        return None, None, render(request, "400.html", {"message": exc.message}, status=400)


@login_required
@require_POST
def remind(request):
    _need(request, "ntm.approve")
    area, year, refused = _posted_area_and_year(request, "area")
    if refused:
        return refused
    back = reverse("ntm:completeness") + "?" + urlencode({"year": year, "area": str(area.area_id)})
    try:
        sent = services.remind_missing(actor=request.user, area=area, year=year)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if sent:
            messages.success(request, _("Đã gửi %(n)s thông báo nhắc các xã chưa báo cáo.") % {"n": sent})
        else:
            messages.info(
                request, _("Không có thông báo mới: hôm nay các xã này đã được nhắc, hoặc chưa có cán bộ xã.")
            )
    return redirect(back)


@login_required
@require_POST
def close_period(request):
    _need(request, "ntm.approve")
    province, year, refused = _posted_area_and_year(request, "province")
    if refused:
        return refused
    back = reverse("ntm:completeness") + "?" + urlencode({"year": year, "area": str(province.area_id)})
    if request.POST.get("reopen"):
        period = get_in_scope_or_404(
            ClosedPeriod.objects.for_user(request.user, "ntm.approve"), province=province, year=year
        )
        return perform(
            request,
            lambda: services.reopen_period(actor=request.user, period=period, reason=request.POST.get("reason", "")),
            success=_("Đã mở lại kỳ báo cáo."),
            then=back,
        )
    return perform(
        request,
        lambda: services.close_period(actor=request.user, province=province, year=year),
        success=_("Đã khóa kỳ báo cáo năm %(y)s.") % {"y": year},
        then=back,
    )


def _commune_in_scope(request, area_id: str, action: str = "ntm.view"):
    try:
        commune = get_unit(area_id)
    except DomainError as exc:
        raise Http404 from exc
    if commune.level != "commune" or not area_scope(request.user, action).contains(commune):
        raise Http404
    return commune


def _year_of_unit(unit, year: int) -> int:
    """The nearest year whose 31 December the unit is valid on (an old commune's last year, a new one's first)."""
    if unit.valid_until and year_end(year) >= unit.valid_until:
        year = (unit.valid_until - datetime.timedelta(days=1)).year
        if year_end(year) >= unit.valid_until:
            year -= 1
    if unit.valid_from and year_end(year) < unit.valid_from:
        year = unit.valid_from.year
    return year


def _latest_year(unit, sets, recognitions) -> int:
    """Last year (the usual reporting year), or a later year up to this one holding the commune's own form or decision:
    the page opened right after this year's approval or recognition shows it."""
    this_year = datetime.date.today().year
    years = [a.year for block in sets for a in block["assessments"] if a.commune_id == unit.pk]
    years += [r.effective_date.year for r in recognitions if r.commune_id == unit.pk]
    return max([queries.year_default(), *(y for y in years if y <= this_year)])


def _village_block(unit, year: int) -> dict:
    """The commune's village figures of the year, keys made template-friendly (no hyphen)."""
    from ntm.village_queries import village_figures

    block = village_figures(year, unit)
    for key in ("recognized", "recognized_cumulative"):
        block[key] = {level.replace("-", "_"): n for level, n in block[key].items()}
    return block


@login_required
def commune(request, area_id: str):
    _need(request, "ntm.view")
    unit = _commune_in_scope(request, area_id)
    sets, recognitions = queries.commune_history(unit)
    groups = CommuneGroupAssignment.objects.filter(commune=unit).select_related("recorded_by")
    can_assess = request.user.has_perm("ntm.assess") and area_scope(request.user, "ntm.assess").contains(unit)
    can_manage = request.user.has_perm("ntm.manage") and area_scope(request.user, "ntm.manage").contains(unit)
    try:
        year = queries.parse_year(request.GET.get("year") or _latest_year(unit, sets, recognitions))
    except DomainError:
        year = queries.year_default()
    year = _year_of_unit(unit, year)
    standing = queries.commune_standing(unit, year) if unit.is_rural_commune else None
    predecessors = standing.predecessors if standing else queries.predecessor_standings(unit)
    return render(
        request,
        "ntm/commune.html",
        {
            "unit": unit,
            "sets": sets,
            "recognitions": recognitions,
            "groups": groups,
            "standing": standing,
            "next_level": levels.progress(unit, year) if unit.is_rural_commune else None,
            "can_count": (can_assess or can_manage) and unit.is_rural_commune,
            "predecessors": predecessors,
            "can_assess": can_assess and unit.is_rural_commune,
            "can_manage": can_manage and unit.is_rural_commune,
            "year": year,
            "villages": _village_block(unit, year),
            "can_add_village": can_manage or can_assess,
            "start_year": request.GET.get("year") or queries.year_default() + 1,
            "recognition_form": RecognitionForm(commune=unit),
            "acknowledgement_form": AcknowledgementForm(predecessors=predecessors) if predecessors else None,
            "revocation_form": RevocationForm(),
            "group_form": CommuneGroupForm(),
            **procedure_views.commune_requests_context(request, unit),
        },
    )


@login_required
@require_POST
def start(request, area_id: str):
    _need(request, "ntm.assess")
    unit = _commune_in_scope(request, area_id, "ntm.assess")
    try:
        year = queries.parse_year(request.POST.get("year"))
        assessment, _created = services.start_assessment(actor=request.user, commune=unit, year=year)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("ntm:commune", area_id=area_id)
    return redirect(assessment)


def _assessment(request, pk):
    return get_in_scope_or_404(
        Assessment.objects.for_user(request.user, "ntm.view").select_related(
            "commune", "commune__province", "criteria_set", "approved_by", "submitted_by"
        ),
        pk=pk,
    )


@login_required
def assessment(request, pk: int):
    _need(request, "ntm.view")
    obj = _assessment(request, pk)
    criteria = list(obj.criteria_set.criteria.prefetch_related("indicators"))
    if not criteria and obj.criteria_set.declared_criteria:  # a count-only set: its result is a count, kept there
        query = urlencode({"year": obj.year, "criteria_set": obj.criteria_set.code})
        return redirect(reverse("ntm:level_count", args=[str(obj.commune.area_id)]) + "?" + query)
    lock = services.lock_reason(obj)
    can_edit = (
        not lock
        and obj.status == AssessmentStatus.DRAFT
        and request.user.has_perm("ntm.assess")
        and area_scope(request.user, "ntm.assess").contains(obj.commune)
    )
    posted = request.method == "POST"
    form = AssessmentForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        assessment=obj,
        criteria=criteria,
        disabled=not can_edit,
    )
    if request.method == "POST":
        if not can_edit:
            messages.error(request, lock or _("Bạn không sửa được kết quả đánh giá này."))
            return redirect(obj)
        if form.is_valid():
            try:
                services.save_assessment(
                    actor=request.user,
                    assessment=obj,
                    results=form.results(),
                    indicator_values=form.indicator_values(),
                    note=form.cleaned_data["note"],
                    expected_version=form.expected_version(),
                    evidence=form.evidence_files(),
                )
                if request.POST.get("submit"):
                    services.submit_assessment(actor=request.user, assessment=obj)
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(
                    request, _("Đã gửi kết quả lên tỉnh.") if request.POST.get("submit") else _("Đã lưu kết quả.")
                )
                return redirect(obj)
    can_approve = request.user.has_perm("ntm.approve") and area_scope(request.user, "ntm.approve").contains(obj.commune)
    return render(
        request,
        "ntm/assessment.html",
        {
            "assessment": obj,
            "form": form,
            "lock": lock,
            "can_edit": can_edit,
            "can_approve": can_approve,
            "reason_form": ReasonForm(),
            "history": audit.history(obj, request.user)[:50],
        },
    )


TRANSITIONS = {
    "approve": (services.approve_assessment, _("Đã duyệt và khóa kết quả."), False),
    "return": (services.return_assessment, _("Đã trả lại kết quả cho xã."), True),
    "unapprove": (services.unapprove_assessment, _("Đã mở khóa kết quả."), True),
}


def perform_transition(request, obj, transitions: dict, action: str):
    """A province's step on an assessment (a commune's or a village's) from its page: the service of `action`, its
    reason when it needs one, the service's refusal shown on the page."""
    if action not in transitions:
        raise Http404
    service, success, needs_reason = transitions[action]
    kwargs = {"reason": request.POST.get("reason", "")[:4000]} if needs_reason else {}
    return perform(
        request,
        lambda: service(actor=request.user, assessment=obj, **kwargs),
        success=str(success),
        then=obj.get_absolute_url(),
    )


@login_required
@require_POST
def transition(request, pk: int, action: str):
    _need(request, "ntm.approve")
    return perform_transition(request, _assessment(request, pk), TRANSITIONS, action)


@login_required
@require_POST
def recognition_add(request, area_id: str):
    _need(request, "ntm.manage")
    unit = _commune_in_scope(request, area_id, "ntm.manage")
    return _record(
        request,
        area_id,
        RecognitionForm(request.POST, commune=unit),
        lambda data, form: services.record_recognition(
            actor=request.user,
            commune=unit,
            level=data["level"],
            village=data.get("village_ref") or data["village"],
            decision_no=data["decision_no"],
            decision_date=data["decision_date"],
        ),
        _("Đã ghi quyết định công nhận."),
    )


def _record(request, area_id, form, call, success):
    """Run a recording service on a posted form (its errors, or the service's refusal, flashed on the commune page);
    what it accepted with a warning (issue §9) is said beside the success."""
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("ntm:commune", area_id=area_id)
    try:
        recognition, created = call(form.cleaned_data, form)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if created:
            messages.success(request, success)
        else:
            messages.info(request, _("Quyết định này đã được ghi trước đó."))
        if recognition.warning:
            messages.warning(request, recognition.warning)
    return redirect("ntm:commune", area_id=area_id)


@login_required
@require_POST
def acknowledgement_add(request, area_id: str):
    """The province's "thừa nhận" decision for a commune formed by merging (ends its inherited level)."""
    _need(request, "ntm.manage")
    unit = _commune_in_scope(request, area_id, "ntm.manage")
    return _record(
        request,
        area_id,
        AcknowledgementForm(request.POST, predecessors=queries.predecessor_standings(unit)),
        lambda data, form: services.record_acknowledgement(
            actor=request.user,
            commune=unit,
            level=data["level"],
            decision_no=data["decision_no"],
            decision_date=data["decision_date"],
            follows_from=form.follows_from_units(),
        ),
        _("Đã ghi quyết định thừa nhận."),
    )


@login_required
@require_POST
def recognition_revoke(request, pk: int):
    _need(request, "ntm.manage")
    recognition = get_in_scope_or_404(
        Recognition.objects.for_user(request.user, "ntm.manage").select_related("commune"), pk=pk
    )
    back = reverse("ntm:commune", args=[str(recognition.commune.area_id)])
    form = RevocationForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(back)
    data = form.cleaned_data
    return perform(
        request,
        lambda: services.revoke_recognition(
            actor=request.user,
            recognition=recognition,
            revoked_on=data["revoked_on"],
            reason=data["reason"],
            decision_no=data["decision_no"],
        ),
        success=_("Đã thu hồi quyết định công nhận."),
        then=back,
    )


@login_required
@require_POST
def group_set(request, area_id: str):
    _need(request, "ntm.manage")
    unit = _commune_in_scope(request, area_id, "ntm.manage")
    form = CommuneGroupForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("ntm:commune", area_id=area_id)
    return perform(
        request,
        lambda: services.set_commune_group(actor=request.user, commune=unit, **form.cleaned_data),
        success=_("Đã ghi nhóm xã."),
        then="ntm:commune",
        area_id=area_id,
    )


@login_required
def recognitions(request):
    _need(request, "ntm.view")
    form = RecognitionFilter(request.GET)
    qs = form.apply(
        Recognition.objects.for_user(request.user, "ntm.view").select_related(
            "commune", "commune__district", "commune__province"
        )
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return page_or_partial(request, "ntm/recognitions.html", {"page": page, "form": form}, "results")


@login_required
def import_upload(request):
    """Upload → a background dry run (imports app: progress, mapping step, errors, then the write on request)."""
    _need(request, "ntm.manage")
    form = NtmImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        from imports import services as imports_services
        from imports.views import upload_redirect

        job = imports_services.start_import(actor=request.user, kind_key="ntm", upload=form.cleaned_data["file"])
        return upload_redirect(request, job)
    return render(request, "ntm/import.html", {"form": form, "columns": [*BASE_COLUMNS, *TAIL_COLUMNS]})
