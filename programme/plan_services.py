"""Writes to programme documents, annual plans, their targets and the products they name (DESIGN.md rule 1: one
transaction, an audit entry, refusals the user can act on).

Who may write: holders of programme.manage_plans where the document's or plan's area lies (accounts.scope: a
province officer reaches the province, its pre-2025 districts and communes in either scheme; a commune officer their
commune). The area's level is the plan's kind: province, district (only for years before 2026: districts ended on
01/07/2025) or commune, and the unit must be in force at some time of the year.
"""

import datetime
import decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from accounts.scope import require
from areas.choices import Level
from areas.filters import with_counterparts, within
from core import audit
from core.errors import DomainError, PermissionRefused
from programme.models import (
    MAX_YEAR,
    MIN_YEAR,
    AnnualPlan,
    LineAction,
    PlanLine,
    PlanTarget,
    ProgrammeDocument,
)

ACTION = "programme.manage_plans"
DOCUMENT_FIELDS = ["area", "kind", "title", "decision_no", "decision_date", "start_year", "end_year", "note"]
PLAN_FIELDS = ["area", "year", "document", "title", "decision_no", "decision_date", "note"]
TARGET_FIELDS = ["metric", "stars", "group", "ntm_level", "sub_area", "value", "note"]
LINE_FIELDS = [
    "name",
    "producer_name",
    "commune",
    "action",
    "target_stars",
    "supported_by",
    "funding_source",
    "planned_amount",
    "note",
]
LINK_FIELDS = ["producer", "idea", "product", "round_item", "decision"]
MAX_AMOUNT = 10**15
LAST_DISTRICT_YEAR = 2025  # districts ended on 01/07/2025 (Nghị quyết 202/2025/QH15): no district plan after 2025


# --- checks shared by every write --------------------------------------------------------------------------------


def _require(actor, unit):
    require(actor, ACTION, unit, _("Địa bàn này nằm ngoài phạm vi bạn được giao lập kế hoạch."))


def _clean_text(value) -> str:
    return " ".join(str(value or "").split())


def _full_clean(obj, exclude=()):
    try:
        obj.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise DomainError("; ".join(messages), field=None if field == "__all__" else field) from exc


def _check_year(year, field="year"):
    if year is None or not MIN_YEAR <= int(year) <= MAX_YEAR:
        raise DomainError(_("Năm phải từ %(a)s đến %(b)s.") % {"a": MIN_YEAR, "b": MAX_YEAR}, field=field)


def valid_in_year(unit, year: int) -> bool:
    """The unit is in force on some day of `year`."""
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return (unit.valid_from is None or unit.valid_from <= last) and (
        unit.valid_until is None or unit.valid_until > first
    )


def check_area(unit, first_year: int, last_year: int | None = None, field="area"):
    """A province, a district (years up to 2025) or a commune, in force in the years named."""
    last_year = last_year or first_year
    if unit is None:
        raise DomainError(_("Hãy chọn địa bàn."), field=field)
    if unit.level not in (Level.PROVINCE, Level.DISTRICT, Level.COMMUNE):
        raise DomainError(_("Địa bàn phải là tỉnh, huyện (trước 07/2025) hoặc xã."), field=field)
    if unit.level == Level.DISTRICT and last_year > LAST_DISTRICT_YEAR:
        raise DomainError(
            _(
                "Cấp huyện đã kết thúc hoạt động từ 01/07/2025: không lập kế hoạch cấp huyện cho năm %(y)s. "
                "Hãy lập kế hoạch của tỉnh hoặc của xã."
            )
            % {"y": last_year},
            field=field,
        )
    for year in (first_year, last_year):
        if not valid_in_year(unit, year):
            raise DomainError(
                _(
                    "%(u)s không còn hoặc chưa có hiệu lực trong năm %(y)s: hãy chọn đơn vị hành chính "
                    "đang có hiệu lực năm đó (trước 07/2025 theo địa giới cũ, từ 07/2025 theo địa giới mới)."
                )
                % {"u": unit.name, "y": year},
                field=field,
            )


def lies_in(unit, outer) -> bool:
    """`unit` is `outer` or lies in it, in either boundary scheme (areas.filters.within's rule, on one unit)."""
    if unit is None or outer is None:
        return False
    if outer.level == Level.DISTRICT:
        return unit.pk == outer.pk or unit.district_id == outer.pk
    ids = with_counterparts({outer.pk})
    if outer.level == Level.PROVINCE:
        return unit.pk in ids or unit.province_id in ids
    return unit.pk in ids


