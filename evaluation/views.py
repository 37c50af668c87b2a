"""Pages of council scoring: the rounds a user sits on or manages, a round's products, the member's scoring screen and
the chair's board. They only read what `evaluation.council` lets the viewer read and every button calls one service.

A user without a seat in the round and without `evaluation.manage` over its province gets 404 for the round and its
products. The scoring screen and the board run a constant number of queries whatever the number of criteria or
members (the board and the round page: a few per product, for the result and its visibility).
"""

from decimal import Decimal

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.actions import perform
from core.errors import DomainError
from core.forms import BootstrapMixin, add_domain_error, picked_key
from core.text import is_id
from evaluation import council, documents, privacy, proposals
from evaluation.council_models import (
    SCORING_ROLES,
    Answer,
    Conflict,
    CouncilMember,
    EvaluationRound,
    ItemStatus,
    MemberRole,
    MinimumCheck,
    RoundItem,
    Scoresheet,
    SheetStatus,
)
from evaluation.models import Criterion, MandatoryRule, Option
from products import workflow


class ReasonForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Lý do"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,  # the service refuses an empty reason, in one place
    )


# ── Access ─────────────────────────────────────────────────────────────────────────────────────────────────────────


def _forms():
    from evaluation import forms as evaluation_forms

    return evaluation_forms


def rounds_for(user):
    """Rounds the user manages (by area) or sits on."""
    managed = EvaluationRound.objects.for_user(user, council.MANAGE).values("pk")
    seated = CouncilMember.objects.filter(user=user).values("evaluation_round")
    return EvaluationRound.objects.filter(Q(pk__in=managed) | Q(pk__in=seated))


def _manages(user, evaluation_round) -> bool:
    return (
        user.has_perm(council.MANAGE)
        and EvaluationRound.objects.for_user(user, council.MANAGE).filter(pk=evaluation_round.pk).exists()
    )


def _round(request, pk):
    evaluation_round = get_object_or_404(rounds_for(request.user).select_related("criteria_set", "province"), pk=pk)
    seat = CouncilMember.objects.filter(evaluation_round=evaluation_round, user=request.user).first()
    return evaluation_round, seat


def _item(request, pk):
    """The item and the viewer's seat (None for the province office); 404 for anyone else."""
    item = get_object_or_404(
        RoundItem.objects.select_related("evaluation_round__criteria_set", "product", "sheet__category"),
        pk=pk,
        evaluation_round__in=rounds_for(request.user).values("pk"),
    )
    seat = CouncilMember.objects.filter(evaluation_round=item.evaluation_round_id, user=request.user).first()
    return item, seat


# ── Rounds ─────────────────────────────────────────────────────────────────────────────────────────────────────────


@login_required
def round_list(request):
    rounds = rounds_for(request.user).select_related("criteria_set", "province").annotate(n_items=Count("items"))
    seats = dict(
        CouncilMember.objects.filter(user=request.user, evaluation_round__in=[r.pk for r in rounds]).values_list(
            "evaluation_round_id", "role"
        )
    )
    roles = dict(MemberRole.choices)
    rounds = list(rounds)
    for r in rounds:
        r.my_role = roles.get(seats.get(r.pk), "")
    return TemplateResponse(request, "evaluation/round_list.html", {"rounds": rounds})


@login_required
def round_detail(request, pk: int):
    evaluation_round, seat = _round(request, pk)
    items = list(evaluation_round.items.select_related("product").order_by("id"))
    my_sheets = {}
    my_conflicts = set()
    if seat is not None:
        my_sheets = dict(Scoresheet.objects.filter(member=seat, item__in=items).values_list("item_id", "status"))
        my_conflicts = set(Conflict.objects.filter(member=seat, item__in=items).values_list("item_id", flat=True))
    for item in items:
        item.show_aggregate = council.may_see_aggregate(request.user, item)
        item.my_sheet = my_sheets.get(item.pk)
        item.my_conflict = item.pk in my_conflicts
    return TemplateResponse(
        request,
        "evaluation/round_detail.html",
        {
            "round": evaluation_round,
            "seat": seat,
            "items": items,
            "scores": seat is not None and seat.role in SCORING_ROLES,
            "may_board": _presides(seat) or _manages(request.user, evaluation_round),
            "submitted": SheetStatus.SUBMITTED,
            "manages": _manages(request.user, evaluation_round),
            "member_form": _forms().MemberForm(evaluation_round=evaluation_round),
            "meeting_form": MeetingForm(
                initial={
                    "meeting_date": evaluation_round.meeting_date.strftime("%d/%m/%Y")
                    if evaluation_round.meeting_date
                    else "",
                    "meeting_place": evaluation_round.meeting_place,
                }
            ),
            "council": CouncilMember.objects.filter(evaluation_round=evaluation_round)
            .select_related("user")
            .order_by("role", "id"),
            "scoring_started": any(item.status != ItemStatus.SCORING for item in items)
            or Scoresheet.objects.filter(item__evaluation_round=evaluation_round, answers__isnull=False).exists(),
            "item_form": _forms().ItemForm(evaluation_round=evaluation_round),
        },
    )


