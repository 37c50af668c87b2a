"""Services for council scoring: rounds, members, conflicts, scoresheets (saved as the member works), lock, approval.

Results come from evaluation.engine (pure); this module gathers the records, enforces who may do what and when, and
writes, each step one transaction with its audit entry. Sheets are locked row by row (select_for_update) so a member
saving while the chair locks, or two members submitting at once, lose nothing and corrupt nothing.
"""

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.scope import area_scope, require
from areas.choices import REFORM_DATE
from core import audit
from core.concurrency import refuse_duplicate
from core.errors import DomainError, NotFound, PermissionRefused
from evaluation import engine, process, queries
from evaluation.choices import SetStatus
from evaluation.council_models import (
    COUNTED_ROLES,
    SCORING_ROLES,
    Answer,
    Conflict,
    CouncilMember,
    EvaluationRound,
    ItemStatus,
    MemberRole,
    RoundItem,
    RoundStatus,
    Scoresheet,
    SheetStatus,
)
from evaluation.models import Criterion, MandatoryRule, MinimumCheck, Option, SheetScope

MANAGE = "evaluation.manage"


def create_round(
    *,
    actor,
    province,
    title: str,
    starts_on,
    ends_on,
    criteria_set,
    historical: bool = False,
    meeting_date=None,
    meeting_place: str = "",
) -> EvaluationRound:
    """A council round of a province — or, under 148 as issued (before 01/07/2025), of a district, whose council then
    scored and recognised 3★. The set must be published and in force on the round's dates, and the organising unit
    valid on them; `historical` (back-entry of an old round, audited as such) lifts those date checks, never the end
    of districts: nothing after 30/06/2025 is attributed to a district."""
    require(actor, MANAGE, province, _("Bạn không tổ chức được đợt đánh giá của tỉnh này."))
    _check_organiser(province, starts_on, ends_on)
    if criteria_set.status != SetStatus.PUBLISHED:
        raise DomainError(
            _("Bộ tiêu chí %(c)s chưa ban hành phiếu chấm, chưa dùng để chấm được.") % {"c": criteria_set.code},
            field="criteria_set",
        )
    if ends_on < starts_on:
        raise DomainError(_("Ngày kết thúc phải từ ngày bắt đầu trở đi."), field="ends_on")
    if not historical:
        in_force = type(criteria_set).objects.in_force(starts_on).filter(pk=criteria_set.pk).exists() and (
            criteria_set.valid_until is None or ends_on < criteria_set.valid_until
        )
        if not in_force:
            raise DomainError(
                _(
                    "Bộ tiêu chí %(c)s không áp dụng trong thời gian của đợt (%(f)s – %(u)s). Chọn bộ tiêu chí có "
                    "hiệu lực trong các ngày đó, hoặc đánh dấu là nhập lại đợt đánh giá cũ."
                )
                % {
                    "c": criteria_set.code,
                    "f": criteria_set.valid_from.strftime("%d/%m/%Y"),
                    "u": criteria_set.valid_until.strftime("%d/%m/%Y") if criteria_set.valid_until else "nay",
                },
                field="criteria_set",
            )
        if not (province.is_valid_on(starts_on) and province.is_valid_on(ends_on)):
            raise DomainError(
                _("%(p)s không còn (hoặc chưa có) trong các ngày của đợt đánh giá.") % {"p": province.name},
                field="province",
            )
    with transaction.atomic():
        evaluation_round = EvaluationRound.objects.create(
            province=province,
            title=" ".join(title.split()),
            starts_on=starts_on,
            ends_on=ends_on,
            criteria_set=criteria_set,
            meeting_date=meeting_date,
            meeting_place=" ".join((meeting_place or "").split()),
        )
        audit.record(
            actor=actor,
            action="evaluation.round.created",
            obj=evaluation_round,
            area=province,
            after={"title": evaluation_round.title, "criteria_set": criteria_set.code, "historical": historical},
        )
    return evaluation_round


def set_meeting(*, actor, evaluation_round, meeting_date, meeting_place: str) -> EvaluationRound:
    """Where and when the council met, as the minutes record it; audited."""
    require(actor, MANAGE, evaluation_round.province, _("Bạn không tổ chức được đợt đánh giá của tỉnh này."))
    place = " ".join((meeting_place or "").split())
    with transaction.atomic():
        evaluation_round = EvaluationRound.objects.select_for_update().get(pk=evaluation_round.pk)
        before = {
            "meeting_date": str(evaluation_round.meeting_date or ""),
            "meeting_place": evaluation_round.meeting_place,
        }
        evaluation_round.meeting_date, evaluation_round.meeting_place = meeting_date, place
        evaluation_round.save(update_fields=["meeting_date", "meeting_place"])
        audit.record(
            actor=actor,
            action="evaluation.round.meeting_set",
            obj=evaluation_round,
            area=evaluation_round.province,
            before=before,
            after={"meeting_date": str(meeting_date or ""), "meeting_place": place},
        )
    return evaluation_round


