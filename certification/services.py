"""Writes to decisions, certificates and post-recognition inspections. The supersession chain of a product is
recomputed from its records each time, so the result never depends on the order in which decisions were entered.

Revocation and inspection follow 26/2026/QĐ-TTg Điều 8 and 9 (docs/process-26-2026.md): the grounds of Điều 8.1, the
authority by stars of Điều 8.2 (read from evaluation.process by the decision's date), the 15-day time limit of Điều
8.4, and the decision sent to the producer and the commune (Điều 8.3.c, certification.notices).
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.scope import area_scope, require
from areas.choices import REFORM_DATE, Level, Scheme
from areas.queries import current_province
from certification import notices
from certification.choices import DecisionKind, EndReason, IssuingLevel, RevocationGround
from certification.models import Certificate, Decision, Inspection
from certification.queries import holding_on
from certification.rules import default_valid_until, ground_from_text, revocation_issuer
from core import audit
from core.concurrency import refuse_duplicate
from core.errors import DomainError, PermissionRefused
from core.imports import bulk_insert, bulk_set
from evaluation import process

CERT_FIELDS = ["stars", "score", "kind", "valid_from", "valid_until", "ended_on", "end_reason"]
REVOCATION_FIELDS = ["revocation_reason", "revocation_ground", "revocation_found_on", "revocation_inspection"]
INSPECTION_FIELDS = [
    "product",
    "certificate",
    "date",
    "concluded_on",
    "kind",
    "body",
    "body_name",
    "criteria_maintained",
    "mark_use_correct",
    "notes",
    "conclusion",
    "proposes_revocation",
    "proposed_ground",
]
MANAGE = "certification.manage"


def _product_refusal() -> str:
    return _("Sản phẩm này nằm ngoài địa bàn bạn được giao.")


def _decision_refusal(province) -> str:
    return _("Quyết định của %(p)s nằm ngoài địa bàn bạn được giao.") % {"p": province.name}


def check_product_scope(actor, product) -> None:
    """Every write about a product's certificates (recognition, correction, revocation, inspection) is refused
    outside the actor's `certification.manage` area, here in the service, so no page, API, import or proposal skips
    it. The product's area is its commune of record (`location`), the one its certificates are read by
    (Certificate.scope_area_field). `actor=None` (the system: commands, loaders) is allowed."""
    require(actor, MANAGE, product.location, _product_refusal())


def check_decision_scope(actor, province) -> None:
    """A decision belongs to its province's records: only those who manage certification there create or use it."""
    if actor is not None:
        require(actor, MANAGE, province, _decision_refusal(province))


def _check_each(actor, items, area_field: str, refusal) -> None:
    """One check per distinct area of `items` (objects with `<area_field>_id`): no query per row in bulk writes, the
    area loaded once per distinct id and area_scope cached per user and action."""
    if actor is None:
        return
    scope = area_scope(actor, MANAGE)
    for item in {getattr(i, f"{area_field}_id"): i for i in items}.values():
        area = getattr(item, area_field)
        if not scope.contains(area):
            raise PermissionRefused(refusal(area))


