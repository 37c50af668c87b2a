"""Pages of trade-promotion events: officers record events, participants and results; producers register."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.scope import acts_only_as_producer
from core import audit
from core.errors import DomainError, NotFound
from core.forms import add_domain_error
from core.htmx import page_or_partial
from core.scoping import get_in_scope_or_404
from producers.models import Producer
from products.models import Product
from programme import event_exports, event_services
from programme.event_forms import (
    CancelForm,
    DeclineForm,
    EventForm,
    EventReportFilter,
    NeverPromotedFilter,
    ParticipantForm,
    ResultsForm,
)
from programme.event_queries import (
    event_report,
    events_for,
    managed_events,
    never_promoted,
)
from programme.models import Participation, ParticipationStatus

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require(request, action):
    if not request.user.has_perm(action):
        raise PermissionDenied


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def event_list(request):
    _require(request, "programme.view")
    qs = (
        events_for(request.user)
        .select_related("province", "area")
        .annotate(
            accepted=Count("participations", filter=Q(participations__status=ParticipationStatus.ACCEPTED)),
            waiting=Count("participations", filter=Q(participations__status=ParticipationStatus.REGISTERED)),
        )
        .order_by("-start_date", "-id")
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return page_or_partial(
        request,
        "programme/events/list.html",
        {"page": page, "today": timezone.localdate()},
        "results",
    )


def _producers_of(user):
    return Producer.objects.filter(accounts=user) if acts_only_as_producer(user) else Producer.objects.none()


@login_required
def event_detail(request, pk):
    _require(request, "programme.view")
    event = get_in_scope_or_404(events_for(request.user).select_related("province", "area"), pk=pk)
    manages = managed_events(request.user).filter(pk=pk).exists()
    products = Prefetch("products", queryset=Product.objects.only("id", "name", "producer_id").order_by("name"))
    participations = Participation.objects.filter(event=event).select_related("producer").prefetch_related(products)
    if not manages:
        participations = participations.filter(producer__accounts=request.user)
    today = timezone.localdate()
    own = _producers_of(request.user)
    can_register = (
        request.user.has_perm("programme.join_events")
        and event.is_public
        and not event.is_cancelled
        and event.start_date >= today
        and own.exclude(event_participations__event=event).exists()
    )
    return render(
        request,
        "programme/events/detail.html",
        {
            "event": event,
            "manages": manages,
            "participations": participations.order_by("status", "producer__name"),
            "today": today,
            "ended": event.has_ended(today),
            "can_register": can_register,
            "cancel_form": CancelForm(),
            # the service refuses to cancel an event with results: the form is not offered then
            "can_cancel": manages
            and not event.is_cancelled
            and not Participation.objects.filter(event=event, results_recorded_at__isnull=False).exists(),
            "decline_form": DeclineForm(),
            "history": audit.history(event, request.user)[:50] if manages else [],
        },
    )


def _event_values(form):
    return {name: form.cleaned_data[name] for name in EventForm.Meta.fields}


@login_required
def event_create(request):
    _require(request, "programme.manage_events")
    form = EventForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            event = event_services.create_event(actor=request.user, **_event_values(form))
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Đã ghi sự kiện."))
            return redirect(event)
    return render(request, "programme/events/form.html", {"form": form})


@login_required
def event_edit(request, pk):
    _require(request, "programme.manage_events")
    event = get_in_scope_or_404(managed_events(request.user), pk=pk)
    form = EventForm(request.POST or None, instance=event, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            event = event_services.update_event(actor=request.user, event=event, **_event_values(form))
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Đã lưu sự kiện."))
            return redirect(event)
    return render(request, "programme/events/form.html", {"form": form, "event": event})


def _reason_error(form, missing: str) -> str:
    """What is wrong with a posted reason: `missing` when none was written, else the field's own message (too long)."""
    if form.data.get("reason", "").strip() and form.errors.get("reason"):
        return form.errors["reason"][0]
    return missing


@login_required
@require_POST
def event_cancel(request, pk):
    _require(request, "programme.manage_events")
    event = get_in_scope_or_404(managed_events(request.user), pk=pk)
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _reason_error(form, _("Hãy ghi lý do hủy sự kiện.")))
        return redirect(event)
    try:
        event_services.cancel_event(actor=request.user, event=event, reason=form.cleaned_data["reason"])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã hủy sự kiện."))
    return redirect(event)


