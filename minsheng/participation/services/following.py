"""Support (one per person and item) and following (to be told when an item changes), taken back at any
time; while the plan is open for comment."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from minsheng.accounts.audit import AuditVerb
from minsheng.accounts.models import User
from minsheng.accounts.services import audit_record
from minsheng.common.services import require
from minsheng.participation.models import (
    Follow,
    Phase,
    Support,
)
from minsheng.participation.services._core import ParticipationError, _clean, _current_item, _open_window
from minsheng.plans.models import Item

# --- support and following --------------------------------------------------------------------------------


@transaction.atomic
def item_support(*, item: Item, by: User) -> Support:
    """Support an item of the draft while it is open for comment; once per person."""
    require(by, "participation.support_item", item, message=_("Your account cannot support items."))
    item = _current_item(item)
    _open_window(plan=item.plan, phase=Phase.CONSULTATION)
    if Support.objects.filter(item=item, user=by).exists():
        raise ParticipationError(_("You already support this item."))
    support = Support(item=item, user=by)
    _clean(support, validate_constraints=False)
    try:
        with transaction.atomic():
            support.save()
    except IntegrityError:
        raise ParticipationError(_("You already support this item.")) from None
    audit_record(actor=by, verb=AuditVerb.ITEM_SUPPORT, obj=support, details={"item": item.pk})
    return support


@transaction.atomic
def item_support_withdraw(*, item: Item, by: User) -> None:
    """Take back one's support while the item is open for comment."""
    require(by, "participation.support_item", item)
    item = _current_item(item)
    _open_window(plan=item.plan, phase=Phase.CONSULTATION)
    support = Support.objects.filter(item=item, user=by).first()
    if support is None:
        raise ParticipationError(_("You do not support this item."))
    audit_record(actor=by, verb=AuditVerb.ITEM_SUPPORT_WITHDRAW, obj=support, details={"item": item.pk})
    support.delete()


@transaction.atomic
def item_follow(*, item: Item, by: User) -> Follow:
    """Follow an item (in any stage of its plan); following twice is the same as once."""
    require(by, "participation.follow_item", item)
    existing = Follow.objects.filter(item_id=item.pk, user=by).first()
    if existing is not None:
        return existing
    item = _current_item(item)
    follow = Follow(item=item, user=by)
    _clean(follow, validate_constraints=False)
    try:
        with transaction.atomic():
            follow.save()
    except IntegrityError:
        return Follow.objects.get(item=item, user=by)
    audit_record(actor=by, verb=AuditVerb.ITEM_FOLLOW, obj=follow, details={"item": item.pk})
    return follow


@transaction.atomic
def item_unfollow(*, item: Item, by: User) -> None:
    """Stop following an item; a no-op when not following."""
    require(by, "participation.follow_item", item)
    follow = Follow.objects.filter(item_id=item.pk, user=by).first()
    if follow is None:
        return
    audit_record(actor=by, verb=AuditVerb.ITEM_UNFOLLOW, obj=follow, details={"item": item.pk})
    follow.delete()