def _check_organiser(unit, starts_on, ends_on) -> None:
    if unit.level == "province":
        return
    if unit.level != "district":
        raise DomainError(_("Đợt đánh giá do tỉnh (hoặc huyện, trước 01/07/2025) tổ chức."), field="province")
    if ends_on >= REFORM_DATE:
        raise DomainError(
            _("Cấp huyện đã chấm dứt từ 01/07/2025: đợt đánh giá của %(u)s phải kết thúc trước ngày đó.")
            % {"u": unit.name},
            field="province",
        )
    step = process.period_on(starts_on).step("district")
    if step is None or not step.scores:
        raise DomainError(
            _("Theo quy trình áp dụng ngày %(d)s, hội đồng cấp huyện không chấm điểm sản phẩm OCOP.")
            % {"d": starts_on.strftime("%d/%m/%Y")},
            field="province",
        )


def add_member(*, actor, evaluation_round, user, role: str, presides_for_chair: bool | None = None) -> CouncilMember:
    """Seat a member. A vice-chair may be named to preside over the products on which the chair declares a conflict
    (`presides_for_chair`); the first vice-chair seated is named unless the call says otherwise."""
    require(actor, MANAGE, evaluation_round.province, _("Bạn không lập được hội đồng của tỉnh này."))
    if role not in MemberRole.values:
        raise DomainError(_("Vai trò trong hội đồng không hợp lệ."), field="role")
    if presides_for_chair and role != MemberRole.VICE_CHAIR:
        raise DomainError(_("Chỉ phó chủ tịch được chỉ định chủ trì thay chủ tịch."), field="presides_for_chair")
    with transaction.atomic():
        if CouncilMember.objects.filter(evaluation_round=evaluation_round, user=user).exists():
            raise DomainError(_("%(u)s đã có trong hội đồng.") % {"u": user}, field="user")
        if role == MemberRole.CHAIR and evaluation_round.members.filter(role=MemberRole.CHAIR).exists():
            raise DomainError(_("Hội đồng đã có chủ tịch."), field="role")
        refusal = seat_refusal(user, evaluation_round.province)
        if refusal:
            raise DomainError(refusal, field="user")
        deputy = evaluation_round.members.filter(presides_for_chair=True).first()
        if presides_for_chair and deputy is not None:
            raise DomainError(
                _("%(u)s đã được chỉ định chủ trì thay chủ tịch.") % {"u": deputy.user}, field="presides_for_chair"
            )
        if presides_for_chair is None:
            presides_for_chair = role == MemberRole.VICE_CHAIR and deputy is None
        taken = _("%(u)s đã có trong hội đồng, hoặc hội đồng đã có chủ tịch.") % {"u": user}
        with refuse_duplicate(taken, field="user"):
            member = CouncilMember.objects.create(
                evaluation_round=evaluation_round, user=user, role=role, presides_for_chair=presides_for_chair
            )
        audit.record(
            actor=actor,
            action="evaluation.member.added",
            obj=evaluation_round,
            area=evaluation_round.province,
            after={"user": user.username, "role": role, "presides_for_chair": presides_for_chair},
        )
        _record_producer_conflicts(evaluation_round.items.select_related("product__producer"), [member])
        from notifications import events

        events.member_seated(member, actor)
    return member


SCORE = "evaluation.score"


