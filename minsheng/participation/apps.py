from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from minsheng.accounts.models import User
    from minsheng.plans.models import PlanVersion


class ParticipationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "minsheng.participation"
    label = "participation"
    verbose_name = _("Participation")

    def ready(self) -> None:
        from minsheng.notifications.services import address_check_add
        from minsheng.participation.services import address_confirmed
        from minsheng.plans.signals import plan_version_created

        address_check_add(address_confirmed)  # a public account is mailed only at its confirmed address
        plan_version_created.connect(_followers_notify, dispatch_uid="participation.item_changes_notify")


def _followers_notify(sender: Any, *, version: PlanVersion, by: User | None = None, **kwargs: Any) -> None:
    """A new version of a plan was stored: tell the followers of the items it changed, renumbered or removed."""
    from minsheng.participation.services import item_changes_notify

    item_changes_notify(version=version, by=by)
