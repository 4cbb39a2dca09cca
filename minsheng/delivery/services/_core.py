"""What the delivery services share: ``DeliveryError``, input cleaning (text, figures, dates), versioned
writes under a lock (a stale ``expected_version`` is a ``ConflictError``), a report's history and audit
event, links for notifications, and the members of departments."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from minsheng.accounts.audit import AuditVerb
from minsheng.accounts.models import User
from minsheng.accounts.services import audit_record, audit_update
from minsheng.common import services as common
from minsheng.common.errors import ConflictError
from minsheng.common.services import actor, link
from minsheng.delivery.models import (
    DeliverySettings,
    Evidence,
    ProgressReport,
    ReportEvent,
    SupervisionNotice,
)
from minsheng.delivery.selectors import (
    delivery_start,
    item_has_money,
    stages_of,
)
from minsheng.plans.models import Target

if TYPE_CHECKING:
    pass


MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
MAX_EVIDENCE_PER_REPORT = 20
DUE_SOON_DAYS = 3
_FOUR_PLACES = Decimal("0.0001")
_TWO_PLACES = Decimal("0.01")
_MAX_FIGURE = Decimal(10) ** 16


class DeliveryError(ValidationError):
    """Bad input or a step the flow does not allow; the message is for the user; nothing was changed."""


# --- helpers ---------------------------------------------------------------------------------------------

_clean = partial(common.clean, error=DeliveryError)
_lock = partial(common.lock, error=DeliveryError)


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _number(value: Any, *, field: str, places: Decimal = _FOUR_PLACES) -> Decimal | None:
    """A figure from a form, a sheet or code: None or "" is no figure; anything else must be a number ≥ 0."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise DeliveryError({field: [_("“%(value)s” is not a number.") % {"value": value}]})
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        raise DeliveryError({field: [_("“%(value)s” is not a number.") % {"value": value}]}) from None
    if not number.is_finite():
        raise DeliveryError({field: [_("“%(value)s” is not a number.") % {"value": value}]})
    if number < 0:
        raise DeliveryError({field: [_("The figure cannot be negative.")]})
    if number >= _MAX_FIGURE:
        raise DeliveryError({field: [_("The figure is too large.")]})
    return number.quantize(places)


def _date(value: Any, *, field: str) -> dt.date:
    if isinstance(value, dt.datetime):
        raise DeliveryError({field: [_("Give a date, not a date and time.")]})
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(_text(value))
    except ValueError:
        raise DeliveryError(
            {field: [_("“%(value)s” is not a date (write 2025-06-30).") % {"value": value}]}
        ) from None


def _current_target(target: Target) -> Target:
    """The target, fresh, with its item and plan; refused when it or its item left the plan."""
    fresh = Target.objects.select_related("item__plan__region").filter(pk=target.pk).first()
    if fresh is None or fresh.removed_in_id is not None or fresh.item.removed_in_id is not None:
        raise DeliveryError(_("This target is no longer in the plan; it cannot be reported on."))
    return fresh


def _figure(
    *,
    target: Target,
    period_end: Any,
    actual: Any,
    stage: str,
    funds_spent: Any,
    today: dt.date,
    settings: DeliverySettings,
) -> tuple[dt.date, Decimal | None, str, Decimal | None]:
    """Check a figure against its target: a stage of the plan for a milestone, a number ≥ 0 for a quantity,
    funds only where the item states money, a date from the start of delivery to today."""
    plan = target.item.plan
    period_end = _date(period_end, field="period_end")
    start = delivery_start(plan=plan, settings=settings)
    if period_end > today:
        raise DeliveryError(
            {
                "period_end": [
                    _("The as-of date %(date)s is in the future.") % {"date": period_end.isoformat()}
                ]
            }
        )
    if period_end < start:
        raise DeliveryError(
            {
                "period_end": [
                    _("The as-of date %(date)s is before delivery starts (%(start)s).")
                    % {"date": period_end.isoformat(), "start": start.isoformat()}
                ]
            }
        )
    stage = _text(stage)
    if target.kind == Target.Kind.MILESTONE:
        if _text(actual):
            raise DeliveryError(
                {"actual": [_("This target is a milestone: give the stage reached, not a number.")]}
            )
        if not stage:
            raise DeliveryError({"stage": [_("Give the stage reached.")]})
        names = [name for name, _share in stages_of(settings)]
        if stage not in names:
            raise DeliveryError(
                {"stage": [_("“%(stage)s” is not one of this plan's stages.") % {"stage": stage}]}
            )
        number = None
    else:
        if stage:
            raise DeliveryError(
                {"stage": [_("This target is a quantity: give the cumulative actual, not a stage.")]}
            )
        number = _number(actual, field="actual")
        if number is None:
            raise DeliveryError({"actual": [_("Give the cumulative actual.")]})
    funds = _number(funds_spent, field="funds_spent", places=_TWO_PLACES)
    if funds is not None and not item_has_money(target.item):
        raise DeliveryError({"funds_spent": [_("This item states no money; leave the funds spent empty.")]})
    return period_end, number, stage, funds


