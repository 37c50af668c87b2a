"""Sending and reading notifications.

`notify_many` is the bulk form used by reminder jobs: it writes every new message in one transaction and skips the
ones a user already has (same `dedupe_key`), so a job can run twice without telling anyone twice. Each new message is
also e-mailed, after the transaction commits, when e-mail is configured (`email_configured`) and the user has an
address. Notifications are plumbing, not programme records: they are not written to the audit log (the jobs that send
them audit what they are about).
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import NotFound
from notifications.models import Notification

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Message:
    user: object  # a User
    kind: str
    title: str
    body: str = ""
    url: str = ""
    dedupe_key: str = ""


def email_configured() -> bool:
    """Whether the deployment configured outgoing e-mail: a `MAILERS["default"]` (Django 6.1's setting), or, with
    the older settings (deprecated in 6.1, not allowed together with MAILERS), an EMAIL_HOST set explicitly and not
    empty. Django's implicit default ('localhost') does not count."""
    if hasattr(settings, "MAILERS"):
        return "default" in settings.MAILERS
    return bool(settings.is_overridden("EMAIL_HOST") and settings.EMAIL_HOST)


def notify(*, user, kind: str, title: str, body: str = "", url: str = "", dedupe_key: str = ""):
    """Notify one user. Returns (notification, created); with a `dedupe_key` the user already has, the existing one."""
    created = notify_many([Message(user, kind, title, body, url, dedupe_key)])
    if created:
        return created[0], True
    return Notification.objects.get(user=user, dedupe_key=dedupe_key), False


def notify_many(messages) -> list[Notification]:
    """Write the messages no recipient has yet (by `dedupe_key`); returns the notifications created."""
    users = {}
    wanted = {}
    for message in messages:
        if message.url and not (message.url.startswith("/") and not message.url.startswith("//")):
            raise ValueError(f"notification url must be a path on this site: {message.url!r}")
        if message.user is None or not message.user.is_active:
            continue
        users[message.user.pk] = message.user
        key = (message.user.pk, message.dedupe_key) if message.dedupe_key else (message.user.pk, object())
        wanted.setdefault(key, message)  # the same key twice in one batch is one message
    if not wanted:
        return []
    stamp = timezone.now()
    keys = {key for _user, key in wanted if isinstance(key, str)}
    with transaction.atomic():
        existing = set()
        if keys:
            existing = set(
                Notification.objects.filter(user_id__in=users, dedupe_key__in=keys).values_list("user_id", "dedupe_key")
            )
        new = [
            Notification(
                user_id=m.user.pk,
                created_at=stamp,
                kind=m.kind,
                title=m.title[:255],
                body=m.body,
                url=m.url,
                dedupe_key=m.dedupe_key,
            )
            for key, m in wanted.items()
            if key not in existing
        ]
        if not new:
            return []
        # ignore_conflicts: a concurrent run may have written the same key meanwhile; its row wins, ours is skipped.
        Notification.objects.bulk_create(new, batch_size=500, ignore_conflicts=True)
        created = list(
            Notification.objects.filter(created_at=stamp, user_id__in={n.user_id for n in new}).order_by("id")
        )
        for notification in created:
            notification.user = users[notification.user_id]
        if email_configured():
            transaction.on_commit(lambda: send_emails(created), robust=True)
    return created


def send_emails(notifications) -> int:
    """E-mail each notification to its user's address; a failure is logged and does not stop the others."""
    site = getattr(settings, "SITE_URL", "").rstrip("/")
    using = "default" if hasattr(settings, "MAILERS") else None  # None: the deprecated EMAIL_* settings
    sent = 0
    for notification in notifications:
        address = notification.user.email
        if not address:
            continue
        text = notification.body
        if notification.url:
            text += "\n\n" + _("Xem chi tiết: %(url)s") % {"url": site + notification.url}
        try:
            sent += send_mail(notification.title, text, None, [address], using=using)
        except Exception:
            logger.exception("notification %s: e-mail to user %s failed", notification.pk, notification.user_id)
    return sent


def mark_read(*, user, notification_id: int) -> Notification:
    """Mark one of the user's own notifications read; someone else's answers NotFound (404), like a missing one."""
    with transaction.atomic():
        notification = Notification.objects.select_for_update().filter(user=user, pk=notification_id).first()
        if notification is None:
            raise NotFound(_("Không tìm thấy thông báo này."))
        if notification.read_at is None:
            notification.read_at = timezone.now()
            notification.save(update_fields=["read_at"])
    return notification


def mark_all_read(*, user) -> int:
    return Notification.objects.filter(user=user).unread().update(read_at=timezone.now())


def unread_count(user) -> int:
    if user is None or not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user).unread().count()
