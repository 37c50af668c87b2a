"""Two people at once: refusing lost updates and the loser of a race on a unique constraint, with a 409 and a message.

Lost update: an edit form carries the `version` of the record it was read at (a hidden field); the service locks the
row (`select_for_update`), calls `check_version(obj, expected)` and, when it saves, adds one to `obj.version`. A save
made from an older version is refused instead of silently overwriting the other person's change. `expected=None` (an
API client that sent no version, a command) skips the check.

Race on a unique constraint: two requests create the same thing; both pass the service's duplicate check, one insert
wins, the other's raises IntegrityError (a 500). `refuse_duplicate(message)` wraps the insert in a savepoint and turns
a unique violation into `Duplicate` (409) with the service's own message.
"""

import contextlib

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError


class StaleEdit(DomainError):
    """The record changed since the form was opened: the save would overwrite someone else's change."""

    status = 409


class Duplicate(DomainError):
    """A simultaneous request created the same thing first."""

    status = 409


def parse_version(value) -> int | None:
    """The version a form or API client sent: None when absent (no check), an int otherwise."""
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise DomainError(_("Phiên bản bản ghi gửi lên không hợp lệ. Hãy tải lại trang."), field="version") from None


def stale_message(obj) -> str:
    """Who changed the record last and when, from its newest audit entry (every write is audited)."""
    from core.audit import object_type
    from core.models import AuditEntry

    entry = (
        AuditEntry.objects.filter(object_type=object_type(obj), object_id=str(obj.pk))
        .order_by("-created_at", "-pk")
        .only("created_at", "actor_label")
        .first()
    )
    if entry is None:
        return _("Bản ghi đã được người khác sửa sau khi bạn mở trang. Hãy tải lại trang và nhập lại thay đổi của bạn.")
    return _("Bản ghi đã được %(who)s sửa lúc %(when)s. Hãy tải lại trang và nhập lại thay đổi của bạn.") % {
        "who": entry.actor_label or _("người khác"),
        "when": timezone.localtime(entry.created_at).strftime("%H:%M %d/%m/%Y"),
    }


def check_version(obj, expected) -> None:
    """Refuse (StaleEdit, 409) when `expected` is given and is not `obj.version`. Call it on the locked row."""
    expected = parse_version(expected)
    if expected is not None and expected != obj.version:
        raise StaleEdit(stale_message(obj), code="stale")


@contextlib.contextmanager
def refuse_duplicate(message: str, *, field: str | None = None):
    """Run the insert/update in a savepoint; a unique violation becomes Duplicate(message) (409), not a 500."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as exc:
        # Only a unique violation is the race this handles; SQLite and PostgreSQL both name it "unique".
        if "unique" not in str(exc).lower():
            raise
        raise Duplicate(message, field=field, code="duplicate") from exc
