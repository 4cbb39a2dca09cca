from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "minsheng.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from minsheng.accounts.admin import otp_admin_remove
        from minsheng.accounts.signals import session_started

        otp_admin_remove()

        user_logged_in.connect(session_started, dispatch_uid="minsheng.accounts.session_started")

        from minsheng.accounts import signals, tracking

        tracking.register_tracked_models()
        signals.connect()
