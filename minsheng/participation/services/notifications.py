"""Who participation tells, and what: the followers of items a new plan version changed (once per person,
item and version), and the address check participation adds to the one mail rule (a public account's
address must be confirmed)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial

from django.db import transaction
from django.utils.translation import gettext as _

from minsheng.accounts.audit import AuditVerb
from minsheng.accounts.models import User
from minsheng.accounts.services import audit_record
from minsheng.common.services import in_site_language, item_label, link
from minsheng.notifications.models import Notification, NotificationKind
from minsheng.notifications.services import notify_now
from minsheng.participation.models import (
    Follow,
    Participant,
)
from minsheng.plans.models import ItemRevision, PlanVersion

# --- notifications ---------------------------------------------------------------------------------------


def _item_link(item_id: int, fragment: str = "") -> str:
    return link("participation:item", item_id, fragment=fragment, fallback=("portal:item", (item_id,)))


def address_confirmed(user: User) -> bool:
    """Participation's part of the mail rule (minsheng.notifications.services.mail_address; added from
    ParticipationConfig.ready()): a public account is mailed only at the address it confirmed; an account
    without a Participant (its address set by the office) as it is."""
    try:
        participant = user.participant
    except Participant.DoesNotExist:
        return True
    return bool(participant.email_confirmed) and participant.email_confirmed == user.email


def _users_following(item_id: int, user_ids: Iterable[int | None]) -> Callable[[], list[User]]:
    ids = [i for i in user_ids if i]

    def users() -> list[User]:
        return list(
            User.objects.filter(pk__in=ids, is_active=True, follows__item_id=item_id)
            .select_related("participant")
            .distinct()
        )

    return users


def _just(user_id: int | None) -> Callable[[], list[User]]:
    def users() -> list[User]:
        if not user_id:
            return []
        return list(User.objects.filter(pk=user_id, is_active=True).select_related("participant"))

    return users


@transaction.atomic
def item_changes_notify(*, version: PlanVersion, by: User | None = None) -> int:
    """Tell the followers of every item that ``version`` changed, renumbered or removed (in-app, and by mail
    after the commit). Idempotent: calling it again for the same version notifies no one twice. Returns the
    number of notifications created. Called, after the commit, for every ``plan_version_created`` that
    plans sends (see :mod:`minsheng.plans.signals` and this app's ``ready()``)."""
    revisions = list(
        ItemRevision.objects.filter(version=version)
        .exclude(kind=ItemRevision.Kind.ADDED)
        .select_related("item", "version")
    )
    by_item = {revision.item_id: revision for revision in revisions}
    follows = list(
        Follow.objects.filter(item_id__in=list(by_item), user__is_active=True).select_related(
            "user__participant"
        )
    )
    keys = {f.pk: f"item_changed:v{version.pk}:item{f.item_id}" for f in follows}
    already = set(
        Notification.objects.filter(
            user_id__in={f.user_id for f in follows}, dedupe_key__in=set(keys.values())
        ).values_list("user_id", "dedupe_key")
    )

    def message(revision: ItemRevision) -> str:
        item = revision.item
        values = {"item": item_label(item), "version": version.number, "no": revision.no}
        if revision.kind == ItemRevision.Kind.REMOVED:
            return _("%(item)s, which you follow, was removed from the plan in version %(version)d.") % values
        if revision.kind == ItemRevision.Kind.RENUMBERED:
            return (
                _("%(item)s, which you follow, is now number %(no)d (version %(version)d of the plan).")
                % values
            )
        return _("%(item)s, which you follow, changed in version %(version)d of the plan.") % values

    created = 0
    for follow in follows:
        key = keys[follow.pk]
        if (follow.user_id, key) in already:
            continue
        revision = by_item[follow.item_id]
        created += len(
            notify_now(
                [follow.user],
                kind=NotificationKind.ITEM_CHANGED,
                message=in_site_language(partial(message, revision)),
                url=_item_link(follow.item_id, "#changes"),
                dedupe_key=key,
                item_id=follow.item_id,
            )
        )
    audit_record(
        actor=by,
        verb=AuditVerb.ITEM_CHANGES_NOTIFY,
        obj=version,
        details={"items": sorted(by_item), "notified": created},
    )
    return created
