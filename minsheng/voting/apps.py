from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VotingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "minsheng.voting"
    label = "voting"
    verbose_name = _("Vote and rating")