# ── Scoring screen ─────────────────────────────────────────────────────────────────────────────────────────────────


def _sheet_layout(item, sheet):
    """Criteria grouped by part and section with the sheet's answers, and the running totals per part."""
    criteria = list(
        Criterion.objects.filter(scope=item.sheet_id)
        .select_related("section__part")
        .prefetch_related("options")
        .order_by("section__part__position", "section__position", "position", "id")
    )
    chosen = {}
    if sheet is not None:
        chosen = dict(Answer.objects.filter(sheet=sheet).values_list("criterion_id", "option_id"))
    parts, sections = {}, {}
    for criterion in criteria:
        section = criterion.section
        part = section.part
        if part.pk not in parts:
            parts[part.pk] = {
                "part": part,
                "sections": [],
                "points": Decimal("0"),
                "max": Decimal("0"),
                "n": 0,
                "of": 0,
            }
        p = parts[part.pk]
        if section.pk not in sections:
            sections[section.pk] = {"section": section, "criteria": []}
            p["sections"].append(sections[section.pk])
        criterion.chosen_id = chosen.get(criterion.pk)
        options = sorted(criterion.options.all(), key=lambda o: (o.position, o.points, o.pk))
        for option in options:
            option.stars_mark = "★" * option.min_star if option.min_star else ""
        criterion.option_list = options
        sections[section.pk]["criteria"].append(criterion)
        p["max"] += criterion.max_points
        p["of"] += 1
        for option in options:
            if option.pk == criterion.chosen_id:
                p["points"] += option.points
                p["n"] += 1
    parts = list(parts.values())
    totals = {
        "points": sum((p["points"] for p in parts), Decimal("0")),
        "max": sum((p["max"] for p in parts), Decimal("0")),
        "n": sum(p["n"] for p in parts),
        "of": len(criteria),
    }
    return parts, totals


def _own_sheet(user, item, seat):
    if seat is None:
        return None
    return council.readable_sheets(user, item).filter(member=seat).first()


def _score_context(request, item, seat):
    conflicted = seat is not None and Conflict.objects.filter(item=item, member=seat).exists()
    sheet = None if conflicted else _own_sheet(request.user, item, seat)
    parts, totals = ([], None) if conflicted else _sheet_layout(item, sheet)
    from evaluation import advisory

    waiting_for_report = None
    if seat is not None and item.status == ItemStatus.SCORING:
        try:
            advisory.require_report(item, role=seat.role)
        except DomainError as exc:
            waiting_for_report = exc.message
    editable = (
        not conflicted
        and waiting_for_report is None
        and seat is not None
        and seat.role in SCORING_ROLES
        and item.status == ItemStatus.SCORING
        and (sheet is None or sheet.status != SheetStatus.SUBMITTED)
    )
    return {
        "item": item,
        "round": item.evaluation_round,
        "seat": seat,
        "sheet": sheet,
        "conflicted": conflicted,
        "parts": parts,
        "totals": totals,
        "editable": editable,
        "waiting_for_report": waiting_for_report,
        "submitted": sheet is not None and sheet.status == SheetStatus.SUBMITTED,
    }


@login_required
def score(request, pk: int):
    item, seat = _item(request, pk)
    if seat is None:
        return redirect("evaluation:board", pk=item.evaluation_round_id)
    context = _score_context(request, item, seat)
    siblings = list(
        RoundItem.objects.filter(evaluation_round=item.evaluation_round_id).order_by("id").values_list("pk", flat=True)
    )
    at = siblings.index(item.pk)
    context["prev_id"] = siblings[at - 1] if at > 0 else None
    context["next_id"] = siblings[at + 1] if at + 1 < len(siblings) else None
    context["position"], context["count"] = at + 1, len(siblings)
    context["dossier"] = (
        workflow.dossiers_for(request.user).filter(product=item.product_id).order_by("-created_at", "-pk").first()
    )
    context["scores"] = seat.role in SCORING_ROLES
    context["others"] = []
    context["show_aggregate"] = False
    if not context["conflicted"] and item.status != ItemStatus.SCORING:
        context["others"] = list(council.readable_sheets(request.user, item).order_by("member__role", "member__id"))
        context["show_aggregate"] = council.may_see_aggregate(request.user, item)
    context["conflict_form"] = ReasonForm()
    context["stars_legend"] = MandatoryRule.objects.filter(criterion__scope=item.sheet_id).exists()
    context["product_code"] = council.product_code(item)
    return TemplateResponse(request, "evaluation/score.html", context)