def _province_of(unit):
    return unit if unit.level == Level.PROVINCE else unit.province


# --- documents ----------------------------------------------------------------------------------------------------


def _validate_document(document):
    document.title = _clean_text(document.title)
    document.decision_no = _clean_text(document.decision_no)
    if not document.title:
        raise DomainError(_("Hãy ghi tên đề án."), field="title")
    _check_year(document.start_year, "start_year")
    _check_year(document.end_year, "end_year")
    if document.end_year < document.start_year:
        raise DomainError(_("Năm kết thúc không được trước năm bắt đầu."), field="end_year")
    check_area(document.area, document.start_year, None)
    if document.area.level == Level.DISTRICT and document.start_year > LAST_DISTRICT_YEAR:
        raise DomainError(_("Cấp huyện đã kết thúc hoạt động từ 01/07/2025."), field="area")
    _full_clean(document, exclude=["area", "created_by"])


def create_document(*, actor, **values) -> ProgrammeDocument:
    with transaction.atomic():
        document = ProgrammeDocument(**values)
        document.created_by = audit.acting_user(actor)
        if document.area_id:
            _require(actor, document.area)
        _validate_document(document)
        document.save()
        audit.record(
            actor=actor,
            action="programme.document.created",
            obj=document,
            area=document.area,
            after=audit.snapshot(document, DOCUMENT_FIELDS),
        )
    return document


def update_document(*, actor, document: ProgrammeDocument, **values) -> ProgrammeDocument:
    with transaction.atomic():
        document = ProgrammeDocument.objects.select_for_update(of=("self",)).select_related("area").get(pk=document.pk)
        _require(actor, document.area)
        before = audit.snapshot(document, DOCUMENT_FIELDS)
        for name, value in values.items():
            setattr(document, name, value)
        _validate_document(document)
        _require(actor, document.area)  # a new area must be theirs too
        outside = document.plans.exclude(year__gte=document.start_year, year__lte=document.end_year)
        if outside.exists():
            raise DomainError(
                _("Có kế hoạch năm thuộc đề án nằm ngoài giai đoạn mới: hãy sửa kế hoạch đó trước."), field="end_year"
            )
        document.save()
        audit.record(
            actor=actor,
            action="programme.document.updated",
            obj=document,
            area=document.area,
            before=before,
            after=audit.snapshot(document, DOCUMENT_FIELDS),
        )
    return document


# --- plans --------------------------------------------------------------------------------------------------------


def _validate_plan(actor, plan):
    plan.title = _clean_text(plan.title)
    plan.decision_no = _clean_text(plan.decision_no)
    if not plan.title:
        raise DomainError(_("Hãy ghi tên kế hoạch."), field="title")
    _check_year(plan.year)
    check_area(plan.area, plan.year)
    document = plan.document
    if document is not None:
        from programme.plan_queries import documents_for

        if actor is not None and not documents_for(actor).filter(pk=document.pk).exists():
            raise DomainError(_("Không tìm thấy đề án đã chọn."), field="document")
        if not document.start_year <= plan.year <= document.end_year:
            raise DomainError(
                _("Năm %(y)s nằm ngoài giai đoạn của đề án (%(a)s–%(b)s).")
                % {"y": plan.year, "a": document.start_year, "b": document.end_year},
                field="document",
            )
        if not lies_in(plan.area, document.area):
            raise DomainError(_("Địa bàn của kế hoạch không thuộc địa bàn của đề án."), field="document")
    _full_clean(plan, exclude=["area", "document", "created_by"])


def create_plan(*, actor, **values) -> AnnualPlan:
    with transaction.atomic():
        plan = AnnualPlan(**values)
        plan.created_by = audit.acting_user(actor)
        if plan.area_id:
            _require(actor, plan.area)
        _validate_plan(actor, plan)
        plan.save()
        audit.record(
            actor=actor,
            action="programme.plan.created",
            obj=plan,
            area=plan.area,
            after=audit.snapshot(plan, PLAN_FIELDS),
        )
    return plan


def _locked_plan(actor, plan) -> AnnualPlan:
    plan = AnnualPlan.objects.select_for_update(of=("self",)).select_related("area", "document").get(pk=plan.pk)
    _require(actor, plan.area)
    return plan


