"""Certification endpoints. `/verify/{code}` is public: the JSON twin of the page a certificate's QR code opens."""

import datetime

from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from ninja import Field, Router, Schema

from api.auth import PUBLIC
from certification import queries
from certification.choices import CertificateState
from certification.verify_views import MAX_AGE

verify_router = Router(tags=["verify"], auth=PUBLIC)


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
    valid_until: datetime.date = Field(description="first day without validity (exclusive)")
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
        revocation = {"number": c.revocation.number, "date": c.revocation.date, "reason": c.revocation_reason}
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


@verify_router.get("/{code}", response=VerifyOut, summary="Public: a certificate's state today, by its code")
def verify(request, code: str, response: HttpResponse):
    now = timezone.now()
    found = queries.verify(code, timezone.localdate(now))
    if found is None:
        raise Http404
    patch_cache_control(response, max_age=MAX_AGE)
    return verification_out(found, timezone.localtime(now))