@login_required
@require_POST
def choose(request, pk: int):
    item, seat = _item(request, pk)
    if seat is None:
        raise Http404
    criterion = get_object_or_404(Criterion, pk=request.POST.get("criterion") or 0, scope=item.sheet_id)
    option = get_object_or_404(Option, pk=request.POST.get("option") or 0, criterion=criterion)
    error = None
    try:
        council.choose_option(actor=request.user, item=item, criterion=criterion, option=option)
    except DomainError as exc:
        error = exc.message
    context = _score_context(request, item, seat)
    context["error"] = error
    return TemplateResponse(request, "evaluation/score.html#totals", context)


@login_required
@require_POST
def submit(request, pk: int):
    item, _seat = _item(request, pk)
    return perform(
        request,
        lambda: council.submit_sheet(actor=request.user, item=item),
        success=_("Đã nộp phiếu chấm."),
        then="evaluation:score",
        pk=item.pk,
    )


@login_required
@require_POST
def conflict(request, pk: int):
    item, _seat = _item(request, pk)
    form = ReasonForm(request.POST)
    form.is_valid()
    return perform(
        request,
        lambda: council.declare_conflict(actor=request.user, item=item, reason=form.cleaned_data.get("reason", "")),
        success=_("Đã ghi nhận khai báo xung đột lợi ích."),
        then="evaluation:score",
        pk=item.pk,
    )


# ── The chair's board ──────────────────────────────────────────────────────────────────────────────────────────────


def _sheet_state(sheet, conflicted, of):
    if conflicted:
        return "conflicted", _("Xung đột lợi ích")
    if sheet is None:
        return "none", _("Chưa chấm")
    if sheet.status == SheetStatus.SUBMITTED:
        return "submitted", _("Đã nộp")
    return "draft", _("Đang chấm (%(n)s/%(of)s)") % {"n": sheet.n_answers, "of": of}


@login_required
def board(request, pk: int):
    evaluation_round, seat = _round(request, pk)
    is_chair = _presides(seat)
    if not is_chair and not _manages(request.user, evaluation_round):
        raise Http404
    seated = list(CouncilMember.objects.filter(evaluation_round=evaluation_round).select_related("user"))
    members = sorted((m for m in seated if m.role in SCORING_ROLES), key=lambda m: (m.role, m.id))
    names = {m.pk: m.user.get_full_name() or m.user.username for m in members}
    items = list(evaluation_round.items.select_related("product", "advisory_review__reported_by").order_by("id"))
    sizes = dict(
        Criterion.objects.filter(scope__in={i.sheet_id for i in items})
        .values("scope")
        .annotate(n=Count("id"))
        .values_list("scope", "n")
    )
    sheets = {
        (s.item_id, s.member_id): s
        for s in Scoresheet.objects.filter(item__evaluation_round=evaluation_round).annotate(n_answers=Count("answers"))
    }
    conflicts = set(
        Conflict.objects.filter(item__evaluation_round=evaluation_round).values_list("item_id", "member_id")
    )
    for item in items:
        of = sizes.get(item.sheet_id, 0)
        item.cells = []
        for member in members:
            state, label = _sheet_state(sheets.get((item.pk, member.pk)), (item.pk, member.pk) in conflicts, of)
            item.cells.append({"member": member, "state": state, "label": label})
        item.show_aggregate = council.may_see_aggregate(request.user, item)
        conflicted = {member_id for item_id, member_id in conflicts if item_id == item.pk}
        item.presiding = council.presiding_member(item, seated, conflicted)
        item.i_preside = seat is not None and item.presiding is not None and item.presiding.pk == seat.pk
        item.result = council.result_of(item)
        # Before the lock the board says how far the council has got, never who scored what (evaluation.privacy).
        item.progress = privacy.progress_label(
            *privacy.progress(seated, [s for (i, _m), s in sheets.items() if i == item.pk], conflicted)
        )
        if item.show_aggregate:
            item.flags = [(names.get(a, a), names.get(b, b), gap) for a, b, gap in item.result.flagged_pairs]
            item.diverging = item.result.diverging[:3]
        else:
            item.flags, item.diverging = [], []
        item.reason_form = ReasonForm(auto_id=f"id_reopen{item.pk}_%s")
    return TemplateResponse(
        request,
        "evaluation/board.html",
        {
            "round": evaluation_round,
            "members": members,
            "items": items,
            "is_chair": is_chair,
            "manages": _manages(request.user, evaluation_round),
            "decision_form": _forms().DecisionForm(initial={"level": proposals.organising_level(evaluation_round)}),
        },
    )


def _presides(seat) -> bool:
    """The chair, or the vice-chair named to preside for a conflicted chair, runs the board."""
    return seat is not None and (seat.role == MemberRole.CHAIR or seat.presides_for_chair)


def _chair_action(request, pk, call, success):
    item, _seat = _item(request, pk)
    return perform(request, lambda: call(item), success=success, then="evaluation:board", pk=item.evaluation_round_id)


@login_required
@require_POST
def lock(request, pk: int):
    return _chair_action(
        request, pk, lambda item: council.lock_item(actor=request.user, item=item), _("Đã khoá phiếu sản phẩm.")
    )