def update_plan(*, actor, plan: AnnualPlan, **values) -> AnnualPlan:
    with transaction.atomic():
        plan = _locked_plan(actor, plan)
        before = audit.snapshot(plan, PLAN_FIELDS)
        for name, value in values.items():
            setattr(plan, name, value)
        _validate_plan(actor, plan)
        _require(actor, plan.area)
        stray = [line.name for line in plan.lines.select_related("commune") if not _commune_fits(line.commune, plan)]
        if stray:
            raise DomainError(
                _("Xã của sản phẩm '%(n)s' không thuộc địa bàn mới của kế hoạch.") % {"n": stray[0]}, field="area"
            )
        plan.save()
        audit.record(
            actor=actor,
            action="programme.plan.updated",
            obj=plan,
            area=plan.area,
            before=before,
            after=audit.snapshot(plan, PLAN_FIELDS),
        )
    return plan


# --- targets ------------------------------------------------------------------------------------------------------


def _target_owner_area(target):
    return target.plan.area if target.plan_id else target.document.area


def _validate_target(target):
    target.note = _clean_text(target.note)
    target.ntm_level = _clean_text(target.ntm_level)
    if target.value is None or target.value < 0:
        raise DomainError(_("Hãy ghi số lượng (số nguyên không âm)."), field="value")
    if target.sub_area_id and not lies_in(target.sub_area, _target_owner_area(target)):
        raise DomainError(_("Địa bàn chỉ tiêu phải nằm trong địa bàn của kế hoạch, đề án."), field="sub_area")
    _full_clean(target, exclude=["plan", "document", "group", "sub_area"])


def add_target(*, actor, plan: AnnualPlan | None = None, document: ProgrammeDocument | None = None, **values):
    if (plan is None) == (document is None):
        raise DomainError(_("Chỉ tiêu thuộc một kế hoạch hoặc một đề án."))
    with transaction.atomic():
        if plan is not None:
            owner = _locked_plan(actor, plan)
            target = PlanTarget(plan=owner, **values)
        else:
            owner = ProgrammeDocument.objects.select_for_update(of=("self",)).select_related("area").get(pk=document.pk)
            _require(actor, owner.area)
            target = PlanTarget(document=owner, **values)
        _validate_target(target)
        target.save()
        audit.record(
            actor=actor,
            action="programme.target.added",
            obj=target,
            area=owner.area,
            after={**audit.snapshot(target, TARGET_FIELDS), "plan": target.plan_id, "document": target.document_id},
        )
    return target


def _locked_target(actor, target) -> PlanTarget:
    target = (
        PlanTarget.objects.select_for_update(of=("self",))
        .select_related("plan__area", "document__area", "sub_area")
        .get(pk=target.pk)
    )
    _require(actor, _target_owner_area(target))
    return target


def update_target(*, actor, target: PlanTarget, **values) -> PlanTarget:
    with transaction.atomic():
        target = _locked_target(actor, target)
        before = audit.snapshot(target, TARGET_FIELDS)
        for name, value in values.items():
            setattr(target, name, value)
        _validate_target(target)
        target.save()
        audit.record(
            actor=actor,
            action="programme.target.updated",
            obj=target,
            area=_target_owner_area(target),
            before=before,
            after=audit.snapshot(target, TARGET_FIELDS),
        )
    return target


def remove_target(*, actor, target: PlanTarget) -> None:
    with transaction.atomic():
        target = _locked_target(actor, target)
        before = {**audit.snapshot(target, TARGET_FIELDS), "plan": target.plan_id, "document": target.document_id}
        area = _target_owner_area(target)
        audit.record(actor=actor, action="programme.target.removed", obj=target, area=area, before=before)
        target.delete()


# --- lines --------------------------------------------------------------------------------------------------------


def _commune_fits(commune, plan) -> bool:
    return commune is None or lies_in(commune, plan.area)


def _validate_line(line, plan):
    line.name = _clean_text(line.name)
    line.producer_name = _clean_text(line.producer_name)
    line.note = _clean_text(line.note)
    if not line.name:
        raise DomainError(_("Hãy ghi tên sản phẩm."), field="name")
    if line.action not in LineAction.values:
        raise DomainError(_("Hãy chọn nội dung kế hoạch."), field="action")
    if line.commune_id:
        if line.commune.level != Level.COMMUNE:
            raise DomainError(_("Hãy chọn một xã, phường."), field="commune")
        if not _commune_fits(line.commune, plan):
            raise DomainError(_("Xã này không thuộc địa bàn của kế hoạch."), field="commune")
    if line.target_stars is not None and line.target_stars not in (3, 4, 5):
        raise DomainError(_("Hạng sao phấn đấu là 3, 4 hoặc 5."), field="target_stars")
    if line.planned_amount is not None:
        amount = decimal.Decimal(line.planned_amount)
        if amount < 0 or amount > MAX_AMOUNT:
            raise DomainError(_("Kinh phí phải từ 0 đến 10^15 đồng."), field="planned_amount")
        if amount != amount.to_integral_value():
            raise DomainError(_("Kinh phí ghi bằng đồng, không có phần lẻ."), field="planned_amount")
        line.planned_amount = amount
    _full_clean(line, exclude=["plan", "commune", *LINK_FIELDS])


