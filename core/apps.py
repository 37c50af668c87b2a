from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Lõi hệ thống")

    def ready(self):
        # Django 6.1's empty choice of every select ("- Select an option -") has no Vietnamese text of its own; the
        # documented place to set it is an app's ready().
        from django.db.models import fields

        fields.BLANK_CHOICE_LABEL = _("— Chọn —")