def seat_refusal(user, province) -> str | None:
    """Why `user` may not sit on a council of `province` (None when they may), read from the database now and not
    from the per-request scope cache: a membership revoked or an account locked a moment ago counts at once.

    A seat needs an active account with the council or advisory role (evaluation.score) in the province, or
    nationwide; a producer account (an active producer role anywhere) never sits: it would score its own kind."""
    from accounts.models import Membership
    from accounts.roles import Role

    name = user.get_full_name() or user.username
    fresh = get_user_model().objects.filter(pk=user.pk).first()  # request.user may be a lazy wrapper
    if fresh is None or not fresh.is_active:
        return _("Tài khoản %(u)s đã bị khoá: không ngồi hội đồng, không chấm hay ghi nhận được.") % {"u": name}
    if Membership.objects.active().filter(user=fresh, role=Role.PRODUCER).exists():
        return _(
            "%(u)s là tài khoản của chủ thể OCOP: không được ngồi hội đồng đánh giá. Dùng một tài khoản cán bộ "
            "khác, hoặc thu hồi vai trò chủ thể trước."
        ) % {"u": name}
    if not area_scope(fresh, SCORE).contains(province):
        return _(
            "%(u)s không có (hoặc đã bị thu hồi) vai trò thành viên hội đồng hoặc tổ tư vấn tại %(p)s: cán bộ tỉnh "
            "cấp vai trò đó cho tài khoản trước khi mời vào hội đồng."
        ) % {"u": name, "p": province.name}
    return None


def _record_producer_conflicts(items, members) -> None:
    """A member whose account is linked to the producer of a product in the round has a conflict of interest on it,
    recorded when they are seated or the product is added: they never score their own producer's product."""
    from producers.models import Producer

    items, by_user = list(items), {member.user_id: member for member in members}
    links = Producer.accounts.through.objects.filter(
        producer_id__in={item.product.producer_id for item in items}, user_id__in=by_user
    ).values_list("producer_id", "user_id")
    linked: dict[int, set] = {}
    for producer_id, user_id in links:  # one query for the whole round, however many products and members
        linked.setdefault(producer_id, set()).add(user_id)
    for item in items:
        for user_id in linked.get(item.product.producer_id, ()):
            Conflict.objects.get_or_create(
                item=item,
                member=by_user[user_id],
                defaults={
                    "reason": _("Tài khoản gắn với chủ thể %(p)s (ghi tự động).") % {"p": item.product.producer.name}
                },
            )


def record_link_conflicts(*, user, producer) -> int:
    """An account just linked to `producer` (accounts.services.link_producer): its seats on councils with a product
    of that producer before them get the conflict recorded, as if the link had existed at seating. Returns how many
    conflicts were recorded. Called inside the caller's transaction."""
    members = list(
        CouncilMember.objects.filter(user=user, evaluation_round__items__product__producer=producer).distinct()
    )
    before = Conflict.objects.filter(member__in=members).count()
    for member in members:
        _record_producer_conflicts(
            member.evaluation_round.items.filter(product__producer=producer).select_related("product__producer"),
            [member],
        )
    return Conflict.objects.filter(member__in=members).count() - before


def remove_member(*, actor, member: CouncilMember) -> None:
    """The office takes a member off the council before scoring starts (no option chosen on any sheet of the round,
    no product locked); afterwards the record of who sat stays as it is."""
    evaluation_round = member.evaluation_round
    require(actor, MANAGE, evaluation_round.province, _("Bạn không lập được hội đồng của tỉnh này."))
    with transaction.atomic():
        started = (
            Answer.objects.filter(sheet__item__evaluation_round=evaluation_round).exists()
            or evaluation_round.items.exclude(status=ItemStatus.SCORING).exists()
        )
        if started:
            raise DomainError(_("Hội đồng đã bắt đầu chấm: không bớt thành viên được nữa."))
        before = {"user": member.user.username, "role": member.role, "presides_for_chair": member.presides_for_chair}
        member.delete()
        audit.record(
            actor=actor,
            action="evaluation.member.removed",
            obj=evaluation_round,
            area=evaluation_round.province,
            before=before,
        )


def name_deputy(*, actor, member: CouncilMember) -> CouncilMember:
    """Name another vice-chair to preside for a conflicted chair (before any product's result is approved)."""
    evaluation_round = member.evaluation_round
    require(actor, MANAGE, evaluation_round.province, _("Bạn không lập được hội đồng của tỉnh này."))
    if member.role != MemberRole.VICE_CHAIR:
        raise DomainError(_("Chỉ phó chủ tịch được chỉ định chủ trì thay chủ tịch."), field="member")
    with transaction.atomic():
        previous = evaluation_round.members.select_for_update().filter(presides_for_chair=True).first()
        if previous is not None and previous.pk == member.pk:
            return member
        if evaluation_round.items.filter(status=ItemStatus.APPROVED, conflicts__member__role=MemberRole.CHAIR).exists():
            raise DomainError(
                _("Đã có sản phẩm do phó chủ tịch chủ trì được phê duyệt: không đổi người chủ trì thay được nữa.")
            )
        evaluation_round.members.filter(presides_for_chair=True).update(presides_for_chair=False)
        CouncilMember.objects.filter(pk=member.pk).update(presides_for_chair=True)
        member.presides_for_chair = True
        audit.record(
            actor=actor,
            action="evaluation.member.deputy_named",
            obj=evaluation_round,
            area=evaluation_round.province,
            before={"user": previous.user.username} if previous else None,
            after={"user": member.user.username},
        )
    return member


