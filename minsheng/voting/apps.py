from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VotingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "minsheng.voting"
    label = "voting"
    verbose_name = _("Vote and rating")

    def ready(self) -> None:
        from minsheng.plans.services import plan_status_guard_add
        from minsheng.voting.services import plan_stage_guard

        plan_status_guard_add(plan_stage_guard)