def _line_snapshot(line):
    return audit.snapshot(line, ["position", *LINE_FIELDS, *LINK_FIELDS])


def add_line(*, actor, plan: AnnualPlan, **values) -> PlanLine:
    with transaction.atomic():
        plan = _locked_plan(actor, plan)
        line = PlanLine(plan=plan, **values)
        if "position" not in values:
            line.position = (plan.lines.aggregate(m=Max("position"))["m"] or 0) + 1
        _validate_line(line, plan)
        line.save()
        audit.record(
            actor=actor,
            action="programme.plan.line_added",
            obj=line,
            area=plan.area,
            after={**_line_snapshot(line), "plan": plan.pk},
        )
    return line


def _locked_line(actor, line) -> PlanLine:
    line = PlanLine.objects.select_for_update(of=("self",)).select_related("plan__area", "commune").get(pk=line.pk)
    _require(actor, line.plan.area)
    return line


def update_line(*, actor, line: PlanLine, **values) -> PlanLine:
    with transaction.atomic():
        line = _locked_line(actor, line)
        before = _line_snapshot(line)
        for name, value in values.items():
            if name not in ("position", *LINE_FIELDS):
                raise DomainError(_("Trường '%(f)s' không sửa được ở đây.") % {"f": name}, field=name)
            setattr(line, name, value)
        _validate_line(line, line.plan)
        line.save()
        audit.record(
            actor=actor,
            action="programme.plan.line_updated",
            obj=line,
            area=line.plan.area,
            before=before,
            after=_line_snapshot(line),
        )
    return line


def remove_line(*, actor, line: PlanLine) -> None:
    with transaction.atomic():
        line = _locked_line(actor, line)
        audit.record(
            actor=actor,
            action="programme.plan.line_removed",
            obj=line,
            area=line.plan.area,
            before={**_line_snapshot(line), "plan": line.plan_id},
        )
        line.delete()


def reorder_lines(*, actor, plan: AnnualPlan, line_ids: list[int]) -> None:
    """Put the plan's lines in the order of `line_ids` (every line of the plan, once)."""
    with transaction.atomic():
        plan = _locked_plan(actor, plan)
        lines = {line.pk: line for line in plan.lines.all()}
        ids = [int(i) for i in line_ids]
        if sorted(ids) != sorted(lines):
            raise DomainError(_("Thứ tự mới phải gồm đúng các sản phẩm của kế hoạch, mỗi sản phẩm một lần."))
        before = {str(pk): line.position for pk, line in lines.items()}
        changed = []
        for position, pk in enumerate(ids, start=1):
            if lines[pk].position != position:
                lines[pk].position = position
                changed.append(lines[pk])
        PlanLine.objects.bulk_update(changed, ["position"])
        if changed:
            audit.record(
                actor=actor,
                action="programme.plan.lines_reordered",
                obj=plan,
                area=plan.area,
                before=before,
                after={str(pk): position for position, pk in enumerate(ids, start=1)},
            )


# --- links to what the line became ------------------------------------------------------------------------------


def _in_plan_area(model, obj, plan, actor) -> bool:
    qs = model.objects.filter(pk=obj.pk).filter(within(plan.area, "location"))
    if actor is not None:
        qs = qs.filter(pk__in=model.objects.for_user(actor, ACTION).values("pk"))
    return qs.exists()


