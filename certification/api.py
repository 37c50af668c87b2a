"""Certification endpoints. `/verify/{code}` is public: the JSON twin of the page a certificate's QR code opens.

`router` (authenticated, scoped like the pages) reads post-recognition inspections (26/2026 Điều 9); it is mounted
at /api/v1/certification by api/api.py.
"""

import datetime

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from ninja import Field, Path, Router, Schema
from ninja.pagination import paginate

from accounts.scope import acts_only_as_producer
from api.auth import AUTH, PUBLIC
from api.pagination import Paginated
from api.schemas import ERRORS, OPTIONAL_AUTH_ERRORS
from certification import queries
from certification.choices import CertificateState
from certification.models import Inspection
from certification.verify_views import MAX_AGE
from products.queries import products_for

verify_router = Router(tags=["verify"], auth=PUBLIC)
router = Router(tags=["certification"], auth=AUTH)


class DecisionRef(Schema):
    number: str
    date: datetime.date
    issuing_level: str
    issuing_level_label: str
    province: str


class RevocationOut(Schema):
    number: str
    date: datetime.date
    reason: str
    ground: str | None = Field(description="the ground of 26/2026 Điều 8 khoản 1 (code), or other")
    issuing_level: str


class SuccessorOut(Schema):
    code: str
    stars: int
    valid_from: datetime.date
    state: str
    verify_url: str


class VerifyOut(Schema):
    code: str
    state: str = Field(description="valid, expiring, expired, revoked, superseded or not-yet, on `checked_on`")
    state_label: str
    checked_on: datetime.date
    checked_at: datetime.datetime
    product: str
    producer: str
    commune: str
    district: str | None
    province: str | None
    stars: int
    decision: DecisionRef
    valid_from: datetime.date
    valid_until: datetime.date = Field(description="the last day of the certificate's term (inclusive)")
    last_valid_day: datetime.date = Field(description="the last day of validity, after supersession or revocation")
    revocation: RevocationOut | None = Field(description="only when revoked on `checked_on`")
    superseded_by: SuccessorOut | None = Field(description="only when superseded on `checked_on`")
    verify_url: str


def _decision(decision) -> dict:
    return {
        "number": decision.number,
        "date": decision.date,
        "issuing_level": decision.issuing_level,
        "issuing_level_label": decision.get_issuing_level_display(),
        "province": decision.province.name,
    }


def verification_out(found: queries.Verification, checked_at: datetime.datetime) -> dict:
    c, p = found.certificate, found.certificate.product
    location = p.location
    revocation = None
    if found.state == CertificateState.REVOKED:
        revocation = {
            "number": c.revocation.number,
            "date": c.revocation.date,
            "reason": c.revocation_reason,
            "ground": c.revocation_ground or None,
            "issuing_level": c.revocation.issuing_level,
        }
    successor = None
    if found.successor is not None:
        s = found.successor
        successor = {
            "code": s.code,
            "stars": s.stars,
            "valid_from": s.valid_from,
            "state": found.successor_state,
            "verify_url": reverse("verify:certificate", args=[s.code]),
        }
    return {
        "code": c.code,
        "state": found.state,
        "state_label": str(CertificateState(found.state).label),
        "checked_on": found.day,
        "checked_at": checked_at,
        "product": p.name,
        "producer": p.producer.name,
        "commune": location.name,
        "district": location.district.name if location.district_id else None,
        "province": location.province.name if location.province_id else None,
        "stars": c.stars,
        "decision": _decision(c.decision),
        "valid_from": c.valid_from,
        "valid_until": c.valid_until,
        "last_valid_day": c.last_valid_day,
        "revocation": revocation,
        "superseded_by": successor,
        "verify_url": reverse("verify:certificate", args=[c.code]),
    }


@verify_router.get(
    "/{code}",
    response={200: VerifyOut, **OPTIONAL_AUTH_ERRORS},
    summary="Public: a certificate's state today, by its code",
)
def verify(request, response: HttpResponse, code: str = Path(..., max_length=64)):
    now = timezone.now()
    found = queries.verify(code, timezone.localdate(now))
    if found is None:
        raise Http404
    patch_cache_control(response, max_age=MAX_AGE)
    return verification_out(found, timezone.localtime(now))


# --- post-recognition inspections (Điều 9), read-only --------------------------------------------------------------


class InspectionOut(Schema):
    id: int
    product_id: int
    product: str
    certificate_code: str = Field(description="the certificate in force on the inspection day")
    certificate_stars: int
    date: datetime.date
    concluded_on: datetime.date | None
    kind: str = Field(description="periodic or ad-hoc (Điều 9 khoản 2 điểm a)")
    kind_label: str
    body: str = Field(description="province, ministry or other (Điều 9 khoản 4)")
    body_label: str
    body_name: str
    criteria_maintained: bool = Field(description="Điều 9 khoản 3 điểm a")
    mark_use_correct: bool = Field(description="Điều 9 khoản 3 điểm b")
    notes: str
    conclusion: str
    proposes_revocation: bool
    proposed_ground: str | None = Field(description="a ground of Điều 8 khoản 1 when revocation is proposed")
    revocation_deadline: datetime.date | None = Field(
        description="last day to decide the proposed revocation: 15 days from the conclusion (Điều 8 khoản 4)"
    )
    certificate_revoked: bool

    @staticmethod
    def resolve_product(obj):
        return obj.product.name

    @staticmethod
    def resolve_certificate_code(obj):
        return obj.certificate.code

    @staticmethod
    def resolve_certificate_stars(obj):
        return obj.certificate.stars

    @staticmethod
    def resolve_kind_label(obj):
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_body_label(obj):
        return str(obj.get_body_display())

    @staticmethod
    def resolve_proposed_ground(obj):
        return obj.proposed_ground or None

    @staticmethod
    def resolve_certificate_revoked(obj):
        return obj.certificate.revocation_id is not None


def inspections_for(user):
    """Inspections the user may read: `certification.view` areas; a user who is only a producer, just those of the
    producers they are linked to (as the certificates and products)."""
    queryset = Inspection.objects.for_user(user, "certification.view")
    if acts_only_as_producer(user):
        queryset = queryset.filter(product__producer__accounts=user)
    return queryset.select_related("product", "certificate")


@router.get(
    "/products/{product_id}/inspections",
    response={200: list[InspectionOut], **ERRORS},
    summary="A product's post-recognition inspections, newest first (404 outside scope)",
)
@paginate(Paginated)
def product_inspections(request, product_id: int):
    product = get_object_or_404(products_for(request.auth, "certification.view"), pk=product_id)
    return inspections_for(request.auth).filter(product=product).order_by("-date", "-id")


@router.get(
    "/inspections/{inspection_id}",
    response={200: InspectionOut, **ERRORS},
    summary="One inspection (404 outside scope)",
)
def get_inspection(request, inspection_id: int):
    return get_object_or_404(inspections_for(request.auth), pk=inspection_id)