def presiding_member(item, members=None, conflicted_ids=None) -> CouncilMember | None:
    """Who presides over the item: the chair, or, when the chair declared a conflict on it, the vice-chair named to
    preside for the chair (None when there is none). `members`/`conflicted_ids` may be passed already read."""
    if members is None:
        members = list(CouncilMember.objects.filter(evaluation_round=item.evaluation_round_id).select_related("user"))
    if conflicted_ids is None:
        conflicted_ids = set(Conflict.objects.filter(item=item).values_list("member_id", flat=True))
    chair = next((m for m in members if m.role == MemberRole.CHAIR), None)
    if chair is not None and chair.id not in conflicted_ids:
        return chair
    deputy = next((m for m in members if m.presides_for_chair), None)
    if deputy is not None and deputy.id not in conflicted_ids:
        return deputy
    return None


def sheet_for(criteria_set, product) -> SheetScope:
    """The set's sheet for the product: its sub-group's (or that sub-group's ngành) if loaded, else its group's."""
    error = None
    for category in (product.subgroup, product.group):
        if category is None:
            continue
        try:
            return queries.sheet_for(criteria_set, category)
        except DomainError as exc:
            error = error or exc
    recorded = {c.system for c in (product.subgroup, product.group) if c is not None}
    if criteria_set.system not in recorded:
        # Not a missing sheet: the set's sheets follow its own grouping, which the product does not record yet.
        reason = _(
            "sản phẩm chưa ghi phân nhóm theo bộ tiêu chí %(c)s (mới có nhóm “%(g)s”) nên chưa biết chấm theo "
            "phiếu nào."
        ) % {
            "c": criteria_set.code,
            "g": product.group,
        }
    else:
        reason = error.message
    raise DomainError(
        _("'%(p)s': %(e)s Chọn phiếu chấm (phân nhóm) của sản phẩm trong bộ %(c)s.")
        % {"p": product.name, "e": reason, "c": criteria_set.code},
        field="sheet",
    )


def add_product(*, actor, evaluation_round, product, sheet=None) -> RoundItem:
    """Put a product before the council, scored on `sheet` (a sheet of the round's set; default: its category's)."""
    require(actor, MANAGE, evaluation_round.province, _("Bạn không đưa được sản phẩm vào đợt đánh giá này."))
    if sheet is None:
        sheet = sheet_for(evaluation_round.criteria_set, product)
    elif sheet.criteria_set_id != evaluation_round.criteria_set_id or not sheet.criteria.exists():
        raise DomainError(
            _("Phiếu chấm %(s)s không thuộc bộ tiêu chí của đợt hoặc chưa có tiêu chí.") % {"s": sheet},
            field="sheet",
        )
    with transaction.atomic():
        item, created = RoundItem.objects.get_or_create(
            evaluation_round=evaluation_round, product=product, defaults={"sheet": sheet}
        )
        if not created and item.sheet_id != sheet.pk:
            raise DomainError(
                _("'%(p)s' đã có trong đợt, chấm theo phiếu %(s)s; không đổi phiếu được.")
                % {"p": product.name, "s": item.sheet},
                field="sheet",
            )
        if created:
            audit.record(
                actor=actor,
                action="evaluation.item.added",
                obj=item,
                area=evaluation_round.province,
                after={"product": product.name, "sheet": str(sheet)},
            )
            _record_producer_conflicts([item], list(evaluation_round.members.all()))
            from notifications import events

            events.product_added(item, actor)
    return item


def _seat(actor, item) -> CouncilMember:
    """The actor's seat on the item's council, checked at every write (not only at seating): a member whose role was
    revoked, whose account was locked or who became a producer account since can no longer score or record."""
    member = (
        CouncilMember.objects.filter(evaluation_round=item.evaluation_round_id, user=actor)
        .select_related("evaluation_round__province")
        .first()
    )
    if member is None:
        raise NotFound(_("Bạn không thuộc hội đồng của đợt đánh giá này."))
    refusal = seat_refusal(actor, member.evaluation_round.province)
    if refusal:
        raise PermissionRefused(refusal)
    return member


