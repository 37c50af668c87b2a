"""Corrections of certificates on record, in bulk, for the register import (issue 15): what
certification.services.record_certificate does to an existing certificate whose stars, score or last valid day a
register gives otherwise — the same checks and the same audit entry (certification.certificate.corrected, with before
and after) — for many at once, in a few queries whatever their number."""

from django.db import transaction
from django.utils.translation import gettext as _

from certification.models import Certificate, Decision
from certification.rules import default_valid_until
from certification.services import CERT_FIELDS, check_decision_scope, check_product_scope
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
