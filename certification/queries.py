"""The one answer to "which certificate does this product hold on date D, and in what state"."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Upper

from certification.choices import CertificateState, EndReason
from certification.models import Certificate


def expiry_warning_days() -> int:
    """The office's window for "expiring" (settings.OCOP_EXPIRY_WARNING_DAYS); without the setting, the longest
    notice the process rules require (domain.md §7: at least 30 days before expiry, before 26/2026)."""
    configured = getattr(settings, "OCOP_EXPIRY_WARNING_DAYS", None)
    return configured if configured is not None else expiry_notice_floor()


def expiry_notice_floor() -> int:
    """The longest notice before expiry any period requires (evaluation/data/process_rules.yaml)."""
    from evaluation import process

    return max((p.expiry_notice_days or 0) for p in process.periods())


def rerating_closing_reminder_days() -> int:
    """How many days before a re-rating window closes the second reminder goes out: an office's choice, not a rule
    of 26/2026 (settings.OCOP_RERATING_CLOSING_REMINDER_DAYS; default the expiry warning window)."""
    configured = getattr(settings, "OCOP_RERATING_CLOSING_REMINDER_DAYS", None)
    return configured if configured is not None else expiry_warning_days()


def state_on(certificate: Certificate, day: datetime.date) -> str:
    """The state of one certificate on `day`. Certificate.objects.valid_on(day) is its SQL twin."""
    if day < certificate.valid_from:
        return CertificateState.NOT_YET
    if certificate.ended_on is not None and day >= certificate.ended_on:
        return CertificateState.REVOKED if certificate.end_reason == EndReason.REVOKED else CertificateState.SUPERSEDED
    if day > certificate.valid_until:
        return CertificateState.EXPIRED
    if (certificate.valid_until - day).days + 1 <= expiry_warning_days():
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


@dataclass(frozen=True)
class Recognition:
    """A product's recognition on a day, derived and never stored: the certificate it holds and that certificate's
    state (valid, expiring, expired, revoked; none), and whether a ≥ 90 result of it awaits the ministry
    (potential 5★, CONTRACT §6), which a product may be while it still holds a 3★/4★ certificate."""

    holding: Holding
    potential_5_star: bool

    @property
    def state(self) -> str:
        return self.holding.state or "none"

    @property
    def is_ocop(self) -> bool:
        return self.holding.is_valid


def potential_5_star_q(day: datetime.date, prefix: str = "") -> Q:
    """Products (through `prefix`, e.g. "product__") proposed to the ministry and not yet decided there on `day`."""
    from evaluation.council_models import MinistryProposal
    from evaluation.proposals import pending_on_q

    pending = MinistryProposal.objects.filter(pending_on_q(day), item__product=OuterRef(f"{prefix}pk"))
    return Q(Exists(pending))


def recognition_on(product, day: datetime.date, certificates=None, potential: bool | None = None) -> Recognition:
    """The product's recognition on `day`. `certificates` and `potential` may come prefetched/annotated for lists
    (products.queries annotates `potential_5_star`), so a list costs no query per product."""
    if potential is None:
        potential = getattr(product, "potential_5_star", None)
    if potential is None:
        from products.models import Product

        potential = Product.objects.filter(potential_5_star_q(day), pk=product.pk).exists()
    return Recognition(holding_on(product, day, certificates), bool(potential))


@dataclass(frozen=True)
class Verification:
    """What the public verify page and its JSON twin show for one certificate on one day."""

    certificate: Certificate
    day: datetime.date
    state: str
    successor: Certificate | None  # the product's next certificate, when it superseded this one
    successor_state: str | None

    @property
    def days_left(self) -> int:
        """Days of validity left counting `day` itself (1 on the last valid day)."""
        return (self.certificate.valid_until - self.day).days + 1


def successor_of(certificate: Certificate) -> Certificate | None:
    """The product's next certificate in the chain order of certification.services.rebuild_chain: (valid_from, id)."""
    from django.db.models import Q

    return (
        Certificate.objects.filter(product_id=certificate.product_id)
        .filter(Q(valid_from__gt=certificate.valid_from) | Q(valid_from=certificate.valid_from, id__gt=certificate.id))
        .order_by("valid_from", "id")
        .first()
    )


def verify(code: str, day: datetime.date) -> Verification | None:
    """Look a certificate up by its code (case and surrounding spaces ignored) and give its state on `day`.

    Public: no scoping, the code is what the QR on the product carries. None when no certificate has that code.
    """
    code = (code or "").strip()
    if not code:
        return None
    # Upper(code) is indexed (certificate_code_upper_idx); no ordering through the product, which walked the products.
    # Codes are unique as written: should two differ only in case, the one written exactly as asked wins.
    candidates = list(
        Certificate.objects.select_related(
            "product__producer",
            "product__location__district",
            "product__location__province",
            "product__old_district",
            "decision__province",
            "revocation",
        )
        .alias(code_upper=Upper("code"))
        .filter(code_upper=code.upper())
        .order_by("id")[:10]
    )
    certificate = next((c for c in candidates if c.code == code), candidates[0] if candidates else None)
    if certificate is None:
        return None
    state = state_on(certificate, day)
    successor = successor_of(certificate) if state == CertificateState.SUPERSEDED else None
    return Verification(
        certificate=certificate,
        day=day,
        state=state,
        successor=successor,
        successor_state=state_on(successor, day) if successor is not None else None,
    )