def _linked_producer(actor, item):
    """The producer of the item's product when the actor's account is linked to it (else None): a link made after
    seating is not yet a recorded conflict, but the member still never scores their own producer's product."""
    from producers.models import Producer

    return Producer.objects.filter(products__evaluations=item.pk, accounts=actor).first()


def declare_conflict(*, actor, item, reason: str) -> Conflict:
    member = _seat(actor, item)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Hãy ghi lý do xung đột lợi ích."), field="reason")
    with transaction.atomic():
        item = RoundItem.objects.select_for_update().get(pk=item.pk)
        if item.status != ItemStatus.SCORING:
            raise DomainError(_("Sản phẩm đã khoá phiếu; không khai báo thêm được."))
        conflict, _created = Conflict.objects.get_or_create(item=item, member=member, defaults={"reason": reason})
        Scoresheet.objects.filter(item=item, member=member).delete()  # a conflicted member's sheet never counts
        audit.record(
            actor=actor,
            action="evaluation.conflict.declared",
            obj=item,
            area=item.evaluation_round.province,
            after={"member": actor.username, "reason": reason},
        )
    return conflict


def _open_sheet(actor, item) -> tuple[RoundItem, Scoresheet]:
    """Lock the item row, then the member's sheet: saves serialise with the chair's lock on the same item."""
    member = _seat(actor, item)
    if member.role not in SCORING_ROLES:
        raise PermissionRefused(_("Thư ký hội đồng không chấm điểm."))
    item = RoundItem.objects.select_for_update().get(pk=item.pk)
    if item.status != ItemStatus.SCORING:
        raise DomainError(_("Sản phẩm đã khoá phiếu; không sửa được phiếu chấm."))
    if Conflict.objects.filter(item=item, member=member).exists():
        raise PermissionRefused(_("Bạn đã khai báo xung đột lợi ích với sản phẩm này nên không chấm."))
    linked = _linked_producer(actor, item)
    if linked is not None:
        raise PermissionRefused(
            _(
                "Tài khoản của bạn gắn với chủ thể %(p)s của sản phẩm này: bạn không chấm sản phẩm này (xung đột lợi "
                "ích). Khai báo xung đột lợi ích để hội đồng ghi nhận."
            )
            % {"p": linked.name}
        )
    from evaluation import advisory

    advisory.require_report(item, role=member.role)  # 26/2026: the advisory team reports before the council scores
    sheet, _created = Scoresheet.objects.select_for_update().get_or_create(item=item, member=member)
    return item, sheet


def _refresh_total(sheet) -> None:
    total = Answer.objects.filter(sheet=sheet).aggregate(t=Sum("option__points"))["t"] or Decimal("0")
    sheet.total = total
    sheet.updated_at = timezone.now()
    sheet.save(update_fields=["total", "updated_at"])


def choose_option(*, actor, item, criterion: Criterion, option: Option, notes: str | None = None) -> Scoresheet:
    """Save one answer at once (nothing is lost on a dropped connection); allowed until the sheet is submitted."""
    if option.criterion_id != criterion.id:
        raise DomainError(_("Mức chọn không thuộc tiêu chí này."), field="option")
    with transaction.atomic():
        item, sheet = _open_sheet(actor, item)
        if criterion.scope_id != item.sheet_id:
            raise DomainError(_("Tiêu chí không thuộc phiếu chấm của sản phẩm này."), field="criterion")
        if sheet.status == SheetStatus.SUBMITTED:
            raise DomainError(_("Phiếu đã nộp; không sửa được."))
        Answer.objects.update_or_create(sheet=sheet, criterion=criterion, defaults={"option": option})
        if notes is not None:
            sheet.notes = notes
            sheet.save(update_fields=["notes"])
        _refresh_total(sheet)
    return sheet


def submit_sheet(*, actor, item) -> Scoresheet:
    with transaction.atomic():
        item, sheet = _open_sheet(actor, item)
        if sheet.status == SheetStatus.SUBMITTED:
            return sheet
        missing = Criterion.objects.filter(scope=item.sheet_id).exclude(
            id__in=Answer.objects.filter(sheet=sheet).values("criterion_id")
        )
        if missing.exists():
            codes = ", ".join(missing.order_by("position").values_list("code", flat=True)[:10])
            raise DomainError(_("Còn tiêu chí chưa chấm: %(c)s.") % {"c": codes})
        sheet.status, sheet.submitted_at = SheetStatus.SUBMITTED, timezone.now()
        sheet.save(update_fields=["status", "submitted_at"])
        audit.record(
            actor=actor,
            action="evaluation.sheet.submitted",
            obj=item,
            area=item.evaluation_round.province,
            after={"member": actor.username, "total": sheet.total},
        )
    return sheet


