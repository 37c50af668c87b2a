"""What an audit entry may not show yet: domain apps mask fields of their own entries before a page or the API shows
them (e.g. a council member's total while the sheets are open). core imports no domain app: the maskers are named in
settings.AUDIT_REDACTORS, dotted paths to functions `(entries, user) -> entries` that set the masked values on the
entries in memory (entries are never saved again: the log is append-only) and mark them `redacted`. Each should read
what it needs for a whole page of entries in a constant number of queries."""

from django.conf import settings
from django.utils.module_loading import import_string


def redactors() -> list:
    return [import_string(path) for path in getattr(settings, "AUDIT_REDACTORS", ())]


def redact(entries, user) -> list:
    """The entries (a page of them, or one), masked for `user` by every redactor in turn."""
    entries = list(entries)
    for entry in entries:
        entry.redacted, entry.redaction_note = False, ""
    for redactor in redactors():
        entries = list(redactor(entries, user))
    return entries
