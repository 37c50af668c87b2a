from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammeConfig(AppConfig):
    name = "programme"
    verbose_name = _("Chương trình OCOP: kênh bán hàng, xúc tiến thương mại")