def result_of(item) -> engine.Result:
    """The council's result for the item now, from its submitted sheets (pure engine over the records)."""
    members = list(CouncilMember.objects.filter(evaluation_round=item.evaluation_round_id))
    chair = next((m for m in members if m.role == MemberRole.CHAIR), None)
    conflicted = set(Conflict.objects.filter(item=item).values_list("member_id", flat=True))
    presiding = presiding_member(item, members, conflicted) or chair
    answers = {}
    for sheet_id, code, points in Answer.objects.filter(sheet__item=item).values_list(
        "sheet_id", "criterion__code", "option__points"
    ):
        answers.setdefault(sheet_id, {})[code] = points
    sheets = [
        engine.Sheet(
            member_id=s.member_id,
            role="chair"
            if presiding is not None and s.member_id == presiding.id
            else ("advisory" if s.member.role == MemberRole.ADVISORY else "member"),
            total=s.total,
            points=answers.get(s.id, {}),
            submitted=s.status == SheetStatus.SUBMITTED,
        )
        for s in Scoresheet.objects.filter(item=item).select_related("member")
    ]
    judged = {c.rule_id: c for c in MinimumCheck.objects.filter(item=item)}
    rules = [
        engine.MandatoryRule(
            stars=r.stars,
            criterion_code=r.criterion.code,
            min_points=r.min_points,
            text=r.option.text if r.option_id else r.criterion.text,
            met=judged[r.id].met if r.id in judged else None,
            note=judged[r.id].note if r.id in judged else "",
        )
        for r in MandatoryRule.objects.filter(criterion__scope=item.sheet_id)
        .select_related("criterion", "option")
        .order_by("criterion__position", "stars")
    ]
    return engine.council_result(
        sheets,
        council_member_ids={m.id for m in members if m.role in COUNTED_ROLES},
        chair_id=presiding.id if presiding else None,
        presiding_title=_("chủ tịch hội đồng")
        if presiding is None or presiding.role == MemberRole.CHAIR
        else _("phó chủ tịch chủ trì thay chủ tịch hội đồng"),
        conflicted_ids=conflicted,
        mandatory=rules,
        bands=engine.load_bands(),
    )


def product_code(item) -> str:
    """The sheet's "Mã số sản phẩm (T)-(X)-(STT)-năm" for a 26/2026 round item: the product's 2025-scheme province and
    commune, its number among the round's products of that commune (in the order they were added) and the round's
    year; "" when the product cannot be placed in a 2025 commune or the round is not under 26/2026."""
    from evaluation import process

    product = item.product
    if item.evaluation_round.criteria_set.system != "2026" or not product.new_commune_id:
        return ""
    sequence = RoundItem.objects.filter(
        evaluation_round=item.evaluation_round_id, product__new_commune=product.new_commune_id, pk__lte=item.pk
    ).count()
    return process.product_code(
        product.new_province.code, product.new_commune.code, sequence, item.evaluation_round.starts_on.year
    )


def _store_result(item, result) -> None:
    """The figures kept on the item; an item eliminated by a knock-out condition of its sheet is ranked nowhere."""
    item.mean, item.band_stars = result.mean, result.band_stars
    if item.eliminated_reason:
        item.final_stars = None
        item.cap_reasons = [_("Bị loại theo điều kiện loại của phiếu: %(r)s") % {"r": item.eliminated_reason}]
    else:
        item.final_stars = result.final_stars
        item.cap_reasons = list(result.cap_reasons)


def may_record(member: CouncilMember, item) -> bool:
    """The secretary, or the member presiding over the item, records its minimums and knock-outs; never a member
    with a conflict on it."""
    if Conflict.objects.filter(item=item, member=member).exists():
        return False
    if member.role == MemberRole.SECRETARY:
        return True
    presiding = presiding_member(item)
    return presiding is not None and presiding.pk == member.pk


def _require_recorder(actor, item) -> CouncilMember:
    member = _seat(actor, item)
    if Conflict.objects.filter(item=item, member=member).exists():
        raise PermissionRefused(_("Bạn đã khai báo xung đột lợi ích với sản phẩm này nên không ghi nhận được."))
    if not may_record(member, item):
        raise PermissionRefused(
            _(
                "Chỉ thư ký hoặc chủ tịch hội đồng (phó chủ tịch chủ trì thay khi chủ tịch có xung đột lợi ích) "
                "ghi nhận việc này."
            )
        )
    return member


