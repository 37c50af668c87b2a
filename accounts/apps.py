from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Tài khoản")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from accounts.middleware import stamp_on_login

        # a fresh login counts as activity, so the first pages after it write nothing (accounts.middleware)
        user_logged_in.connect(stamp_on_login, dispatch_uid="accounts.sliding_session")
