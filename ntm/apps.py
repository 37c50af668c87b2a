from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NtmConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "ntm"
    verbose_name = _("Nông thôn mới")
