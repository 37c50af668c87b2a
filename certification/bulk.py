"""Corrections of certificates on record, in bulk, for the register import (issue 15): what
certification.services.record_certificate does to an existing certificate whose stars, score or last valid day a
register gives otherwise — the same checks and the same audit entry (certification.certificate.corrected, with before
and after) — for many at once, in a few queries whatever their number."""

from django.db import transaction
from django.utils.translation import gettext as _

from certification.models import Certificate, Decision
from certification.rules import default_valid_until
from certification.services import CERT_FIELDS, check_decision_scope, check_product_scope, revoked_after
from core import audit
from core.errors import BulkRefused, DomainError
from core.imports import bulk_set, chunks


def bulk_correct_certificates(*, actor, corrections: list[tuple[Certificate, dict]]) -> list[bool]:
    """`corrections`: (certificate on record, with its product and the product's location loaded; {stars, score,
    valid_until}). Returns whether each changed; raises BulkRefused (nothing written) when one is refused."""
    if not corrections:
        return []
    changed = [False] * len(corrections)
    with transaction.atomic():
        fresh = {}
        for chunk in chunks({c.pk for c, _w in corrections}):
            fresh.update((c.pk, c) for c in Certificate.objects.select_for_update().filter(pk__in=chunk))
        decisions = {}
        for chunk in chunks({c.decision_id for c in fresh.values()}):
            decisions.update((d.pk, d) for d in Decision.objects.filter(pk__in=chunk).select_related("province"))
        checked_products, checked_provinces, saved = set(), set(), []
        for index, (given, wanted) in enumerate(corrections):
            certificate = fresh[given.pk]
            decision = decisions[certificate.decision_id]
            product = given.product
            try:
                if product.location_id not in checked_products:
                    check_product_scope(actor, product)
                    checked_products.add(product.location_id)
                if decision.province_id not in checked_provinces:
                    check_decision_scope(actor, decision.province)
                    checked_provinces.add(decision.province_id)
                if wanted["stars"] not in (3, 4, 5):
                    raise DomainError(_("Chỉ sản phẩm 3, 4 hoặc 5 sao được cấp giấy chứng nhận OCOP."), field="stars")
                valid_until = wanted.get("valid_until") or default_valid_until(decision.date)
                if valid_until <= decision.date:
                    raise DomainError(_("Ngày hết hiệu lực phải sau ngày quyết định."), field="valid_until")
            except DomainError as exc:
                raise BulkRefused(exc, index) from exc
            values = {"stars": wanted["stars"], "score": wanted.get("score"), "valid_until": valid_until}
            if all(getattr(certificate, f) == v for f, v in values.items()):
                continue
            before = audit.snapshot(certificate, CERT_FIELDS)
            for f, v in values.items():
                setattr(certificate, f, v)
            saved.append((certificate, product, before, audit.snapshot(certificate, CERT_FIELDS)))
            changed[index] = True
        bulk_set(Certificate, [c for c, _p, _b, _a in saved], ["stars", "score", "valid_until"])
        audit.record_many(
            audit.build(
                actor=actor,
                action="certification.certificate.corrected",
                obj=certificate,
                area=product.location,
                before=before,
                after=after,
            )
            for certificate, product, before, after in saved
        )
    return changed