@login_required
@require_POST
def approve(request, pk: int):
    return _chair_action(
        request, pk, lambda item: council.approve_item(actor=request.user, item=item), _("Đã phê duyệt kết quả.")
    )


@login_required
@require_POST
def reopen(request, pk: int):
    form = ReasonForm(request.POST)
    form.is_valid()
    reason = form.cleaned_data.get("reason", "")
    return _chair_action(
        request,
        pk,
        lambda item: council.reopen_item(actor=request.user, item=item, reason=reason),
        _("Đã mở lại để chấm lại."),
    )


# ── Star minimums and knock-out conditions, judged once per product ───────────────────────────────────────────────


def minimum_rows(item):
    """The sheet's star minimums (rules) with the product's recorded judgement, in sheet order: two queries."""
    judged = {c.rule_id: c for c in MinimumCheck.objects.filter(item=item).select_related("recorded_by")}
    rows = []
    for rule in (
        MandatoryRule.objects.filter(criterion__scope=item.sheet_id)
        .select_related("criterion__section__part", "option")
        .order_by("criterion__section__part__position", "criterion__section__position", "criterion__position", "stars")
    ):
        rule.check = judged.get(rule.pk)
        rows.append(rule)
    return rows


@login_required
def minimums(request, pk: int):
    item, seat = _item(request, pk)
    if seat is None and not _manages(request.user, item.evaluation_round):
        raise Http404
    records = seat is not None and council.may_record(seat, item)
    return TemplateResponse(
        request,
        "evaluation/minimums.html",
        {
            "item": item,
            "round": item.evaluation_round,
            "rows": minimum_rows(item),
            "records": records and item.status != ItemStatus.APPROVED,
            "result": council.result_of(item) if council.may_see_aggregate(request.user, item) else None,
        },
    )


@login_required
@require_POST
def minimum_record(request, pk: int, rule_id: int):
    item, _seat = _item(request, pk)
    rule = get_object_or_404(MandatoryRule.objects.select_related("criterion"), pk=rule_id)
    met = request.POST.get("met")

    def record():
        if met not in ("1", "0"):
            raise DomainError(_("Chọn đạt hoặc không đạt."))
        council.record_minimum(
            actor=request.user, item=item, rule=rule, met=met == "1", note=request.POST.get("note", "")
        )

    return perform(request, record, success=_("Đã ghi nhận."), then="evaluation:minimums", pk=item.pk)


@login_required
@require_POST
def eliminate(request, pk: int):
    item, _seat = _item(request, pk)
    reason = request.POST.get("reason", "")
    return perform(
        request,
        lambda: council.record_elimination(actor=request.user, item=item, reason=reason),
        success=_("Đã ghi nhận điều kiện loại.") if reason.strip() else _("Đã bỏ ghi nhận loại."),
        then="evaluation:minimums",
        pk=item.pk,
    )


# ── Documents ──────────────────────────────────────────────────────────────────────────────────────────────────────


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _board_reader(request, pk):
    """The minutes and the results are the chair's and the province office's, like the board."""
    evaluation_round, seat = _round(request, pk)
    if not _presides(seat) and not _manages(request.user, evaluation_round):
        raise Http404
    return evaluation_round


@login_required
def minutes_pdf(request, pk: int):
    evaluation_round = _board_reader(request, pk)
    return _download(
        documents.render_minutes_pdf(evaluation_round), "application/pdf", documents.minutes_filename(evaluation_round)
    )


@login_required
def results_xlsx(request, pk: int):
    evaluation_round = _board_reader(request, pk)
    return _download(
        documents.results_workbook(evaluation_round),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        documents.results_filename(evaluation_round),
    )


@login_required
def sheet_pdf(request, pk: int, sheet_id: int):
    """A scoresheet as PDF, to whoever may read that sheet now (its member; everyone after the lock; never a
    conflicted member)."""
    item, _seat = _item(request, pk)
    sheet = get_object_or_404(council.readable_sheets(request.user, item), pk=sheet_id)
    return _download(documents.render_scoresheet_pdf(sheet), "application/pdf", documents.scoresheet_filename(sheet))


# ── Organising a round (province office) ──────────────────────────────────────────────────────────────────────────


def _require_manage_perm(request):
    if not request.user.has_perm(council.MANAGE):
        raise Http404


def _own_province(user):
    """The one province (2025 scheme) whose rounds the office organises, filled in on a new round; None if several."""
    from accounts.scope import area_scope
    from areas.choices import Level, Scheme
    from areas.models import AdministrativeUnit

    scope = area_scope(user, council.MANAGE)
    if scope.everywhere:
        return None
    provinces = list(
        AdministrativeUnit.objects.filter(
            pk__in=scope.province_ids | scope.unit_ids, level=Level.PROVINCE, scheme=Scheme.S2025
        )[:2]
    )
    return provinces[0] if len(provinces) == 1 else None


