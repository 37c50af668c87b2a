"""Writes to decisions and certificates. The supersession chain of a product is recomputed from its records each time,
so the result never depends on the order in which decisions were entered."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from certification.choices import DecisionKind, EndReason
from certification.models import Certificate, Decision
from certification.rules import default_valid_until
from core import audit
from core.errors import DomainError

CERT_FIELDS = ["stars", "score", "kind", "valid_from", "valid_until", "ended_on", "end_reason"]


def get_or_create_decision(*, actor, number: str, date: datetime.date, kind: str, issuing_level: str, province):
    number = " ".join((number or "").split())
    if not number:
        raise DomainError(_("Chưa ghi số quyết định."), field="decision_no")
    decision = Decision.objects.filter(province=province, number=number, date=date).first()
    if decision is not None:
        if (decision.kind == DecisionKind.REVOCATION) != (kind == DecisionKind.REVOCATION):
            raise DomainError(
                _("Quyết định %(n)s ngày %(d)s đã được ghi là quyết định %(k)s.")
                % {"n": number, "d": date.strftime("%d/%m/%Y"), "k": decision.get_kind_display().lower()},
                field="decision_no",
            )
        return decision, False
    decision = Decision.objects.create(
        number=number, date=date, kind=kind, issuing_level=issuing_level, province=province
    )
    audit.record(
        actor=actor,
        action="certification.decision.created",
        obj=decision,
        area=province,
        after=audit.snapshot(decision, ["number", "date", "kind", "issuing_level"]),
    )
    return decision, True


def rebuild_chain(product, certificates=None) -> None:
    """Each certificate ends when the next one starts (supersession) or at its revocation, whichever comes first.

    `certificates` may be the product's certificates already fetched (with their revocations); they are updated in
    place, so callers need not read them again.
    """
    if certificates is None:
        certificates = list(product.certificates.select_related("revocation"))
    certificates = sorted(certificates, key=lambda c: (c.valid_from, c.id))
    for current, following in zip(certificates, certificates[1:] + [None], strict=True):
        ends = []
        if following is not None:
            ends.append((following.valid_from, EndReason.SUPERSEDED))
        if current.revocation_id:
            ends.append((current.revocation.date, EndReason.REVOKED))
        ended_on, reason = min(ends) if ends else (None, EndReason.NONE)
        if (current.ended_on, current.end_reason) != (ended_on, reason):
            current.ended_on, current.end_reason = ended_on, reason
            current.save(update_fields=["ended_on", "end_reason"])


def record_certificate(
    *, actor, product, decision, stars: int, score: Decimal | None = None, valid_until: datetime.date | None = None
) -> tuple[Certificate, str]:
    """Create the product's certificate under `decision`, or confirm it.

    Returns (certificate, "created" | "updated" | "unchanged")."""
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


def revoke(*, actor, product, decision: Decision, reason: str = "") -> tuple[Certificate, str]:
    """End the product's certificate current at the decision date (the latest begun by then), from that date."""
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
                % {"p": product.name, "d": decision.date.strftime("%d/%m/%Y")},
                field="decision_date",
            )
        if certificate.revocation_id == decision.id:
            return certificate, "unchanged"
        if certificate.revocation_id:
            raise DomainError(
                _("Giấy chứng nhận của '%(p)s' đã bị thu hồi theo quyết định %(n)s.")
                % {"p": product.name, "n": certificate.revocation.number},
                field="decision_no",
            )
        before = audit.snapshot(certificate, CERT_FIELDS)
        certificate.revocation = decision
        certificate.revocation_reason = (reason or "").strip()
        certificate.save(update_fields=["revocation", "revocation_reason"])
        rebuild_chain(product)
        certificate.refresh_from_db()
        audit.record(
            actor=actor,
            action="certification.certificate.revoked",
            obj=certificate,
            area=product.location,
            before=before,
            after={**audit.snapshot(certificate, CERT_FIELDS), "reason": reason, "decision": decision.number},
        )
        return certificate, "revoked"
