"""Background work for certificates (django.tasks; the immediate backend runs it inline in development and tests).

`send_expiry_reminders`, run daily (management command `send_expiry_reminders`, from cron or a worker), tells the
accounts linked to the product's producer (Producer.accounts) and the province officers whose
`certification.manage` scope holds the product about the end of its certificate, by the rules that govern that
certificate (evaluation.process.certificate_rules, from evaluation/data/process_rules.yaml — no number is written here):

- a certificate whose re-rating window governs it (26/2026 Điều 7.6.a: a re-rating dossier is filed no earlier than
  180 and no later than 120 days before the last day): once when the window opens, and once when it is about to close
  (OCOP_RERATING_CLOSING_REMINDER_DAYS before, an office's choice; default the expiry warning window). No 30-day
  reminder: by then a re-rating dossier can no longer be filed.
- any other certificate (earlier rules, domain.md §7: notify at least 30 days before expiry; and those of Điều 12.3):
  when its state is EXPIRING — within max(OCOP_EXPIRY_WARNING_DAYS, the period's notice) days — as before;
- every expired certificate not re-recognised nor revoked: the holders' accounts and the province officers.

Each notification carries a dedupe key naming the certificate, its expiry date and the reminder, so reruns (or a day
missed and caught up) send nothing twice. One audit entry per certificate and reminder records which holder accounts
were told.
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
from certification import notices
from certification.models import Certificate
from certification.queries import expiry_notice_floor, expiry_warning_days, rerating_closing_reminder_days
from certification.watch import days_left, expired_not_renewed_among, expiring_among, rerating_open_among
from core import audit
from evaluation import process
from notifications.services import Message, notify_many

KIND_EXPIRING = "certification.expiring"
KIND_EXPIRED = "certification.expired"
KIND_RERATING_OPEN = "certification.rerating_open"
KIND_RERATING_CLOSING = "certification.rerating_closing"
AUDIT_ACTIONS = {
    KIND_EXPIRING: "certification.certificate.expiry_notified",
    KIND_RERATING_OPEN: "certification.certificate.rerating_notified",
    KIND_RERATING_CLOSING: "certification.certificate.rerating_notified",
}


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


_fmt = notices.fmt


def _facts(certificate) -> dict:
    return {
        "product": certificate.product.name,
        "producer": certificate.product.producer.name,
        "stars": certificate.stars,
        "decision": certificate.decision.number,
        "decision_date": _fmt(certificate.decision.date),
        "last_day": _fmt(certificate.last_valid_day),
    }


def _to_holders_and_office(certificate, kind, title, holder_body, office_body, url, key, officers):
    holders = notices.holders(certificate.product)
    messages = [Message(u, kind, title, holder_body, url, key) for u in holders]
    location = certificate.product.location
    messages += [Message(u, kind, title, office_body, url, key) for u, scope in officers if scope.contains(location)]
    return messages, holders


def _expiring_messages(certificate, today, window, officers, url, rules):
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
    if rules.extended_until is not None:
        extension = " " + _(
            "Theo Điều 12 khoản 3 Quyết định 26/2026/QĐ-TTg, sản phẩm đánh giá, phân hạng lại mà không thể nộp hồ sơ "
            "đúng thời hạn thì giấy chứng nhận tiếp tục có hiệu lực đến ngày có kết quả xử lý, nhưng không quá ngày "
            "%(until)s."
        ) % {"until": _fmt(rules.extended_until)}
        holder_body += extension
        office_body += extension
    return _to_holders_and_office(certificate, KIND_EXPIRING, title, holder_body, office_body, url, key, officers)


def _rerating_messages(certificate, today, officers, url, closing: bool):
    rules = process.certificate_rules(certificate.term_last_day)
    rule = rules.rerating
    opens, closes = rules.window
    facts = {
        **_facts(certificate),
        "last_day": _fmt(certificate.term_last_day),
        "opens": _fmt(opens),
        "closes": _fmt(closes),
        "days": (closes - today).days + 1,
        "from_days": rule.file_from_days_before_end,
        "until_days": rule.file_until_days_before_end,
        "article": rule.article,
    }
    kind = KIND_RERATING_CLOSING if closing else KIND_RERATING_OPEN
    key = f"{kind}:{certificate.pk}:{certificate.valid_until.isoformat()}"
    window = (
        _(
            "hồ sơ đề nghị đánh giá, phân hạng lại được nộp cho UBND cấp xã từ ngày %(opens)s đến hết ngày %(closes)s "
            "(không sớm hơn %(from_days)s ngày và không muộn hơn %(until_days)s ngày trước ngày hết hạn, %(article)s "
            "Quyết định 26/2026/QĐ-TTg)"
        )
        % facts
    )
    facts["window"] = window
    if closing:
        title = _("Sắp hết thời hạn nộp hồ sơ đánh giá, phân hạng lại: %(product)s") % facts
        holder_body = (
            _(
                "Giấy chứng nhận OCOP %(stars)s sao của sản phẩm %(product)s (quyết định %(decision)s ngày "
                "%(decision_date)s) có hiệu lực đến hết ngày %(last_day)s. Còn %(days)s ngày để nộp hồ sơ: %(window)s."
            )
            % facts
        )
    else:
        title = _("Đã đến thời hạn nộp hồ sơ đánh giá, phân hạng lại: %(product)s") % facts
        holder_body = (
            _(
                "Giấy chứng nhận OCOP %(stars)s sao của sản phẩm %(product)s (quyết định %(decision)s ngày "
                "%(decision_date)s) có hiệu lực đến hết ngày %(last_day)s. Để tiếp tục được công nhận, %(window)s."
            )
            % facts
        )
    office_body = (
        _(
            "Sản phẩm %(product)s của %(producer)s: giấy chứng nhận OCOP %(stars)s sao (quyết định %(decision)s ngày "
            "%(decision_date)s) có hiệu lực đến hết ngày %(last_day)s; %(window)s."
        )
        % facts
    )
    return _to_holders_and_office(certificate, kind, title, holder_body, office_body, url, key, officers)


def _expired_messages(certificate, officers, url):
    facts = {**_facts(certificate), "expired_on": _fmt(certificate.valid_until + datetime.timedelta(days=1))}
    key = f"{KIND_EXPIRED}:{certificate.pk}:{certificate.valid_until.isoformat()}"
    title = _("Giấy chứng nhận OCOP đã hết hạn, chưa công nhận lại: %(product)s") % facts
    body = (
        _(
            "Sản phẩm %(product)s của %(producer)s: giấy chứng nhận OCOP %(stars)s sao (quyết định %(decision)s ngày "
            "%(decision_date)s) đã hết hiệu lực từ ngày %(expired_on)s và chưa được công nhận lại."
        )
        % facts
    )
    holder_body = (
        _(
            "Giấy chứng nhận OCOP %(stars)s sao của sản phẩm %(product)s (quyết định %(decision)s ngày "
            "%(decision_date)s) đã hết hiệu lực từ ngày %(expired_on)s. Để sản phẩm được công nhận lại, đề nghị chủ "
            "thể lập hồ sơ đánh giá, phân hạng lại và liên hệ cán bộ OCOP của xã."
        )
        % facts
    )
    location = certificate.product.location
    messages = [Message(u, KIND_EXPIRED, title, holder_body, url, key) for u in notices.holders(certificate.product)]
    messages += [Message(u, KIND_EXPIRED, title, body, url, key) for u, scope in officers if scope.contains(location)]
    return messages


@task
def send_expiry_reminders(today_iso: str) -> dict:
    """Notify holders and province officers of certificates whose re-rating window opens or is about to close, that
    expire soon, or expired, on `today_iso` (YYYY-MM-DD)."""
    today = datetime.date.fromisoformat(today_iso)
    setting_window = expiry_warning_days()
    window = max(setting_window, expiry_notice_floor())
    closing_lead = rerating_closing_reminder_days()
    with translation.override(settings.LANGUAGE_CODE):
        officers = _province_officers()
        everything = Certificate.objects.all()
        url = reverse("certificates:expiring")
        messages, told_holders = [], {}
        by_pk = {}

        expiring = []
        for certificate in expiring_among(everything, today, window).prefetch_related("product__producer__accounts"):
            rules = process.certificate_rules(certificate.term_last_day)
            if rules.window is not None:
                continue  # 26/2026: the re-rating reminders below take the place of the expiry reminder
            notice = max(setting_window, rules.expiry_notice_days or 0)
            if days_left(certificate, today) > notice:
                continue
            expiring.append(certificate)
            cert_messages, holders = _expiring_messages(certificate, today, window, officers, url, rules)
            messages += cert_messages
            told_holders[(KIND_EXPIRING, certificate.pk)] = {u.pk for u in holders}
            by_pk[certificate.pk] = certificate

        rerating = {"open": 0, "closing": 0}
        rerating_url = url + "?tab=rerating"
        for certificate in rerating_open_among(everything, today).prefetch_related("product__producer__accounts"):
            closes = process.rerating_window(certificate.term_last_day)[1]
            closing = (closes - today).days < closing_lead
            cert_messages, holders = _rerating_messages(certificate, today, officers, rerating_url, closing)
            messages += cert_messages
            kind = KIND_RERATING_CLOSING if closing else KIND_RERATING_OPEN
            told_holders[(kind, certificate.pk)] = {u.pk for u in holders}
            by_pk[certificate.pk] = certificate
            rerating["closing" if closing else "open"] += 1

        expired = list(expired_not_renewed_among(everything, today).prefetch_related("product__producer__accounts"))
        expired_url = url + "?tab=expired"
        for certificate in expired:
            messages += _expired_messages(certificate, officers, expired_url)
        with transaction.atomic():
            created = notify_many(messages)
            _audit_holder_notices(created, by_pk, told_holders, window)
    return {
        "date": today_iso,
        "window_days": window,
        "expiring": len(expiring),
        "rerating_open": rerating["open"],
        "rerating_closing": rerating["closing"],
        "expired": len(expired),
        "notifications": len(created),
    }


def _audit_holder_notices(created, by_pk, holder_ids, window):
    """One entry per certificate and reminder whose holder accounts were newly told."""
    told = {}
    for notification in created:
        if notification.kind not in AUDIT_ACTIONS:
            continue
        cert_pk = int(notification.dedupe_key.split(":")[1])
        if notification.user_id in holder_ids.get((notification.kind, cert_pk), ()):
            told.setdefault((notification.kind, cert_pk), []).append(notification.user.get_username())
    entries = []
    for (kind, pk), usernames in told.items():
        certificate = by_pk[pk]
        after = {"holders": sorted(usernames), "valid_until": str(certificate.valid_until)}
        if kind == KIND_EXPIRING:
            after["window_days"] = window
        else:
            opens, closes = process.rerating_window(certificate.term_last_day)
            after.update(
                reminder="closing" if kind == KIND_RERATING_CLOSING else "open",
                window=[str(opens), str(closes)],
            )
        entries.append(
            audit.build(
                actor=None,
                action=AUDIT_ACTIONS[kind],
                obj=certificate,
                area=certificate.product.location,
                after=after,
            )
        )
    if entries:
        audit.record_many(entries)
