"""E-mails carry links to the pages they are about; without SITE_URL those links cannot be absolute (a page can use
the address a request came in on, an e-mail sent by a job cannot)."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.compatibility)
def site_url_for_emails(app_configs, **kwargs):
    from notifications.services import email_configured

    if email_configured() and not (getattr(settings, "SITE_URL", "") or "").strip():
        return [
            checks.Warning(
                "Outgoing mail is configured but SITE_URL is empty: links in notification e-mails will be relative.",
                hint="Set SITE_URL to the public address, e.g. https://ocop.dienbien.gov.vn",
                id="notifications.W001",
            )
        ]
    return []
