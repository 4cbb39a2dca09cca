from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "minsheng.participation"
    label = "participation"
    verbose_name = _("Participation")

    def ready(self) -> None:
        from minsheng.notifications.services import address_check_add
        from minsheng.participation.services import address_confirmed

        address_check_add(address_confirmed)  # a public account is mailed only at its confirmed address
