"""Who is told about a certificate, and what: the recipients and messages of certification's notifications.

- A revocation decision (26/2026 Điều 8 khoản 3 điểm c: "được gửi cho chủ thể OCOP và các cơ quan liên quan"): the
  accounts linked to the product's producer and the commune officers of the product's commune (its current commune,
  or every counterpart across the 2025 reform).
- Expiry and re-rating reminders (certification.tasks): the producer's accounts and the province officers whose
  `certification.manage` scope holds the product.
Sending goes through notifications.services (dedupe keys make reruns harmless).
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Membership
from accounts.roles import Role
from areas.filters import with_counterparts
from notifications.services import Message, notify_many

KIND_REVOKED = "certification.revoked"


def fmt(day) -> str:
    return day.strftime("%d/%m/%Y")


def holders(product) -> list:
    """The active accounts linked to the product's producer."""
    return [u for u in product.producer.accounts.all() if u.is_active]


def commune_officers(product) -> list:
    """Active commune officers of the product's commune: the commune an officer chose after a split, else the
    registered commune and its counterparts across the reform."""
    if product.current_location_id:
        units = {product.location_id, product.current_location_id}
    else:
        units = with_counterparts({product.location_id})
    memberships = (
        Membership.objects.active()
        .filter(role=Role.COMMUNE_OFFICER, area_id__in=units, user__is_active=True)
        .select_related("user")
        .order_by("user_id")
    )
    return list({m.user_id: m.user for m in memberships}.values())


def supervision_url(product) -> str:
    return reverse("register:supervision", args=[product.pk])


def revocation_messages(certificate) -> list[Message]:
    """The revocation decision of `certificate`, to its holders and the commune officers."""
    decision = certificate.revocation
    product = certificate.product
    detail = certificate.revocation_reason
    ground = certificate.get_revocation_ground_display() if certificate.revocation_ground else ""
    if certificate.revocation_ground == "other" or not ground:
        ground = detail or _("không ghi")
    elif detail and detail != ground:
        ground = f"{ground} ({detail})"
    facts = {
        "product": product.name,
        "producer": product.producer.name,
        "stars": certificate.stars,
        "number": decision.number,
        "date": fmt(decision.date),
        "issuer": decision.issuer or decision.get_issuing_level_display(),
        "ground": ground,
    }
    title = _("Quyết định thu hồi giấy chứng nhận OCOP: %(product)s") % facts
    body = (
        _(
            "Giấy chứng nhận OCOP %(stars)s sao của sản phẩm %(product)s (%(producer)s) bị thu hồi theo quyết định "
            "%(number)s ngày %(date)s của %(issuer)s. Căn cứ thu hồi: %(ground)s."
        )
        % facts
    )
    key = f"{KIND_REVOKED}:{certificate.pk}:{decision.pk}"
    url = supervision_url(product)
    recipients = {u.pk: u for u in holders(product) + commune_officers(product)}
    return [Message(u, KIND_REVOKED, title, body, url, key) for u in recipients.values()]


def notify_revocation(certificate) -> list:
    return notify_many(revocation_messages(certificate))
