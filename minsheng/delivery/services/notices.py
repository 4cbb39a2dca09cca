"""Supervision notices: the office issues one to the lead department of an item behind schedule; the
department replies with an explanation and a catch-up plan; the office closes or escalates it.

Every step after the issue is one :func:`_notice_step` (lock, rule and state from
``delivery.workflows.NOTICE_FLOW``, version, write, audit, tell after the commit).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minsheng.accounts.audit import AuditVerb
from minsheng.accounts.models import User
from minsheng.accounts.selectors import office_users
from minsheng.accounts.services import audit_record
from minsheng.common.services import actor, item_label, require
from minsheng.delivery.models import (
    SupervisionNotice,
)
from minsheng.delivery.workflows import NOTICE_FLOW
from minsheng.notifications.models import NotificationKind
from minsheng.notifications.services import notify
from minsheng.plans.models import Item, ItemDepartment

if TYPE_CHECKING:
    pass
from minsheng.delivery.services._core import (
    DeliveryError,
    _check_version,
    _clean,
    _copy_into,
    _date,
    _department_users,
    _lock,
    _notice_link,
    _text,
    _write_versioned,
)

# --- supervision notices ---------------------------------------------------------------------------------


def _notice_members(notice: SupervisionNotice) -> Callable[[], list[User]]:
    return lambda: _department_users([notice.department_id], (User.Role.REPORTER, User.Role.DEPT_HEAD))


def _notice_audit(notice: SupervisionNotice, by: User | None, verb: AuditVerb, **details: Any) -> None:
    audit_record(
        actor=by,
        verb=verb,
        obj=notice,
        details={"item": notice.item_id, "status": notice.status, "version": notice.version, **details},
    )


@transaction.atomic
def notice_issue(
    *,
    item: Item,
    by: User,
    reason: str,
    demand: str,
    reply_deadline: dt.date,
    today: dt.date | None = None,
) -> SupervisionNotice:
    """The office issues a supervision notice (督办单) on an item to its lead department."""
    require(by, "delivery.issue_notice", item)
    item = Item.objects.select_related("plan").get(pk=item.pk)
    if item.removed_in_id is not None:
        raise DeliveryError(_("This item is no longer in the plan."))
    lead = ItemDepartment.objects.filter(item=item, role=ItemDepartment.Role.LEAD).first()
    if lead is None:
        raise DeliveryError(_("The item has no lead department; assign it first."))
    reason, demand = _text(reason), _text(demand)
    errors: dict[str, list[str]] = {}
    if not reason:
        errors["reason"] = [_("Give the reason for the notice.")]
    if not demand:
        errors["demand"] = [_("Say what the department must do.")]
    if errors:
        raise DeliveryError(errors)
    reply_deadline = _date(reply_deadline, field="reply_deadline")
    if reply_deadline < (today or timezone.localdate()):
        raise DeliveryError({"reply_deadline": [_("The reply deadline is in the past.")]})
    notice = SupervisionNotice(
        item=item,
        department_id=lead.department_id,
        reason=reason,
        demand=demand,
        reply_deadline=reply_deadline,
        issued_by=actor(by),
    )
    _clean(notice)
    notice.save()
    _notice_audit(
        notice,
        by,
        AuditVerb.NOTICE_ISSUE,
        department=lead.department_id,
        reply_deadline=reply_deadline.isoformat(),
    )
    notify(
        _notice_members(notice),
        kind=NotificationKind.NOTICE_ISSUED,
        message=lambda: (
            _("The office issued a supervision notice on %(item)s; reply by %(date)s. Reason: %(reason)s")
            % {"item": item_label(item), "date": reply_deadline.isoformat(), "reason": reason}
        ),
        url=_notice_link(notice),
    )
    return notice


def _notice_step(
    *,
    notice: SupervisionNotice,
    by: User,
    expected_version: int,
    step: str,
    refused: str,
    apply: Callable[[SupervisionNotice], Sequence[str]],
    verb: AuditVerb,
    tell: tuple[Callable[[], Iterable[User]], str, Callable[[SupervisionNotice], str]],
) -> SupervisionNotice:
    with transaction.atomic():
        current = _lock(SupervisionNotice, notice)
        require(by, NOTICE_FLOW[step].perm, current)
        _check_version(current, expected_version, "notice")
        if not NOTICE_FLOW[step].state_allows(by, current):
            raise DeliveryError(refused % {"status": current.get_status_display()})
        fields = apply(current)
        _write_versioned(current, fields, "notice")
        _notice_audit(current, by, verb)
        recipients, kind, message = tell
        notify(recipients, kind=kind, message=lambda: message(current), url=_notice_link(current))
    _copy_into(notice, current)
    return current


def _notice_office(notice: SupervisionNotice) -> Callable[[], list[User]]:
    def users() -> list[User]:
        issuer = User.objects.filter(pk__in=[notice.issued_by_id], is_active=True).first()
        return [issuer] if issuer is not None else office_users()

    return users


def notice_reply(
    *, notice: SupervisionNotice, by: User, explanation: str, catch_up_plan: str, expected_version: int
) -> SupervisionNotice:
    """The department (its reporter or head) explains and gives a catch-up plan."""
    explanation, catch_up_plan = _text(explanation), _text(catch_up_plan)
    errors: dict[str, list[str]] = {}
    if not explanation:
        errors["explanation"] = [_("Explain why the item is behind.")]
    if not catch_up_plan:
        errors["catch_up_plan"] = [_("Say how the department will catch up.")]
    if errors:
        raise DeliveryError(errors)

    def apply(current: SupervisionNotice) -> Sequence[str]:
        current.explanation = explanation
        current.catch_up_plan = catch_up_plan
        current.replied_at = timezone.now()
        current.replied_by = actor(by)
        current.status = SupervisionNotice.Status.ANSWERED
        return ("explanation", "catch_up_plan", "replied_at", "replied_by", "status")

    item = Item.objects.get(pk=notice.item_id)
    return _notice_step(
        notice=notice,
        by=by,
        expected_version=expected_version,
        step="reply",
        refused=_("This notice is %(status)s; it takes no reply now."),
        apply=apply,
        verb=AuditVerb.NOTICE_REPLY,
        tell=(
            _notice_office(notice),
            NotificationKind.NOTICE_REPLIED,
            lambda current: (
                _("%(department)s answered the supervision notice on %(item)s.")
                % {"department": current.department.name, "item": item_label(item)}
            ),
        ),
    )


def notice_close(
    *, notice: SupervisionNotice, by: User, note: str = "", expected_version: int
) -> SupervisionNotice:
    """The office closes a notice (satisfied with the answer, or the item caught up)."""
    note = _text(note)

    def apply(current: SupervisionNotice) -> Sequence[str]:
        current.status = SupervisionNotice.Status.CLOSED
        current.resolution = note
        current.resolved_at = timezone.now()
        return ("status", "resolution", "resolved_at")

    item = Item.objects.get(pk=notice.item_id)
    return _notice_step(
        notice=notice,
        by=by,
        expected_version=expected_version,
        step="close",
        refused=_("This notice is already %(status)s."),
        apply=apply,
        verb=AuditVerb.NOTICE_CLOSE,
        tell=(
            _notice_members(notice),
            NotificationKind.NOTICE_CLOSED,
            lambda current: (
                _("The office closed the supervision notice on %(item)s.") % {"item": item_label(item)}
            ),
        ),
    )


def notice_escalate(
    *, notice: SupervisionNotice, by: User, note: str, expected_version: int
) -> SupervisionNotice:
    """The office escalates a notice (no or no satisfying answer); the department may answer again."""
    note = _text(note)
    if not note:
        raise DeliveryError({"note": [_("Say why the notice is escalated.")]})

    def apply(current: SupervisionNotice) -> Sequence[str]:
        current.status = SupervisionNotice.Status.ESCALATED
        current.resolution = note
        current.resolved_at = timezone.now()
        return ("status", "resolution", "resolved_at")

    item = Item.objects.get(pk=notice.item_id)
    return _notice_step(
        notice=notice,
        by=by,
        expected_version=expected_version,
        step="escalate",
        refused=_("This notice is %(status)s; it cannot be escalated."),
        apply=apply,
        verb=AuditVerb.NOTICE_ESCALATE,
        tell=(
            _notice_members(notice),
            NotificationKind.NOTICE_ESCALATED,
            lambda current: (
                _("The office escalated the supervision notice on %(item)s: %(note)s")
                % {"item": item_label(item), "note": note}
            ),
        ),
    )