def record_minimum(*, actor, item, rule, met: bool, note: str = "") -> MinimumCheck:
    """Record once, for the product, whether its dossier meets a star minimum of its sheet (issue 11 §3).

    The advisory team's report proposes it and the council confirms it; the secretary (or the chair) records it. It
    can be changed until the result is approved; every change is audited.
    """
    _require_recorder(actor, item)
    note = (note or "").strip()
    with transaction.atomic():
        item = RoundItem.objects.select_for_update().get(pk=item.pk)
        if item.status == ItemStatus.APPROVED:
            raise DomainError(_("Kết quả đã phê duyệt: mở lại sản phẩm trước khi sửa."))
        if rule.criterion.scope_id != item.sheet_id:
            raise DomainError(_("Yêu cầu tối thiểu này không thuộc phiếu chấm của sản phẩm."), field="rule")
        if not met and not note:
            raise DomainError(_("Ghi rõ vì sao hồ sơ không đạt yêu cầu tối thiểu."), field="note")
        before = MinimumCheck.objects.filter(item=item, rule=rule).first()
        check, _created = MinimumCheck.objects.update_or_create(
            item=item,
            rule=rule,
            defaults={"met": met, "note": note, "recorded_by": actor, "recorded_at": timezone.now()},
        )
        audit.record(
            actor=actor,
            action="evaluation.minimum.recorded",
            obj=item,
            area=item.evaluation_round.province,
            before={"met": before.met, "note": before.note} if before else None,
            after={"criterion": rule.criterion.code, "stars": rule.stars, "met": met, "note": note},
        )
    return check


def record_elimination(*, actor, item, reason: str) -> RoundItem:
    """The council finds a knock-out condition printed on the sheet (or lifts it with an empty reason)."""
    _require_recorder(actor, item)
    reason = (reason or "").strip()
    with transaction.atomic():
        item = RoundItem.objects.select_for_update().get(pk=item.pk)
        if item.status == ItemStatus.APPROVED:
            raise DomainError(_("Kết quả đã phê duyệt: mở lại sản phẩm trước khi sửa."))
        before = item.eliminated_reason
        item.eliminated_reason = reason
        item.save(update_fields=["eliminated_reason"])
        audit.record(
            actor=actor,
            action="evaluation.item.eliminated" if reason else "evaluation.item.elimination_lifted",
            obj=item,
            area=item.evaluation_round.province,
            before={"reason": before},
            after={"reason": reason},
        )
    return item


def _require_chair(actor, item) -> CouncilMember:
    """The member presiding over the item: the chair, or the named vice-chair when the chair declared a conflict."""
    member = _seat(actor, item)
    presiding = presiding_member(item)
    if presiding is not None and presiding.pk == member.pk:
        return member
    if member.role == MemberRole.CHAIR:
        if presiding is None:
            raise PermissionRefused(
                _(
                    "Bạn đã khai báo xung đột lợi ích với sản phẩm này và hội đồng chưa có phó chủ tịch được chỉ "
                    "định chủ trì thay: chỉ định một phó chủ tịch ở trang đợt đánh giá."
                )
            )
        raise PermissionRefused(
            _("Bạn đã khai báo xung đột lợi ích với sản phẩm này; %(name)s chủ trì thay.")
            % {"name": presiding.user.get_full_name() or presiding.user.username}
        )
    raise PermissionRefused(
        _("Chỉ chủ tịch hội đồng (hoặc phó chủ tịch chủ trì thay khi chủ tịch có xung đột lợi ích) được làm việc này.")
    )


def lock_item(*, actor, item) -> engine.Result:
    """The chair closes scoring for the product: sheets become read-only and visible to the council."""
    _require_chair(actor, item)
    with transaction.atomic():
        item = RoundItem.objects.select_for_update().get(pk=item.pk)
        if item.status != ItemStatus.SCORING:
            raise DomainError(_("Sản phẩm đã khoá phiếu."))
        result = result_of(item)
        item.status = ItemStatus.LOCKED
        _store_result(item, result)
        item.save(update_fields=["status", "mean", "band_stars", "final_stars", "cap_reasons"])
        audit.record(
            actor=actor,
            action="evaluation.item.locked",
            obj=item,
            area=item.evaluation_round.province,
            after={"mean": result.mean, "stars": result.final_stars, "counted": len(result.counted)},
        )
    return result


