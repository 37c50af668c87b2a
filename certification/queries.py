"""The one answer to "which certificate does this product hold on date D, and in what state"."""

import datetime
from dataclasses import dataclass

from django.conf import settings

from certification.choices import CertificateState, EndReason
from certification.models import Certificate


def expiry_warning_days() -> int:
    return getattr(settings, "OCOP_EXPIRY_WARNING_DAYS", 30)


def state_on(certificate: Certificate, day: datetime.date) -> str:
    """The state of one certificate on `day`. Certificate.objects.valid_on(day) is its SQL twin."""
    if day < certificate.valid_from:
        return CertificateState.NOT_YET
    if certificate.ended_on is not None and day >= certificate.ended_on:
        return CertificateState.REVOKED if certificate.end_reason == EndReason.REVOKED else CertificateState.SUPERSEDED
    if day >= certificate.valid_until:
        return CertificateState.EXPIRED
    if (certificate.valid_until - day).days <= expiry_warning_days():
        return CertificateState.EXPIRING
    return CertificateState.VALID


@dataclass(frozen=True)
class Holding:
    certificate: Certificate | None
    state: str | None

    @property
    def is_valid(self) -> bool:
        return self.state in (CertificateState.VALID, CertificateState.EXPIRING)


def holding_on(product, day: datetime.date, certificates=None) -> Holding:
    """The product's certificate on `day` (the latest one begun by then) and its state; (None, None) if none yet.

    `certificates` may be passed already fetched (prefetch) to avoid a query per product in lists.
    """
    certs = certificates if certificates is not None else list(product.certificates.all())
    started = [c for c in certs if c.valid_from <= day]
    if not started:
        return Holding(None, None)
    latest = max(started, key=lambda c: (c.valid_from, c.id))
    return Holding(latest, state_on(latest, day))