def link_line(*, actor, line: PlanLine, idea=None, product=None) -> PlanLine:
    """Link a line by hand to the idea and/or product it names, both in the plan's area and in the actor's scope."""
    from products.models import Product, ProductIdea

    if idea is None and product is None:
        raise DomainError(_("Hãy chọn ý tưởng hoặc sản phẩm để liên kết."), field="product")
    with transaction.atomic():
        line = _locked_line(actor, line)
        plan = line.plan
        if idea is not None and not _in_plan_area(ProductIdea, idea, plan, actor):
            raise DomainError(_("Ý tưởng này không thuộc địa bàn của kế hoạch."), field="idea")
        if product is not None and not _in_plan_area(Product, product, plan, actor):
            raise DomainError(_("Sản phẩm này không thuộc địa bàn của kế hoạch."), field="product")
        if idea is not None and product is not None and idea.product_id and idea.product_id != product.pk:
            raise DomainError(_("Ý tưởng này đã thành một sản phẩm khác."), field="product")
        before = _line_snapshot(line)
        if idea is not None:
            line.idea = idea
            if product is None and idea.product_id:
                product = idea.product
        if product is not None:
            if line.product_id != product.pk:
                line.round_item = line.decision = None  # they were the former product's
            line.product = product
        line.producer_id = (
            line.product.producer_id if line.product_id else line.idea.producer_id if line.idea_id else None
        )
        line.save(update_fields=LINK_FIELDS)
        audit.record(
            actor=actor,
            action="programme.plan.line_linked",
            obj=line,
            area=plan.area,
            before=before,
            after=_line_snapshot(line),
        )
    return line


DECISION_KIND = {
    LineAction.NEW_RECOGNITION: "recognition",
    LineAction.UPGRADE: "upgrade",
    LineAction.RE_RECOGNITION: "re-recognition",
}


def _latest_round_items(plan, product_ids) -> dict:
    """product id → its latest round item in a round of the plan's province begun in the plan's year (the rule of
    programme.plan_actuals, so a line's link and its progress agree)."""
    from evaluation.models import RoundItem

    if not product_ids:
        return {}
    province = _province_of(plan.area)
    items = (
        RoundItem.objects.filter(product_id__in=product_ids, evaluation_round__starts_on__year=plan.year)
        .filter(within(province, "evaluation_round__province"))
        .order_by("product_id", "-evaluation_round__starts_on", "-pk")
        .values_list("product_id", "pk")
    )
    found = {}
    for product_id, pk in items:
        found.setdefault(product_id, pk)
    return found


def _decisions(plan, product_ids) -> dict:
    """(product id, certificate kind) → the decision of its latest certificate of that kind dated in the plan year."""
    from certification.models import Certificate

    if not product_ids:
        return {}
    rows = (
        Certificate.objects.filter(product_id__in=product_ids, decision__date__year=plan.year)
        .order_by("product_id", "kind", "-decision__date", "-pk")
        .values_list("product_id", "kind", "decision_id")
    )
    found = {}
    for product_id, kind, decision_id in rows:
        found.setdefault((product_id, kind), decision_id)
    return found


def refresh_links(*, actor, plan: AnnualPlan) -> list[int]:
    """Fill each line's links from what the records now say: the idea's product, the producer, the product's round
    item in the plan year and the decision of its certificate of the planned kind dated in the plan year. A link is
    only ever filled or replaced by a found record, never emptied, so a manual link stays. Returns the changed line
    ids (one audit entry for all of them, none when nothing changed)."""
    with transaction.atomic():
        plan = _locked_plan(actor, plan)
        lines = list(plan.lines.select_related("idea").select_for_update(of=("self",)))
        for line in lines:
            if line.product_id is None and line.idea_id and line.idea.product_id:
                line.product_id = line.idea.product_id
        product_ids = {line.product_id for line in lines if line.product_id}
        rounds = _latest_round_items(plan, product_ids)
        decisions = _decisions(plan, product_ids)
        from products.models import Product

        producers = dict(Product.objects.filter(pk__in=product_ids).values_list("pk", "producer_id"))
        changed, changes = [], {}
        for line in lines:
            before = {f: getattr(line, f"{f}_id") for f in LINK_FIELDS}
            if line.product_id:
                line.producer_id = line.producer_id or producers.get(line.product_id)
                line.round_item_id = rounds.get(line.product_id) or line.round_item_id
                kind = DECISION_KIND.get(line.action)
                if kind:
                    line.decision_id = decisions.get((line.product_id, kind)) or line.decision_id
            elif line.idea_id and not line.producer_id:
                line.producer_id = line.idea.producer_id
            after = {f: getattr(line, f"{f}_id") for f in LINK_FIELDS}
            if after != before:
                changed.append(line)
                changes[str(line.pk)] = {f: after[f] for f in LINK_FIELDS if after[f] != before[f]}
        if changed:
            PlanLine.objects.bulk_update(changed, LINK_FIELDS)
            audit.record(
                actor=actor,
                action="programme.plan.links_refreshed",
                obj=plan,
                area=plan.area,
                after={"lines": sorted(line.pk for line in changed), "changes": changes},
            )
    return sorted(line.pk for line in changed)


def may_manage(user, plan) -> bool:
    try:
        _require(user, plan.area)
    except PermissionRefused:
        return False
    return True
