from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class NtmConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "ntm"
    verbose_name = _("Nông thôn mới")

    def ready(self):
        checks.register(check_basically_meeting_setting, checks.Tags.compatibility)


def check_basically_meeting_setting(app_configs=None, **kwargs):
    """A bad NTM_BASICALLY_MEETING stops `manage.py check` (and the server) with the accepted forms, not a 500 later."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    from ntm.queries import parse_basic_rule

    try:
        parse_basic_rule(getattr(settings, "NTM_BASICALLY_MEETING", None))
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="ntm.E001")]
    return []