def bulk_revoke(*, actor, revocations: list[dict]) -> list:
    """The revocations import's writes, in bulk (issue 15): for each item — {product (with its location and
    producer), number, date, reason, issuing_level, province, issuer}, in the order to apply them — what
    get_or_create_decision then revoke do, with their checks, messages and audit entries
    (certification.decision.created, certification.certificate.revoked) and the notices to the producer and the
    commune, in a number of queries that does not grow with the items. Returns, per item, "revoked", "unchanged"
    or the DomainError that refuses it; a refused item writes nothing (the caller refuses the file, or skips it)."""
    from collections import defaultdict

    from certification import notices
    from certification.choices import DecisionKind
    from certification.rules import ground_from_text
    from certification.services import (
        REVOCATION_FIELDS,
        bulk_create_decisions,
        chain_changes,
        check_revocation_authority,
    )
    from notifications.services import notify_many

    if not revocations:
        return []
    outcomes: list = [None] * len(revocations)
    with transaction.atomic():
        for item in revocations:
            item["number"] = " ".join((item["number"] or "").split())
        provinces = {item["province"].pk for item in revocations}
        decisions = {}  # (province id, number, date) → decision, on record or new in this file
        for chunk in chunks({item["number"] for item in revocations}):
            for decision in Decision.objects.filter(number__in=chunk, province_id__in=provinces):
                decisions[(decision.province_id, decision.number, decision.date)] = decision
        held = defaultdict(list)  # product id → its certificates
        for chunk in chunks({item["product"].pk for item in revocations}):
            certificates = (
                Certificate.objects.select_for_update(of=("self",))
                .filter(product_id__in=chunk)
                .select_related("revocation", "decision")  # the decision names the certificate (audit label)
            )
            for certificate in certificates:
                held[certificate.product_id].append(certificate)
        new_decisions, revoked = [], []  # revoked: (certificate, decision, product, reason, ground, before)
        by_certificate = {}  # id(certificate) → the decision this file revokes it by
        for index, item in enumerate(revocations):
            product, number, day = item["product"], item["number"], item["date"]
            try:
                check_decision_scope(actor, item["province"])  # get_or_create_decision's checks
                if not number:
                    raise DomainError(_("Chưa ghi số quyết định."), field="decision_no")
                key = (item["province"].pk, number, day)
                decision = decisions.get(key)
                if decision is None:
                    decision = Decision(
                        number=number,
                        date=day,
                        kind=DecisionKind.REVOCATION,
                        issuing_level=item["issuing_level"],
                        province=item["province"],
                        issuer=" ".join((item["issuer"] or "").split()),
                    )
                elif decision.kind != DecisionKind.REVOCATION:
                    raise DomainError(
                        _("Quyết định %(n)s ngày %(d)s đã được ghi là quyết định %(k)s.")
                        % {"n": number, "d": day.strftime("%d/%m/%Y"), "k": decision.get_kind_display().lower()},
                        field="decision_no",
                    )
                check_product_scope(actor, product)  # revoke's checks
                check_decision_scope(actor, decision.province)
                reason = (item["reason"] or "").strip()
                ground = ground_from_text(reason)
                certificate = max(
                    (c for c in held[product.pk] if c.valid_from <= day),
                    key=lambda c: (c.valid_from, c.pk),
                    default=None,
                )
                if certificate is None:
                    raise DomainError(
                        _("Sản phẩm '%(p)s' chưa có giấy chứng nhận nào trước ngày %(d)s để thu hồi.")
                        % {"p": product.name, "d": day.strftime("%d/%m/%Y")},
                        field="decision_date",
                    )
                current = by_certificate.get(id(certificate))  # revoked by an earlier item of this file
                if current is None and certificate.revocation_id:
                    current = certificate.revocation
                if current is decision or (
                    decision.pk is not None and current is not None and current.pk == decision.pk
                ):
                    outcomes[index] = "unchanged"
                    continue
                certificate.product = product
                if current is not None:
                    raise DomainError(
                        _("Giấy chứng nhận của '%(p)s' đã bị thu hồi theo quyết định %(n)s.")
                        % {"p": product.name, "n": current.number},
                        field="decision_no",
                    )
                check_revocation_authority(certificate, decision.issuing_level, decision.date)
            except DomainError as exc:
                outcomes[index] = exc
                continue
            if decision.pk is None and key not in decisions:
                decisions[key] = decision
                new_decisions.append(decision)
            by_certificate[id(certificate)] = decision
            revoked.append((certificate, decision, product, reason, ground, audit.snapshot(certificate, CERT_FIELDS)))
            outcomes[index] = "revoked"
        bulk_create_decisions(actor=actor, decisions=new_decisions)
        for certificate, decision, _product, reason, ground, _before in revoked:
            certificate.revocation = decision  # now saved: its id is set
            certificate.revocation_reason = reason
            certificate.revocation_ground = ground
            certificate.revocation_found_on = None
            certificate.revocation_inspection = None
        bulk_set(Certificate, [c for c, *_rest in revoked], ["revocation", *REVOCATION_FIELDS])
        products = {id(p): p for _c, _d, p, *_rest in revoked}
        ended = [c for product in products.values() for c in chain_changes(held[product.pk])]
        bulk_set(Certificate, ended, ["ended_on", "end_reason"])
        audit.record_many(
            audit.build(
                actor=actor,
                action="certification.certificate.revoked",
                obj=certificate,
                area=product.location,
                before=before,
                after=revoked_after(certificate),
            )
            for certificate, decision, product, reason, ground, before in revoked
        )
        notify_many([m for certificate, *_rest in revoked for m in notices.revocation_messages(certificate)])
    return outcomes