@login_required
def participant_add(request, pk):
    _require(request, "programme.manage_events")
    event = get_in_scope_or_404(managed_events(request.user).select_related("province"), pk=pk)
    producers = Producer.objects.for_user(request.user, "programme.manage_events").order_by("search_name")
    products = Product.objects.for_user(request.user, "programme.manage_events").order_by("name")
    form = ParticipantForm(request.POST or None, producers=producers, products=products)
    if request.method == "POST" and form.is_valid():
        try:
            event_services.add_participant(
                actor=request.user,
                event=event,
                producer=form.cleaned_data["producer"],
                products=form.cleaned_data["products"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Đã thêm chủ thể tham gia."))
            return redirect(event)
    return render(
        request,
        "programme/events/participant_form.html",
        {"form": form, "event": event, "title": _("Thêm chủ thể tham gia")},
    )


@login_required
def event_register(request, pk):
    _require(request, "programme.join_events")
    event = get_in_scope_or_404(events_for(request.user).filter(is_public=True, cancelled_at__isnull=True), pk=pk)
    producers = _producers_of(request.user).order_by("search_name")
    products = Product.objects.filter(producer__in=producers).order_by("name")
    form = ParticipantForm(request.POST or None, producers=producers, products=products)
    if request.method == "POST" and form.is_valid():
        try:
            event_services.register_interest(
                actor=request.user,
                event=event,
                producer=form.cleaned_data["producer"],
                products=form.cleaned_data["products"],
            )
        except NotFound as exc:
            raise Http404 from exc
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Đã gửi đăng ký; cơ quan quản lý sẽ xem xét."))
            return redirect(event)
    return render(
        request,
        "programme/events/participant_form.html",
        {"form": form, "event": event, "title": _("Đăng ký tham gia")},
    )


def _managed_participation(request, pk):
    _require(request, "programme.manage_events")
    qs = Participation.objects.for_user(request.user, "programme.manage_events").select_related("event", "producer")
    return get_in_scope_or_404(qs, pk=pk)


@login_required
@require_POST
def participation_accept(request, pk):
    participation = _managed_participation(request, pk)
    try:
        event_services.accept_participation(actor=request.user, participation=participation)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã nhận chủ thể '%(c)s'.") % {"c": participation.producer.name})
    return redirect(participation.event)


@login_required
@require_POST
def participation_decline(request, pk):
    participation = _managed_participation(request, pk)
    form = DeclineForm(request.POST)
    if not form.is_valid():
        messages.error(request, _reason_error(form, _("Hãy ghi lý do không nhận để chủ thể biết.")))
        return redirect(participation.event)
    try:
        event_services.decline_participation(
            actor=request.user, participation=participation, reason=form.cleaned_data["reason"]
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã từ chối đăng ký của '%(c)s'.") % {"c": participation.producer.name})
    return redirect(participation.event)


@login_required
def participation_results(request, pk):
    participation = _managed_participation(request, pk)
    initial = {
        "contracts_signed": participation.contracts_signed,
        "sales_value": participation.sales_value,
        "new_buyers": participation.new_buyers,
        "note": participation.results_note,
    }
    form = ResultsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            event_services.record_results(
                actor=request.user,
                participation=participation,
                contracts_signed=form.cleaned_data["contracts_signed"],
                sales_value=form.cleaned_data["sales_value"],
                new_buyers=form.cleaned_data["new_buyers"],
                note=form.cleaned_data["note"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Đã ghi kết quả."))
            return redirect(participation.event)
    return render(
        request,
        "programme/events/results_form.html",
        {"form": form, "participation": participation, "event": participation.event},
    )


@login_required
def event_report_view(request):
    _require(request, "programme.manage_events")
    filters = EventReportFilter(request.GET or None)
    report = event_report(request.user, year=filters.year_value(), area=filters.area_value())
    if request.GET.get("format") == "xlsx":
        return _xlsx(event_exports.report_workbook(report), f"su-kien-xttm-{report.year}.xlsx")
    return page_or_partial(request, "programme/events/report.html", {"filters": filters, "report": report}, "results")


@login_required
def never_promoted_view(request):
    _require(request, "programme.manage_events")
    filters = NeverPromotedFilter(request.GET or None)
    today = timezone.localdate()
    qs = never_promoted(request.user, today=today, area=filters.area_value())
    if request.GET.get("format") == "xlsx":
        return _xlsx(event_exports.never_promoted_workbook(qs, today=today), "san-pham-chua-xuc-tien.xlsx")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return page_or_partial(
        request,
        "programme/events/never_promoted.html",
        {"filters": filters, "page": page, "today": today},
        "results",
    )