def _fmt(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def get_or_create_decision(
    *, actor, number: str, date: datetime.date, kind: str, issuing_level: str, province, issuer: str = ""
):
    check_decision_scope(actor, province)
    number = " ".join((number or "").split())
    if not number:
        raise DomainError(_("Chưa ghi số quyết định."), field="decision_no")
    decision = Decision.objects.filter(province=province, number=number, date=date).first()
    if decision is None:
        try:
            with transaction.atomic():  # a savepoint: another request may record the same decision at this moment
                decision = Decision.objects.create(
                    number=number,
                    date=date,
                    kind=kind,
                    issuing_level=issuing_level,
                    province=province,
                    issuer=" ".join((issuer or "").split()),
                )
        except IntegrityError:
            decision = Decision.objects.filter(province=province, number=number, date=date).first()
            if decision is None:
                raise
        else:
            audit.record(
                actor=actor,
                action="certification.decision.created",
                obj=decision,
                area=province,
                after=audit.snapshot(decision, DECISION_FIELDS),
            )
            return decision, True
    if (decision.kind == DecisionKind.REVOCATION) != (kind == DecisionKind.REVOCATION):
        raise DomainError(
            _("Quyết định %(n)s ngày %(d)s đã được ghi là quyết định %(k)s.")
            % {"n": number, "d": date.strftime("%d/%m/%Y"), "k": decision.get_kind_display().lower()},
            field="decision_no",
        )
    return decision, False


def rebuild_chain(product, certificates=None) -> None:
    """Each certificate ends when the next one starts (supersession) or at its revocation, whichever comes first.

    `certificates` may be the product's certificates already fetched (with their revocations); they are updated in
    place, so callers need not read them again.
    """
    if certificates is None:
        certificates = list(product.certificates.select_related("revocation"))
    for certificate in chain_changes(certificates):
        certificate.save(update_fields=["ended_on", "end_reason"])


def chain_changes(certificates) -> list[Certificate]:
    """The chain of one product's certificates worked out in memory: those whose end changes, already set."""
    changed = []
    # Certificates not yet saved (an import's, created in bulk afterwards) come after saved ones of the same day,
    # in the order given, as their ids will.
    certificates = sorted(certificates, key=lambda c: (c.valid_from, c.id is None, c.id or 0))
    for current, following in zip(certificates, certificates[1:] + [None], strict=True):
        ends = []
        if following is not None:
            ends.append((following.valid_from, EndReason.SUPERSEDED))
        if current.revocation_id:
            ends.append((current.revocation.date, EndReason.REVOKED))
        ended_on, reason = min(ends) if ends else (None, EndReason.NONE)
        if (current.ended_on, current.end_reason) != (ended_on, reason):
            current.ended_on, current.end_reason = ended_on, reason
            changed.append(current)
    return changed


DECISION_FIELDS = ["number", "date", "kind", "issuing_level", "issuer"]


def bulk_create_decisions(*, actor, decisions: list[Decision]) -> None:
    """Save new decisions an import has checked (no namesake on record), with get_or_create_decision's audit."""
    if not decisions:
        return
    _check_each(actor, decisions, "province", _decision_refusal)
    with transaction.atomic():
        bulk_insert(Decision, decisions)
        audit.record_created(
            actor=actor,
            action="certification.decision.created",
            items=((d, d.province, audit.snapshot(d, DECISION_FIELDS)) for d in decisions),
        )


def bulk_record_certificates(*, actor, certificates: list[Certificate], chains: list[list[Certificate]]) -> None:
    """Save new certificates an import has checked as record_certificate checks them (stars, dates, kind from the
    earlier ones), then rebuild the chains of the products touched (`chains`: each such product's certificates,
    old and new) in bulk, and write record_certificate's audit entries."""
    if not certificates:
        return
    _check_each(actor, [c.product for c in certificates], "location", lambda _unit: _product_refusal())
    _check_each(actor, [c.decision for c in certificates], "province", _decision_refusal)
    with transaction.atomic():
        changed = [c for chain in chains for c in chain_changes(chain)]  # the new ones are saved with their end
        bulk_insert(Certificate, certificates)
        new = {id(c) for c in certificates}
        saved_before = [c for c in changed if id(c) not in new]
        bulk_set(Certificate, saved_before, ["ended_on", "end_reason"])
        for kind in sorted({c.kind for c in certificates}):
            audit.record_created(
                actor=actor,
                action=f"certification.certificate.{kind}",
                items=((c, c.product.location, audit.snapshot(c, CERT_FIELDS)) for c in certificates if c.kind == kind),
            )


def record_certificate(
    *, actor, product, decision, stars: int, score: Decimal | None = None, valid_until: datetime.date | None = None
) -> tuple[Certificate, str]:
    """Create the product's certificate under `decision`, or confirm it.

    Returns (certificate, "created" | "updated" | "unchanged")."""
    check_product_scope(actor, product)
    check_decision_scope(actor, decision.province)
    if stars not in (3, 4, 5):
        raise DomainError(_("Chỉ sản phẩm 3, 4 hoặc 5 sao được cấp giấy chứng nhận OCOP."), field="stars")
    valid_until = valid_until or default_valid_until(decision.date)
    if valid_until <= decision.date:
        raise DomainError(_("Ngày hết hiệu lực phải sau ngày quyết định."), field="valid_until")
    with transaction.atomic():
        certificates = list(product.certificates.select_related("revocation"))
        existing = next((c for c in certificates if c.decision_id == decision.id), None)
        if existing is None:
            earlier = max(
                (c for c in certificates if c.valid_from < decision.date),
                key=lambda c: (c.valid_from, c.id),
                default=None,
            )
            kind = DecisionKind.RECOGNITION
            if earlier is not None:
                kind = DecisionKind.UPGRADE if stars > earlier.stars else DecisionKind.RE_RECOGNITION
            taken = _("Sản phẩm đã có giấy chứng nhận theo quyết định %(n)s: tải lại trang để xem.")
            with refuse_duplicate(taken % {"n": decision.number}):
                certificate = Certificate.objects.create(
                    product=product,
                    decision=decision,
                    stars=stars,
                    score=score,
                    kind=kind,
                    valid_from=decision.date,
                    valid_until=valid_until,
                )
            rebuild_chain(product, certificates + [certificate])
            _mark_in_production(actor, product)
            audit.record(
                actor=actor,
                action=f"certification.certificate.{kind}",
                obj=certificate,
                area=product.location,
                after=audit.snapshot(certificate, CERT_FIELDS),
            )
            return certificate, "created"
        before = audit.snapshot(existing, CERT_FIELDS)
        wanted = {"stars": stars, "score": score, "valid_until": valid_until}
        if all(getattr(existing, f) == v for f, v in wanted.items()):
            return existing, "unchanged"
        for f, v in wanted.items():
            setattr(existing, f, v)
        existing.save(update_fields=list(wanted))
        audit.record(
            actor=actor,
            action="certification.certificate.corrected",
            obj=existing,
            area=product.location,
            before=before,
            after=audit.snapshot(existing, CERT_FIELDS),
        )
        return existing, "updated"


def _mark_in_production(actor, product) -> None:
    """A recognised product is on the market: one still marked as being developed (an idea accepted by the commune)
    is now in production, whether the certificate came from the council or from a register import."""
    from products.choices import ProductStatus
    from products.services import update_product

    if product.status == ProductStatus.DEVELOPING:
        update_product(actor=actor, product=product, status=ProductStatus.PRODUCING)


def check_revocation_authority(certificate: Certificate, issuing_level: str, day: datetime.date) -> None:
    """Refuse a revocation decision issued by a level without the authority for the certificate's stars on `day`
    (26/2026 Điều 8 khoản 2: the province chairman revokes 3★ and 4★, the minister of Agriculture and Environment 5★).
    Before 26/2026 the rule is not known (domain.md): nothing is refused."""
    authority = process.revocation_authority(certificate.stars, day)
    if authority is None or authority == issuing_level:
        return
    facts = {"stars": certificate.stars, "product": certificate.product.name}
    if authority == IssuingLevel.MINISTRY:
        raise PermissionRefused(
            _(
                "Giấy chứng nhận OCOP %(stars)s sao của sản phẩm '%(product)s' chỉ do Bộ trưởng Bộ Nông nghiệp và Môi "
                "trường quyết định thu hồi (Điều 8 khoản 2 Quyết định 26/2026/QĐ-TTg); UBND cấp tỉnh không có thẩm "
                "quyền thu hồi. Văn phòng tỉnh đề nghị Bộ thu hồi; khi Bộ đã có quyết định, hãy ghi quyết định đó với "
                "cấp ban hành là Bộ."
            )
            % facts,
            field="issuing_level",
        )
    raise PermissionRefused(
        _(
            "Giấy chứng nhận OCOP %(stars)s sao của sản phẩm '%(product)s' do Chủ tịch UBND cấp tỉnh quyết định thu "
            "hồi (Điều 8 khoản 2 Quyết định 26/2026/QĐ-TTg), không phải cấp đã chọn."
        )
        % facts,
        field="issuing_level",
    )


def certificate_to_revoke(product, day: datetime.date) -> Certificate | None:
    """The product's certificate current at `day` (the latest begun by then), which a revocation of that day ends."""
    return (
        product.certificates.select_related("product", "revocation", "decision")
        .filter(valid_from__lte=day)
        .order_by("-valid_from", "-id")
        .first()
    )


def revoked_after(certificate) -> dict:
    """What a revocation's audit entry records after it, the same for one revocation and a register's many."""
    decision, deadline = certificate.revocation, certificate.revocation_deadline
    return {
        **audit.snapshot(certificate, CERT_FIELDS),
        "reason": certificate.revocation_reason,
        "ground": certificate.revocation_ground,
        "found_on": str(certificate.revocation_found_on) if certificate.revocation_found_on else None,
        "deadline": str(deadline) if deadline else None,
        "days_late": certificate.revocation_days_late,
        "decision": decision.number,
        "issuing_level": decision.issuing_level,
        "issuer": decision.issuer,
        "inspection": certificate.revocation_inspection_id,
    }


def revoke(
    *,
    actor,
    product,
    decision: Decision,
    reason: str = "",
    ground: str = "",
    found_on: datetime.date | None = None,
    inspection: Inspection | None = None,
) -> tuple[Certificate, str]:
    """End the product's certificate current at the decision date (the latest begun by then), from that date.

    `ground`: a RevocationGround (Điều 8 khoản 1); when empty, the one `reason` names (certification.rules.
    ground_from_text), else "other" with `reason` kept as written. `found_on`: the day of the competent body's
    conclusion or the commune's confirmation, from which the decision is due within 15 days (Điều 8 khoản 4).
    `inspection`: the product's inspection that proposed it (its ground and conclusion date are the defaults).
    Refused when the decision's level has no authority over the certificate's stars on its date (Điều 8 khoản 2).
    The producer's accounts and the commune officers are notified (Điều 8 khoản 3 điểm c).
    Returns (certificate, "revoked" | "unchanged")."""
    check_product_scope(actor, product)
    check_decision_scope(actor, decision.province)
    if decision.kind != DecisionKind.REVOCATION:
        raise DomainError(
            _("Quyết định %(n)s không phải quyết định thu hồi.") % {"n": decision.number}, field="decision_no"
        )
    reason = (reason or "").strip()
    if inspection is not None:
        if inspection.product_id != product.pk:
            raise DomainError(_("Đợt kiểm tra này không phải của sản phẩm '%(p)s'.") % {"p": product.name})
        ground = ground or inspection.proposed_ground
        found_on = found_on or inspection.found_on
    ground = ground or ground_from_text(reason)
    if ground not in RevocationGround.values:
        raise DomainError(_("Căn cứ thu hồi không hợp lệ."), field="ground")
    if found_on is not None and found_on > decision.date:
        raise DomainError(_("Ngày có kết luận không thể sau ngày quyết định thu hồi."), field="found_on")
    with transaction.atomic():
        certificate = (
            product.certificates.select_for_update()
            .filter(valid_from__lte=decision.date)
            .order_by("-valid_from", "-id")
            .first()
        )
        if certificate is None:
            raise DomainError(
                _("Sản phẩm '%(p)s' chưa có giấy chứng nhận nào trước ngày %(d)s để thu hồi.")
                % {"p": product.name, "d": _fmt(decision.date)},
                field="decision_date",
            )
        if certificate.revocation_id == decision.id:
            return certificate, "unchanged"
        certificate.product = product
        if certificate.revocation_id:
            raise DomainError(
                _("Giấy chứng nhận của '%(p)s' đã bị thu hồi theo quyết định %(n)s.")
                % {"p": product.name, "n": certificate.revocation.number},
                field="decision_no",
            )
        check_revocation_authority(certificate, decision.issuing_level, decision.date)
        before = audit.snapshot(certificate, CERT_FIELDS)
        certificate.revocation = decision
        certificate.revocation_reason = reason
        certificate.revocation_ground = ground
        certificate.revocation_found_on = found_on
        certificate.revocation_inspection = inspection
        certificate.save(update_fields=["revocation", *REVOCATION_FIELDS])
        rebuild_chain(product)
        certificate.refresh_from_db()
        audit.record(
            actor=actor,
            action="certification.certificate.revoked",
            obj=certificate,
            area=product.location,
            before=before,
            after=revoked_after(certificate),
        )
        notices.notify_revocation(certificate)
        return certificate, "revoked"


def decision_province(product, day: datetime.date):
    """The province a decision of `day` about `product` belongs to, in the boundaries in force that day."""
    location = product.location
    if day >= REFORM_DATE:
        return current_province(product.current_location or location)
    if location.scheme == Scheme.PRE2025:
        return location if location.level == Level.PROVINCE else location.province
    return location.province


def record_revocation(
    *,
    actor,
    product,
    issuing_level: str,
    number: str,
    date: datetime.date,
    ground: str,
    reason: str = "",
    found_on: datetime.date | None = None,
    inspection: Inspection | None = None,
) -> tuple[Certificate, str]:
    """The province office records a revocation decision about `product`: its province's own, or the ministry's
    (for 5★, Điều 8 khoản 2 điểm b: the office enters the decision the ministry sent, with the ministry as issuer).
    The decision and the revocation are written together or not at all. Returns what `revoke` returns."""
    check_product_scope(actor, product)
    if issuing_level not in (IssuingLevel.PROVINCE, IssuingLevel.MINISTRY):
        raise DomainError(_("Cấp ban hành quyết định thu hồi không hợp lệ."), field="issuing_level")
    if ground == RevocationGround.OTHER and not (reason or "").strip():
        raise DomainError(_("Hãy ghi lý do thu hồi theo quyết định."), field="reason")
    with transaction.atomic():
        current = certificate_to_revoke(product, date)
        if current is not None:
            check_revocation_authority(current, issuing_level, date)
        decision, _created = get_or_create_decision(
            actor=actor,
            number=number,
            date=date,
            kind=DecisionKind.REVOCATION,
            issuing_level=issuing_level,
            province=decision_province(product, date),
            issuer=revocation_issuer(issuing_level, date),
        )
        if decision.issuing_level != issuing_level:
            raise DomainError(
                _("Quyết định %(n)s ngày %(d)s đã được ghi là của %(level)s.")
                % {"n": decision.number, "d": _fmt(date), "level": decision.get_issuing_level_display()},
                field="issuing_level",
            )
        return revoke(
            actor=actor,
            product=product,
            decision=decision,
            reason=reason,
            ground=ground,
            found_on=found_on,
            inspection=inspection,
        )


def record_inspection(
    *,
    actor,
    product,
    date: datetime.date,
    kind: str,
    body: str,
    criteria_maintained: bool,
    mark_use_correct: bool,
    conclusion: str,
    body_name: str = "",
    notes: str = "",
    concluded_on: datetime.date | None = None,
    proposes_revocation: bool = False,
    proposed_ground: str = "",
) -> Inspection:
    """Record a post-recognition inspection of `product` (26/2026 Điều 9): periodic or ad hoc, on the criteria it
    was rated on and the use of the OCOP mark (Điều 9 khoản 3). Only a product holding a valid certificate on the
    inspection day is inspected as an OCOP product (Điều 9 khoản 1). Proposing revocation needs a ground of Điều 8
    khoản 1; the 15 days of Điều 8 khoản 4 then run from the conclusion."""
    check_product_scope(actor, product)
    today = timezone.localdate()
    conclusion = (conclusion or "").strip()
    if date > today:
        raise DomainError(_("Ngày kiểm tra không được sau hôm nay."), field="date")
    if concluded_on is not None and not (date <= concluded_on <= today):
        raise DomainError(_("Ngày có kết luận phải từ ngày kiểm tra đến hôm nay."), field="concluded_on")
    if not conclusion:
        raise DomainError(_("Hãy ghi kết luận kiểm tra."), field="conclusion")
    if proposes_revocation and proposed_ground not in RevocationGround.values:
        raise DomainError(
            _("Đề nghị thu hồi cần nêu căn cứ theo Điều 8 khoản 1 Quyết định 26/2026/QĐ-TTg."), field="proposed_ground"
        )
    if not proposes_revocation:
        proposed_ground = ""
    with transaction.atomic():
        holding = holding_on(product, date)
        if not holding.is_valid:
            raise DomainError(
                _(
                    "Sản phẩm '%(p)s' không có giấy chứng nhận OCOP còn hiệu lực ngày %(d)s: kiểm tra, giám sát sau "
                    "công nhận chỉ áp dụng cho sản phẩm đã được công nhận (Điều 9 khoản 1)."
                )
                % {"p": product.name, "d": _fmt(date)},
                field="date",
            )
        inspection = Inspection(
            product=product,
            certificate=holding.certificate,
            date=date,
            concluded_on=concluded_on,
            kind=kind,
            body=body,
            body_name=" ".join((body_name or "").split()),
            criteria_maintained=criteria_maintained,
            mark_use_correct=mark_use_correct,
            notes=(notes or "").strip(),
            conclusion=conclusion,
            proposes_revocation=proposes_revocation,
            proposed_ground=proposed_ground,
            recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        try:
            inspection.full_clean(exclude=["product", "certificate", "recorded_by"], validate_unique=False)
        except ValidationError as exc:  # a choice outside its list
            field, problems = next(iter(exc.message_dict.items()))
            raise DomainError("; ".join(problems), field=field) from exc
        inspection.save()
        audit.record(
            actor=actor,
            action="certification.inspection.recorded",
            obj=inspection,
            area=product.location,
            after={**audit.snapshot(inspection, INSPECTION_FIELDS), "revocation_deadline": _deadline(inspection)},
        )
    return inspection


def _deadline(inspection: Inspection) -> str | None:
    deadline = inspection.revocation_deadline
    return str(deadline) if deadline else None