def _snapshot(report: ProgressReport) -> dict[str, Any]:
    return {
        "period_end": report.period_end.isoformat(),
        "actual": None if report.actual is None else str(report.actual),
        "stage": report.stage,
        "narrative": report.narrative,
        "funds_spent": None if report.funds_spent is None else str(report.funds_spent),
        "status": report.status,
        "published": report.published,
        "return_reason": report.return_reason,
        "version": report.version,
        "evidence": [
            {"name": name, "sha256": sha}
            for name, sha in Evidence.objects.filter(report_id=report.pk)
            .order_by("id")
            .values_list("original_name", "sha256")
        ],
    }


# A report's history step (ReportEvent.action) and the verb of its audit event.
_REPORT_VERB = {
    "create": AuditVerb.REPORT_CREATE,
    "edit": AuditVerb.REPORT_EDIT,
    "submit": AuditVerb.REPORT_SUBMIT,
    "approve": AuditVerb.REPORT_APPROVE,
    "accept": AuditVerb.REPORT_ACCEPT,
    "return": AuditVerb.REPORT_RETURN,
    "publish": AuditVerb.REPORT_PUBLISH,
    "unpublish": AuditVerb.REPORT_UNPUBLISH,
    "record": AuditVerb.REPORT_RECORD,
    "evidence_add": AuditVerb.REPORT_EVIDENCE_ADD,
    "evidence_remove": AuditVerb.REPORT_EVIDENCE_REMOVE,
}


def _event(
    report: ProgressReport, *, by: User | None, action: str, from_status: str, note: str = ""
) -> ReportEvent:
    event = ReportEvent(
        report=report,
        by=actor(by),
        action=action,
        from_status=from_status,
        to_status=report.status,
        note=note,
        snapshot=_snapshot(report),
    )
    _clean(event)
    event.save()
    audit_record(
        actor=by,
        verb=_REPORT_VERB[action],
        obj=report,
        details={
            "from": from_status,
            "to": report.status,
            "version": report.version,
            "target": report.target_id,
            "period_end": report.period_end.isoformat(),
            **({"note": note} if note else {}),
        },
    )
    return event


def _conflict_message(what: str) -> str:
    if what == "notice":
        return _(
            "Someone else changed this supervision notice after you opened it. "
            "Reload it to see what they did, then try again."
        )
    return _(
        "Someone else changed this report after you opened it. Reload it to see what they did, then try again."
    )


def _check_version(current: Any, expected_version: int | None, what: str) -> None:
    if expected_version is not None and current.version != expected_version:
        raise ConflictError(_conflict_message(what), current=current)


def _write_versioned(obj: Any, fields: Sequence[str], what: str) -> None:
    """Validate and write ``fields`` of ``obj`` if its row still has the version ``obj`` was read at, and
    increase the version; otherwise someone else wrote first."""
    _clean(obj)
    values = {name: getattr(obj, name) for name in fields}
    if hasattr(obj, "updated_at"):
        obj.updated_at = values["updated_at"] = timezone.now()
    written = audit_update(
        type(obj).objects.filter(pk=obj.pk, version=obj.version), version=F("version") + 1, **values
    )
    if written != 1:
        raise ConflictError(_conflict_message(what), current=type(obj).objects.filter(pk=obj.pk).first())
    obj.version += 1


def _copy_into(target: models.Model | None, source: models.Model) -> None:
    """Bring the caller's instance up to date with what was written."""
    if target is None or target is source:
        return
    for model_field in source._meta.concrete_fields:
        setattr(target, model_field.attname, getattr(source, model_field.attname))


# --- notifications ---------------------------------------------------------------------------------------


def _item_link(item_id: int) -> str:
    return link("delivery:item", item_id, fallback=("portal:item", (item_id,)))


def _report_link(report: ProgressReport, item_id: int) -> str:
    return link("delivery:report", report.pk, fallback=("delivery:item", (item_id,))) or _item_link(item_id)


def _notice_link(notice: SupervisionNotice) -> str:
    return link("delivery:notice", notice.pk) or _item_link(notice.item_id)


def _department_users(department_ids: Iterable[int | None], roles: Iterable[str]) -> list[User]:
    ids = [i for i in department_ids if i]
    if not ids:
        return []
    return list(
        User.objects.filter(is_active=True, department_id__in=ids, role__in=list(roles)).order_by("id")
    )