@login_required
def round_create(request):
    from evaluation.forms import RoundForm

    _require_manage_perm(request)
    province = None if request.method == "POST" else _own_province(request.user)
    form = RoundForm(request.POST or None, initial={"province": province} if province else None)
    if request.method == "POST" and form.is_valid():
        try:
            evaluation_round = council.create_round(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            return redirect("evaluation:round", evaluation_round.pk)
    return TemplateResponse(request, "evaluation/round_form.html", {"form": form})


def _managed_round(request, pk):
    evaluation_round, _seat = _round(request, pk)
    if not _manages(request.user, evaluation_round):
        raise Http404
    return evaluation_round


@login_required
@require_POST
def member_add(request, pk: int):
    from accounts.models import User
    from evaluation.forms import MemberForm

    evaluation_round = _managed_round(request, pk)
    form = MemberForm(request.POST)

    def add():
        _require_valid(form)
        user = User.objects.filter(username=picked_key(form.cleaned_data["username"]), is_active=True).first()
        if user is None:
            raise DomainError(_("Không có người dùng '%(u)s'.") % {"u": form.cleaned_data["username"]})
        council.add_member(
            actor=request.user,
            evaluation_round=evaluation_round,
            user=user,
            role=form.cleaned_data["role"],
            presides_for_chair=form.cleaned_data["presides_for_chair"] or None,
        )

    return perform(request, add, success=_("Đã thêm thành viên hội đồng."), then="evaluation:round", pk=pk)


class MeetingForm(BootstrapMixin, forms.Form):
    meeting_date = forms.DateField(
        label=gettext_lazy("Ngày họp hội đồng"), required=False, input_formats=["%d/%m/%Y", "%Y-%m-%d"]
    )
    meeting_place = forms.CharField(label=gettext_lazy("Địa điểm họp"), max_length=255, required=False)


@login_required
@require_POST
def meeting(request, pk: int):
    evaluation_round = _managed_round(request, pk)
    form = MeetingForm(request.POST)

    def save():
        _require_valid(form)
        council.set_meeting(actor=request.user, evaluation_round=evaluation_round, **form.cleaned_data)

    return perform(request, save, success=_("Đã ghi thời gian, địa điểm họp."), then="evaluation:round", pk=pk)


@login_required
def pick_products(request, pk: int):
    """The round's product picker: products in the office's areas whose name or producer holds every word typed."""
    from core.text import fold
    from products.queries import products_for

    _managed_round(request, pk)
    text = request.GET.get("product") or request.GET.get("q") or ""
    products = products_for(request.user).select_related("producer")
    for word in fold(text).split():
        products = products.filter(Q(search_name__contains=word) | Q(producer__search_name__contains=word))
    options = [f"{p.name} — {p.producer.name} [{p.pk}]" for p in products.order_by("search_name")[:20]]
    return TemplateResponse(request, "core/widgets/picker_options.html", {"options": options if text else []})


@login_required
def pick_people(request, pk: int):
    """The council picker: active people holding a scoring role in the round's province (either scheme)."""
    from accounts.models import User
    from accounts.scope import roles_for
    from areas.filters import with_counterparts
    from core.text import fold

    evaluation_round = _managed_round(request, pk)
    organiser = evaluation_round.province
    provinces = with_counterparts({organiser.province_id or organiser.pk})
    people = User.objects.filter(
        Q(memberships__area__isnull=True)
        | Q(memberships__area__in=provinces)
        | Q(memberships__area__province__in=provinces),
        is_active=True,
        memberships__role__in=roles_for("evaluation.score"),
        memberships__revoked_at__isnull=True,
    )
    text = request.GET.get("username") or request.GET.get("q") or ""
    for word in fold(text).split():
        people = people.filter(search_name__contains=word)
    options = [
        f"{u.get_full_name() or u.username} [{u.username}]" for u in people.distinct().order_by("search_name")[:20]
    ]
    return TemplateResponse(request, "core/widgets/picker_options.html", {"options": options if text else []})


def _require_valid(form) -> None:
    """A posted form of the round pages that does not validate is refused with its messages (shown by `perform`)."""
    if not form.is_valid():
        raise DomainError("; ".join(" ".join(e) for e in form.errors.values()))


def _member_action(request, pk, member_pk, call, success):
    """The office acts on one seat of its round (remove, name the presiding vice-chair), back to the round page."""
    evaluation_round = _managed_round(request, pk)
    member = get_object_or_404(CouncilMember, pk=member_pk, evaluation_round=evaluation_round)
    return perform(request, lambda: call(member), success=success, then="evaluation:round", pk=pk)


@login_required
@require_POST
def member_remove(request, pk: int, member_pk: int):
    return _member_action(
        request,
        pk,
        member_pk,
        lambda member: council.remove_member(actor=request.user, member=member),
        _("Đã bớt thành viên khỏi hội đồng."),
    )


@login_required
@require_POST
def member_deputy(request, pk: int, member_pk: int):
    return _member_action(
        request,
        pk,
        member_pk,
        lambda member: council.name_deputy(actor=request.user, member=member),
        _("Đã chỉ định phó chủ tịch chủ trì thay chủ tịch."),
    )


@login_required
@require_POST
def item_add(request, pk: int):
    from evaluation.forms import ItemForm
    from products.queries import products_for

    evaluation_round = _managed_round(request, pk)
    form = ItemForm(request.POST, evaluation_round=evaluation_round)

    def add():
        _require_valid(form)
        key = picked_key(form.cleaned_data["product"])
        product = products_for(request.user).filter(pk=int(key)).first() if is_id(key) else None
        if product is None:
            raise DomainError(
                _("Không tìm thấy sản phẩm “%(n)s” trong địa bàn của bạn: hãy chọn trong danh sách.")
                % {"n": form.cleaned_data["product"]}
            )
        council.add_product(
            actor=request.user, evaluation_round=evaluation_round, product=product, sheet=form.cleaned_data["sheet"]
        )

    return perform(request, add, success=_("Đã đưa sản phẩm vào đợt đánh giá."), then="evaluation:round", pk=pk)


@login_required
@require_POST
def decision_issue(request, pk: int):
    """The province records its recognition decision for the approved results it recognises."""
    from certification.choices import IssuingLevel
    from evaluation import proposals
    from evaluation.forms import DecisionForm

    evaluation_round = _managed_round(request, pk)
    form = DecisionForm(request.POST)

    def issue():
        _require_valid(form)
        data = dict(form.cleaned_data)
        level = data.pop("level") or proposals.organising_level(evaluation_round) or IssuingLevel.PROVINCE
        issued = proposals.issue_decision(actor=request.user, evaluation_round=evaluation_round, level=level, **data)
        if issued.forwarded:
            from django.contrib import messages

            messages.info(
                request,
                _("Chuyển lên Hội đồng cấp tỉnh chấm lại (từ 70 điểm, không công nhận ở cấp huyện): %(p)s.")
                % {"p": ", ".join(i.product.name for i in issued.forwarded)},
            )

    return perform(request, issue, success=_("Đã ghi quyết định công nhận."), then="evaluation:board", pk=pk)


# ── The advisory team's review (26/2026 Điều 7.3.c) ───────────────────────────────────────────────────────────────


def _submitted(request, form, call, *, render, success, then, **redirect_kwargs):
    """A form POSTed to one service: on success flash and redirect; on bad input or a refusal, the page again with
    the form and its errors where they belong (400), nothing written."""
    from django.contrib import messages

    status = 400
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
            status = exc.status
        else:
            messages.success(request, success)
            return redirect(then, **redirect_kwargs)
    return render(form, status)


def _conflicted(seat, item) -> bool:
    return seat is not None and Conflict.objects.filter(item=item, member=seat).exists()


@login_required
def advisory_round(request, pk: int):
    """The round's products with the state of the advisory team's review and its report to the chair."""
    from evaluation import advisory

    evaluation_round, seat = _round(request, pk)
    items = list(evaluation_round.items.select_related("product").order_by("id"))
    reviews = advisory.reviews_for(items)
    conflicts = set()
    if seat is not None:
        conflicts = set(Conflict.objects.filter(member=seat, item__in=items).values_list("item_id", flat=True))
    for item in items:
        item.review = reviews.get(item.pk)
        item.hidden = item.pk in conflicts
        item.open_requests = [r for r in item.review.requests.all() if r.is_open] if item.review is not None else []
    return TemplateResponse(
        request,
        "evaluation/advisory_round.html",
        {
            "round": evaluation_round,
            "seat": seat,
            "items": items,
            "required": advisory.requires_review(evaluation_round),
        },
    )


def _advisory_context(request, item, seat, bound=None):
    from evaluation import advisory
    from evaluation import forms as f

    bound = bound or {}
    review = advisory.review_of(item)
    requests = list(review.requests.select_related("requested_by", "received_by")) if review else []
    surveys = list(review.surveys.select_related("scheduled_by", "recorded_by")) if review else []
    writes = item.status == ItemStatus.SCORING and advisory.may_review(request.user, item)
    reported = review is not None and review.status == "reported"
    for r in requests:
        r.form = bound.get(f"received:{r.pk}") or f.AdditionsReceivedForm(auto_id=f"id_received{r.pk}_%s")
    for s in surveys:
        s.form = bound.get(f"findings:{s.pk}") or f.FindingsForm(auto_id=f"id_findings{s.pk}_%s")
    report_initial = {"summary": review.summary, "recommendation": review.recommendation} if review else None
    return {
        "item": item,
        "round": item.evaluation_round,
        "seat": seat,
        "review": review,
        "requests": requests,
        "surveys": surveys,
        "conflicted": _conflicted(seat, item),
        "writes": writes,
        "reported": reported,
        "required": advisory.requires_review(item.evaluation_round),
        "survey_expected": advisory.survey_expected(item),
        "request_form": bound.get("request") or f.AdditionRequestForm(),
        "survey_form": bound.get("survey") or f.SurveyForm(),
        "report_form": bound.get("report") or f.AdvisoryReportForm(initial=report_initial),
    }


def _advisory_page(request, item, seat, bound=None, status=200):
    return TemplateResponse(
        request, "evaluation/advisory_item.html", _advisory_context(request, item, seat, bound), status=status
    )


@login_required
def advisory_item(request, pk: int):
    item, seat = _item(request, pk)
    return _advisory_page(request, item, seat)


def _advisory_post(request, pk, key, form_class, call, success):
    item, seat = _item(request, pk)
    form = form_class(request.POST, **({"auto_id": f"id_{key.replace(':', '')}_%s"} if ":" in key else {}))
    return _submitted(
        request,
        form,
        lambda data: call(item, data),
        render=lambda bound_form, status: _advisory_page(request, item, seat, {key: bound_form}, status=status),
        success=success,
        then="evaluation:advisory_item",
        pk=item.pk,
    )


@login_required
@require_POST
def advisory_request(request, pk: int):
    from evaluation import advisory
    from evaluation.forms import AdditionRequestForm

    return _advisory_post(
        request,
        pk,
        "request",
        AdditionRequestForm,
        lambda item, data: advisory.request_additions(actor=request.user, item=item, **data),
        _("Đã gửi đề nghị bổ sung hồ sơ; chủ thể và cán bộ xã được thông báo."),
    )


@login_required
@require_POST
def advisory_received(request, pk: int, request_id: int):
    from evaluation import advisory
    from evaluation.council_models import AdditionRequest
    from evaluation.forms import AdditionsReceivedForm

    item, _seat = _item(request, pk)
    addition = get_object_or_404(AdditionRequest, pk=request_id, review__item=item)
    return _advisory_post(
        request,
        pk,
        f"received:{addition.pk}",
        AdditionsReceivedForm,
        lambda item, data: advisory.record_additions_received(actor=request.user, request=addition, **data),
        _("Đã ghi nhận hồ sơ bổ sung."),
    )


@login_required
@require_POST
def advisory_survey(request, pk: int):
    from evaluation import advisory
    from evaluation.forms import SurveyForm

    return _advisory_post(
        request,
        pk,
        "survey",
        SurveyForm,
        lambda item, data: advisory.schedule_survey(actor=request.user, item=item, **data),
        _("Đã ghi lịch khảo sát thực tế."),
    )


@login_required
@require_POST
def advisory_findings(request, pk: int, survey_id: int):
    from evaluation import advisory
    from evaluation.council_models import SiteSurvey
    from evaluation.forms import FindingsForm

    item, _seat = _item(request, pk)
    survey = get_object_or_404(SiteSurvey, pk=survey_id, review__item=item)
    return _advisory_post(
        request,
        pk,
        f"findings:{survey.pk}",
        FindingsForm,
        lambda item, data: advisory.record_survey_findings(actor=request.user, survey=survey, **data),
        _("Đã ghi kết quả khảo sát."),
    )


@login_required
@require_POST
def advisory_report(request, pk: int):
    from evaluation import advisory
    from evaluation.forms import AdvisoryReportForm

    return _advisory_post(
        request,
        pk,
        "report",
        AdvisoryReportForm,
        lambda item, data: advisory.write_report(actor=request.user, item=item, **data),
        _("Đã gửi báo cáo đánh giá hồ sơ cho chủ tịch hội đồng."),
    )


# ── ≥ 90: approval, proposal to the ministry and its outcome (26/2026 Điều 7.3.e, 7.4.g) ───────────────────────────


def _records_certification(user, evaluation_round) -> bool:
    from accounts.scope import area_scope
    from evaluation import proposals

    return user.has_perm(proposals.MANAGE) and area_scope(user, proposals.MANAGE).contains(evaluation_round.province)


def _ministry_reader(request, pk):
    """The chair and the province office read the page; the office (certification.manage) writes."""
    evaluation_round, seat = _round(request, pk)
    if not _presides(seat) and not _manages(request.user, evaluation_round):
        raise Http404
    return evaluation_round


def _ministry_context(request, evaluation_round, bound=None):
    from evaluation import forms as f
    from evaluation import proposals
    from evaluation.council_models import MinistryProposal, ProposalDocument

    bound = bound or {}
    waiting = proposals.for_ministry(evaluation_round)
    approval_required = proposals.needs_approval_decision(evaluation_round)
    rows = list(
        MinistryProposal.objects.filter(item__evaluation_round=evaluation_round)
        .select_related("item__product", "ministry_decision", "province_decision", "certificate", "proposed_by")
        .order_by("id")
    )
    labels = dict(ProposalDocument.choices)
    for p in rows:
        p.document_labels = [labels.get(code, code) for code in p.documents]
        p.recognition_form = bound.get(f"recognised:{p.pk}") or f.MinistryRecognitionForm(
            auto_id=f"id_recognised{p.pk}_%s"
        )
        p.below_form = bound.get(f"below_90:{p.pk}") or f.CentralBelow90Form(auto_id=f"id_below_90{p.pk}_%s")
        p.province_form = bound.get(f"province:{p.pk}") or f.ProvinceOnCentralForm(auto_id=f"id_province{p.pk}_%s")
        p.reevaluation_form = bound.get(f"reevaluation:{p.pk}") or f.ReevaluationForm(
            auto_id=f"id_reevaluation{p.pk}_%s"
        )
    return {
        "round": evaluation_round,
        "waiting": waiting,
        "rows": rows,
        "writes": _records_certification(request.user, evaluation_round),
        "approval_required": approval_required,
        "propose_form": bound.get("propose")
        or f.MinistryProposalForm(
            items=waiting, approval_required=approval_required, initial={"items": [i.pk for i in waiting]}
        ),
    }


def _ministry_page(request, evaluation_round, bound=None, status=200):
    return TemplateResponse(
        request, "evaluation/ministry.html", _ministry_context(request, evaluation_round, bound), status=status
    )


@login_required
def ministry(request, pk: int):
    return _ministry_page(request, _ministry_reader(request, pk))


@login_required
@require_POST
def ministry_propose(request, pk: int):
    from evaluation import proposals
    from evaluation.forms import MinistryProposalForm

    evaluation_round = _ministry_reader(request, pk)
    form = MinistryProposalForm(
        request.POST,
        items=proposals.for_ministry(evaluation_round),
        approval_required=proposals.needs_approval_decision(evaluation_round),
    )
    return _submitted(
        request,
        form,
        lambda data: proposals.propose_to_ministry(actor=request.user, evaluation_round=evaluation_round, **data),
        render=lambda bound_form, status: _ministry_page(
            request, evaluation_round, {"propose": bound_form}, status=status
        ),
        success=_("Đã ghi quyết định phê duyệt kết quả và văn bản đề nghị Bộ."),
        then="evaluation:ministry",
        pk=evaluation_round.pk,
    )


def _proposal_post(request, proposal_id, key, form_class, call, success):
    from evaluation.council_models import MinistryProposal

    proposal = get_object_or_404(
        MinistryProposal.objects.select_related("item__evaluation_round"),
        pk=proposal_id,
        item__evaluation_round__in=rounds_for(request.user).values("pk"),
    )
    evaluation_round = _ministry_reader(request, proposal.item.evaluation_round_id)
    form = form_class(request.POST, auto_id=f"id_{key}{proposal.pk}_%s")
    return _submitted(
        request,
        form,
        lambda data: call(proposal, data),
        render=lambda bound_form, status: _ministry_page(
            request, evaluation_round, {f"{key}:{proposal.pk}": bound_form}, status=status
        ),
        success=success,
        then="evaluation:ministry",
        pk=evaluation_round.pk,
    )


@login_required
@require_POST
def ministry_recognised(request, proposal_id: int):
    from evaluation import proposals
    from evaluation.forms import MinistryRecognitionForm

    return _proposal_post(
        request,
        proposal_id,
        "recognised",
        MinistryRecognitionForm,
        lambda p, data: proposals.record_ministry_recognition(actor=request.user, proposal=p, **data),
        _("Đã ghi quyết định công nhận 5 sao của Bộ và giấy chứng nhận."),
    )


@login_required
@require_POST
def ministry_below_90(request, proposal_id: int):
    from evaluation import proposals
    from evaluation.forms import CentralBelow90Form

    return _proposal_post(
        request,
        proposal_id,
        "below_90",
        CentralBelow90Form,
        lambda p, data: proposals.record_central_result_below_90(actor=request.user, proposal=p, **data),
        _("Đã ghi kết quả của Hội đồng cấp trung ương."),
    )


@login_required
@require_POST
def ministry_province_decision(request, proposal_id: int):
    from evaluation import proposals
    from evaluation.forms import ProvinceOnCentralForm

    return _proposal_post(
        request,
        proposal_id,
        "province",
        ProvinceOnCentralForm,
        lambda p, data: proposals.recognise_on_central_score(actor=request.user, proposal=p, **data),
        _("Đã ghi quyết định công nhận của tỉnh theo kết quả của Hội đồng cấp trung ương."),
    )


@login_required
@require_POST
def ministry_reevaluation(request, proposal_id: int):
    from evaluation import proposals
    from evaluation.forms import ReevaluationForm

    return _proposal_post(
        request,
        proposal_id,
        "reevaluation",
        ReevaluationForm,
        lambda p, data: proposals.send_back_for_reevaluation(actor=request.user, proposal=p, **data),
        _("Đã ghi việc tổ chức đánh giá, phân hạng lại."),
    )