def approve_item(*, actor, item) -> RoundItem:
    _require_chair(actor, item)
    with transaction.atomic():
        item = RoundItem.objects.select_for_update().get(pk=item.pk)
        if item.status != ItemStatus.LOCKED:
            raise DomainError(_("Chỉ phê duyệt được kết quả sau khi đã khoá phiếu."))
        result = result_of(item)
        if not result.quorum_met:
            raise DomainError(_("Chưa đủ điều kiện phê duyệt: %(n)s") % {"n": "; ".join(result.quorum_notes)})
        if result.flagged_pairs:
            raise DomainError(_("Có thành viên chấm lệch nhau quá 10 điểm: hội đồng cần thảo luận và chấm lại."))
        if result.pending_minimums and not item.eliminated_reason:
            raise DomainError(
                _("Thư ký chưa ghi nhận các yêu cầu tối thiểu theo hạng sao: %(rules)s.")
                % {"rules": ", ".join(f"{r.criterion_code} ({r.stars}★)" for r in result.pending_minimums)}
            )
        _store_result(item, result)
        item.status, item.approved_at = ItemStatus.APPROVED, timezone.now()
        item.save(update_fields=["status", "approved_at", "mean", "band_stars", "final_stars", "cap_reasons"])
        audit.record(
            actor=actor,
            action="evaluation.item.approved",
            obj=item,
            area=item.evaluation_round.province,
            after={"mean": item.mean, "stars": item.final_stars},
        )
        from notifications import events

        events.item_approved(item, actor)
    return item


def reopen_item(*, actor, item, reason: str) -> RoundItem:
    """Back to scoring, with a reason on the record; submitted sheets become editable drafts again."""
    _require_chair(actor, item)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Hãy ghi lý do mở lại."), field="reason")
    from evaluation import proposals

    proposals.require_not_proposed(item)  # a result already before the ministry is not re-scored here
    with transaction.atomic():
        item = RoundItem.objects.select_for_update().get(pk=item.pk)
        if item.status == ItemStatus.SCORING:
            raise DomainError(_("Sản phẩm đang được chấm, không cần mở lại."))
        before = {"status": item.status, "mean": item.mean, "stars": item.final_stars}
        Scoresheet.objects.filter(item=item).update(status=SheetStatus.DRAFT, submitted_at=None)
        item.status, item.reopen_reason, item.approved_at = ItemStatus.SCORING, reason, None
        item.rescore_round += 1
        item.save(update_fields=["status", "reopen_reason", "approved_at", "rescore_round"])
        audit.record(
            actor=actor,
            action="evaluation.item.reopened",
            obj=item,
            area=item.evaluation_round.province,
            before=before,
            after={"reason": reason, "rescore_round": item.rescore_round},
        )
        from notifications import events

        events.item_reopened(item, actor)
    return item


def readable_sheets(user, item):
    """What `user` may read of the item's sheets: before the lock only their own; after it, everyone's — except a
    conflicted member, who sees none of that product's sheets or aggregates."""
    member = CouncilMember.objects.filter(evaluation_round=item.evaluation_round_id, user=user).first()
    sheets = Scoresheet.objects.filter(item=item).select_related("member__user")
    status = _status(item)
    if member is None:
        if user.has_perm(MANAGE) and status != ItemStatus.SCORING:
            return sheets  # the province office reads the locked record
        return sheets.none()
    if Conflict.objects.filter(item=item, member=member).exists():
        return sheets.none()
    if status == ItemStatus.SCORING:
        return sheets.filter(member=member)
    return sheets


def _status(item) -> str:
    """Read the status from the database: the caller's copy may predate the chair's lock."""
    return RoundItem.objects.filter(pk=item.pk).values_list("status", flat=True).get()


def may_see_aggregate(user, item) -> bool:
    """The mean, stars and >10-point flags show after the lock only — to the chair too: before it a running result
    (or a pair named as far apart) would let members steer toward each other's scores (evaluation.privacy). Never to
    a member with a conflict on the product."""
    if _status(item) == ItemStatus.SCORING:
        return False
    member = CouncilMember.objects.filter(evaluation_round=item.evaluation_round_id, user=user).first()
    return member is None or not Conflict.objects.filter(item=item, member=member).exists()


def close_round(*, actor, evaluation_round) -> EvaluationRound:
    require(actor, MANAGE, evaluation_round.province, _("Bạn không quản lý đợt đánh giá này."))
    with transaction.atomic():
        evaluation_round.status = RoundStatus.CLOSED
        evaluation_round.save(update_fields=["status"])
        audit.record(
            actor=actor, action="evaluation.round.closed", obj=evaluation_round, area=evaluation_round.province
        )
    return evaluation_round
