"""Background work for certificates (django.tasks; the immediate backend runs it inline in development and tests).

`send_expiry_reminders` is the issuer's duty of domain.md §7 (notify the holder at least 30 days before expiry): run
daily (management command `send_expiry_reminders`, from cron or a worker), it notifies

- for every certificate whose state is EXPIRING (within expiry_warning_days()): the accounts linked to the product's
  producer (Producer.accounts) and the province officers whose `certification.manage` scope holds the product;
- for every expired certificate not re-recognised nor revoked: those province officers.

Each notification carries a dedupe key naming the certificate, its expiry date and the window, so reruns (or a day
missed and caught up) send nothing twice. One audit entry per certificate records which holder accounts were told.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import Membership
from accounts.roles import Role
from accounts.scope import area_scope
from certification.models import Certificate
from certification.queries import expiry_warning_days
from certification.watch import days_left, expired_not_renewed_among, expiring_among
from core import audit
from notifications.services import Message, notify_many

KIND_EXPIRING = "certification.expiring"
KIND_EXPIRED = "certification.expired"


def _province_officers():
    """Active users holding an active province-officer membership, each with their certificate-management scope."""
    users = {
        m.user_id: m.user
        for m in Membership.objects.active()
        .filter(role=Role.PROVINCE_OFFICER, user__is_active=True)
        .select_related("user")
        .order_by("user_id")
    }
    return [(user, area_scope(user, "certification.manage")) for user in users.values()]


def _fmt(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def _facts(certificate) -> dict:
    return {
        "product": certificate.product.name,
        "producer": certificate.product.producer.name,
        "stars": certificate.stars,
        "decision": certificate.decision.number,
        "decision_date": _fmt(certificate.decision.date),
        "last_day": _fmt(certificate.last_valid_day),
    }


def _expiring_messages(certificate, today, window, officers, url):
    facts = {**_facts(certificate), "days": days_left(certificate, today)}
    key = f"{KIND_EXPIRING}:{certificate.pk}:{certificate.valid_until.isoformat()}:{window}"
    title = _("Giấy chứng nhận OCOP sắp hết hạn: %(product)s") % facts
    holder_body = (
        _(
            "Giấy chứng nhận OCOP %(stars)s sao của sản phẩm %(product)s (quyết định %(decision)s ngày "
            "%(decision_date)s) có hiệu lực đến hết ngày %(last_day)s, còn %(days)s ngày. Để tiếp tục được công nhận, "
            "đề nghị chủ thể chuẩn bị hồ sơ đánh giá, công nhận lại và liên hệ cán bộ OCOP của xã."
        )
        % facts
    )
    office_body = (
        _(
            "Sản phẩm %(product)s của %(producer)s: giấy chứng nhận OCOP %(stars)s sao (quyết định %(decision)s ngày "
            "%(decision_date)s) có hiệu lực đến hết ngày %(last_day)s, còn %(days)s ngày."
        )
        % facts
    )
    holders = [u for u in certificate.product.producer.accounts.all() if u.is_active]
    messages = [Message(u, KIND_EXPIRING, title, holder_body, url, key) for u in holders]
    location = certificate.product.location
    messages += [
        Message(u, KIND_EXPIRING, title, office_body, url, key) for u, scope in officers if scope.contains(location)
    ]
    return messages, holders


def _expired_messages(certificate, officers, url):
    facts = {**_facts(certificate), "expired_on": _fmt(certificate.valid_until)}
    key = f"{KIND_EXPIRED}:{certificate.pk}:{certificate.valid_until.isoformat()}"
    title = _("Giấy chứng nhận OCOP đã hết hạn, chưa công nhận lại: %(product)s") % facts
    body = (
        _(
            "Sản phẩm %(product)s của %(producer)s: giấy chứng nhận OCOP %(stars)s sao (quyết định %(decision)s ngày "
            "%(decision_date)s) đã hết hiệu lực từ ngày %(expired_on)s và chưa được công nhận lại."
        )
        % facts
    )
    location = certificate.product.location
    return [Message(u, KIND_EXPIRED, title, body, url, key) for u, scope in officers if scope.contains(location)]


@task
def send_expiry_reminders(today_iso: str) -> dict:
    """Notify holders and province officers of certificates expiring or expired on `today_iso` (YYYY-MM-DD)."""
    today = datetime.date.fromisoformat(today_iso)
    window = expiry_warning_days()
    with translation.override(settings.LANGUAGE_CODE):
        officers = _province_officers()
        everything = Certificate.objects.all()
        expiring = list(expiring_among(everything, today, window).prefetch_related("product__producer__accounts"))
        expired = list(expired_not_renewed_among(everything, today))
        messages, told_holders = [], {}
        url = reverse("certificates:expiring")
        for certificate in expiring:
            cert_messages, holders = _expiring_messages(certificate, today, window, officers, url)
            messages += cert_messages
            told_holders[certificate.pk] = {u.pk for u in holders}
        expired_url = url + "?tab=expired"
        for certificate in expired:
            messages += _expired_messages(certificate, officers, expired_url)
        with transaction.atomic():
            created = notify_many(messages)
            _audit_holder_notices(created, {c.pk: c for c in expiring}, told_holders, window)
    return {
        "date": today_iso,
        "window_days": window,
        "expiring": len(expiring),
        "expired": len(expired),
        "notifications": len(created),
    }


def _audit_holder_notices(created, expiring_by_pk, holder_ids, window):
    """One entry per certificate whose holder accounts were newly told of the coming expiry."""
    told = {}
    for notification in created:
        if notification.kind != KIND_EXPIRING:
            continue
        cert_pk = int(notification.dedupe_key.split(":")[1])
        if notification.user_id in holder_ids.get(cert_pk, ()):
            told.setdefault(cert_pk, []).append(notification.user.get_username())
    entries = []
    for pk, usernames in told.items():
        certificate = expiring_by_pk[pk]
        entries.append(
            audit.build(
                actor=None,
                action="certification.certificate.expiry_notified",
                obj=certificate,
                area=certificate.product.location,
                after={
                    "holders": sorted(usernames),
                    "valid_until": str(certificate.valid_until),
                    "window_days": window,
                },
            )
        )
    if entries:
        audit.record_many(entries)
