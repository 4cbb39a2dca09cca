"""A progress report's life: the reporter saves a draft, submits it, the department head approves it, the
office accepts it (and publishes or withdraws its figure), or it is returned with a reason; and figures the
office records directly (from a sheet or by hand).

Each step is one :func:`_transition`: lock the row, check the rule and the state (both from
``delivery.workflows.REPORT_FLOW``), check the version the user saw, write, record the history and the
audit event, and tell the people the step concerns after the commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minsheng.accounts.models import User
from minsheng.accounts.selectors import office_users
from minsheng.common.services import actor, item_label, require
from minsheng.delivery.models import (
    ProgressReport,
    ReportStatus,
)
from minsheng.delivery.rules import returns_as_office
from minsheng.delivery.selectors import (
    delivery_settings_get,
    figure_warnings,
    report_warnings,
)
from minsheng.delivery.workflows import REPORT_FLOW
from minsheng.notifications.models import NotificationKind
from minsheng.notifications.services import notify
from minsheng.plans.models import Item, ItemDepartment, Target

if TYPE_CHECKING:
    pass
from minsheng.delivery.services._core import (
    DeliveryError,
    _check_version,
    _clean,
    _copy_into,
    _current_target,
    _department_users,
    _event,
    _figure,
    _lock,
    _report_link,
    _text,
    _write_versioned,
)

# --- progress reports ------------------------------------------------------------------------------------


def report_save(
    *,
    target: Target,
    by: User,
    period_end: dt.date,
    actual: Decimal | None = None,
    stage: str = "",
    narrative: str = "",
    funds_spent: Decimal | None = None,
    report: ProgressReport | None = None,
    expected_version: int | None = None,
    today: dt.date | None = None,
) -> ProgressReport:
    """Create or update a draft (or returned) report of the reporter's department for one target.

    A new report needs ``report=None``; changing one needs the report and the version the user saw
    (``expected_version``, default the instance's). Saving a returned report makes it a draft again."""
    today = today or timezone.localdate()
    with transaction.atomic():
        if report is None:
            require(by, "delivery.add_report", target)
            target = _current_target(target)
            settings = delivery_settings_get(plan=target.item.plan)
            period_end, number, stage, funds = _figure(
                target=target,
                period_end=period_end,
                actual=actual,
                stage=stage,
                funds_spent=funds_spent,
                today=today,
                settings=settings,
            )
            existing = (
                ProgressReport.objects.select_related("department")
                .filter(target=target, period_end=period_end)
                .first()
            )
            if existing is not None:
                if existing.department_id == by.department_id:
                    message = _(
                        "A report for this target as of %(date)s already exists; open it to change it."
                    )
                else:
                    message = _("%(department)s has already reported this target as of %(date)s.")
                raise DeliveryError(
                    message
                    % {
                        "date": period_end.isoformat(),
                        "department": existing.department.name if existing.department else _("The office"),
                    }
                )
            new = ProgressReport(
                target=target,
                department_id=by.department_id,
                period_end=period_end,
                actual=number,
                stage=stage,
                narrative=_text(narrative),
                funds_spent=funds,
                created_by=actor(by),
            )
            _clean(new)
            try:
                with transaction.atomic():
                    new.save()
            except IntegrityError:  # someone reported the same target and date a moment ago
                raise DeliveryError(
                    _("A report for this target as of %(date)s already exists.")
                    % {"date": period_end.isoformat()}
                ) from None
            _event(new, by=by, action="create", from_status="")
            return new

        current = _lock(ProgressReport, report)
        require(by, REPORT_FLOW["edit"].perm, current)
        _check_version(current, report.version if expected_version is None else expected_version, "report")
        if not REPORT_FLOW["edit"].state_allows(by, current):
            raise DeliveryError(
                _("This report has been submitted (%(status)s); it can no longer be changed.")
                % {"status": current.get_status_display()}
            )
        if target.pk != current.target_id:
            raise DeliveryError(_("A report cannot move to another target."))
        target = _current_target(target)
        settings = delivery_settings_get(plan=target.item.plan)
        period_end, number, stage, funds = _figure(
            target=target,
            period_end=period_end,
            actual=actual,
            stage=stage,
            funds_spent=funds_spent,
            today=today,
            settings=settings,
        )
        from_status = current.status
        current.period_end = period_end
        current.actual = number
        current.stage = stage
        current.narrative = _text(narrative)
        current.funds_spent = funds
        current.status = ReportStatus.DRAFT
        _write_versioned(
            current, ("period_end", "actual", "stage", "narrative", "funds_spent", "status"), "report"
        )
        _event(current, by=by, action="edit", from_status=from_status)
    _copy_into(report, current)
    return current


@dataclass(frozen=True)
class _Tell:
    """Who hears of a report's step, and what: ``message(report, item)`` is built in the site's language."""

    recipients: Callable[[ProgressReport], Iterable[User]]
    kind: str
    message: Callable[[ProgressReport, Item], str]


def _transition(
    *,
    report: ProgressReport,
    by: User,
    expected_version: int,
    step: str,
    refused: Callable[[ProgressReport], str],
    apply: Callable[[ProgressReport], Sequence[str]],
    action: str,
    note: str | Callable[[], str] = "",
    tell: _Tell | None = None,
) -> ProgressReport:
    """Lock, check who, check the version, check the state, write, record, and (after the commit) tell the
    people the step concerns: one step of the report flow."""
    with transaction.atomic():
        current = _lock(ProgressReport, report)
        require(by, REPORT_FLOW[step].perm, current)
        _check_version(current, expected_version, "report")
        if not REPORT_FLOW[step].state_allows(by, current):
            raise DeliveryError(refused(current))
        from_status = current.status
        fields = apply(current)
        _write_versioned(current, fields, "report")
        _event(
            current, by=by, action=action, from_status=from_status, note=note() if callable(note) else note
        )
        if tell is not None:
            item = _report_item(current)
            notify(
                lambda: tell.recipients(current),
                kind=tell.kind,
                message=lambda: tell.message(current, item),
                url=_report_link(current, item.pk),
            )
    _copy_into(report, current)
    return current


def _report_still_current(report: ProgressReport) -> None:
    target = Target.objects.select_related("item").get(pk=report.target_id)
    if target.removed_in_id is not None or target.item.removed_in_id is not None:
        raise DeliveryError(_("This target is no longer in the plan; the report cannot go further."))


def _report_item(report: ProgressReport) -> Item:
    return Item.objects.get(targets__pk=report.target_id)


def report_submit(*, report: ProgressReport, by: User, expected_version: int) -> ProgressReport:
    """The reporter hands a draft (or a returned report) to the department head."""

    def apply(current: ProgressReport) -> Sequence[str]:
        _report_still_current(current)
        current.status = ReportStatus.SUBMITTED
        return ("status",)

    tell = _Tell(
        recipients=lambda r: _department_users([r.department_id], [User.Role.DEPT_HEAD]),
        kind=NotificationKind.REPORT_SUBMITTED,
        message=lambda r, item: (
            _("A report on %(item)s as of %(date)s awaits your approval.")
            % {"item": item_label(item), "date": r.period_end.isoformat()}
        ),
    )

    return _transition(
        report=report,
        by=by,
        expected_version=expected_version,
        step="submit",
        refused=lambda r: (
            _("Only a draft or a returned report can be submitted; this one is %(status)s.")
            % {"status": r.get_status_display()}
        ),
        apply=apply,
        action="submit",
        tell=tell,
    )


def report_approve(*, report: ProgressReport, by: User, expected_version: int) -> ProgressReport:
    """The department head passes a submitted report on to the office."""

    def apply(current: ProgressReport) -> Sequence[str]:
        _report_still_current(current)
        current.status = ReportStatus.APPROVED
        return ("status",)

    tell = _Tell(
        recipients=lambda r: office_users(),
        kind=NotificationKind.REPORT_APPROVED,
        message=lambda r, item: (
            _("%(department)s reports on %(item)s as of %(date)s; the report awaits acceptance.")
            % {
                "department": r.department.name if r.department else "",
                "item": item_label(item),
                "date": r.period_end.isoformat(),
            }
        ),
    )

    return _transition(
        report=report,
        by=by,
        expected_version=expected_version,
        step="approve",
        refused=lambda r: (
            _("Only a submitted report can be approved; this one is %(status)s.")
            % {"status": r.get_status_display()}
        ),
        apply=apply,
        action="approve",
        tell=tell,
    )


def report_accept(
    *,
    report: ProgressReport,
    by: User,
    expected_version: int,
    publish: bool = True,
    confirm_far_off: bool = False,
) -> ProgressReport:
    """The office accepts an approved report: its figure counts (and is published, unless ``publish=False``).

    A figure far off (more than three times its target, or a cumulative value below an earlier accepted
    one: ``selectors.report_warnings``) is accepted only with ``confirm_far_off=True``, the reviewer having
    seen the warning; otherwise the warning comes back as the error on ``confirm_far_off``."""
    confirmed: list[str] = []

    def apply(current: ProgressReport) -> Sequence[str]:
        _report_still_current(current)
        warnings = report_warnings(report=current)
        if warnings and not confirm_far_off:
            raise DeliveryError(
                {
                    "confirm_far_off": [
                        *warnings,
                        _("Check the figure with the department, then tick the box to accept it anyway."),
                    ]
                }
            )
        confirmed.extend(warnings)
        current.status = ReportStatus.ACCEPTED
        current.published = bool(publish)
        current.accepted_at = timezone.now()
        current.return_reason = ""
        return ("status", "published", "accepted_at", "return_reason")

    tell = _Tell(
        recipients=lambda r: _department_users([r.department_id], [User.Role.REPORTER]),
        kind=NotificationKind.REPORT_ACCEPTED,
        message=lambda r, item: (
            _("The office accepted your report on %(item)s as of %(date)s.")
            % {"item": item_label(item), "date": r.period_end.isoformat()}
        ),
    )

    return _transition(
        report=report,
        by=by,
        expected_version=expected_version,
        step="accept",
        refused=lambda r: (
            _("Only a report approved by the department head can be accepted; this one is %(status)s.")
            % {"status": r.get_status_display()}
        ),
        apply=apply,
        action="accept",
        note=lambda: "; ".join(
            [*(["published"] if publish else []), *(["confirmed far off"] if confirmed else [])]
        ),
        tell=tell,
    )


def report_return(*, report: ProgressReport, by: User, reason: str, expected_version: int) -> ProgressReport:
    """Send a report back to its reporter with a reason: the office an approved report, the department head
    a submitted one."""
    reason = _text(reason)
    if not reason:
        raise DeliveryError({"reason": [_("Say why the report is returned.")]})
    from_office = by is not None and returns_as_office(by)

    def apply(current: ProgressReport) -> Sequence[str]:
        current.status = ReportStatus.RETURNED
        current.return_reason = reason
        return ("status", "return_reason")

    tell = _Tell(
        recipients=lambda r: [
            *_department_users([r.department_id], [User.Role.REPORTER]),
            *User.objects.filter(pk__in=[r.created_by_id], is_active=True),
        ],
        kind=NotificationKind.REPORT_RETURNED,
        message=lambda r, item: (
            _("Your report on %(item)s as of %(date)s was returned: %(reason)s")
            % {"item": item_label(item), "date": r.period_end.isoformat(), "reason": reason}
        ),
    )

    def refused(current: ProgressReport) -> str:
        if from_office:
            message = _(
                "The office returns only reports approved by the department head; this one is %(status)s."
            )
        else:
            message = _("The department head returns only submitted reports; this one is %(status)s.")
        return message % {"status": current.get_status_display()}

    return _transition(
        report=report,
        by=by,
        expected_version=expected_version,
        step="return",
        refused=refused,
        apply=apply,
        action="return",
        note=reason,
        tell=tell,
    )


def report_publish_set(
    *, report: ProgressReport, by: User, published: bool, expected_version: int
) -> ProgressReport:
    """The office publishes an accepted figure, or withdraws it from the public pages."""

    def apply(current: ProgressReport) -> Sequence[str]:
        current.published = bool(published)
        return ("published",)

    return _transition(
        report=report,
        by=by,
        expected_version=expected_version,
        step="publish",
        refused=lambda r: (
            _("Only an accepted report can be published; this one is %(status)s.")
            % {"status": r.get_status_display()}
        ),
        apply=apply,
        action="publish" if published else "unpublish",
    )


class FarOffFigure(DeliveryError):
    """A figure far off its target or below an earlier one, not confirmed; the messages say which."""


def report_record_accepted(
    *,
    target: Target,
    by: User,
    period_end: dt.date,
    actual: Decimal | None = None,
    stage: str = "",
    narrative: str = "",
    source: str = "spreadsheet",
    funds_spent: Decimal | None = None,
    publish: bool = True,
    today: dt.date | None = None,
    confirm_far_off: bool = False,
) -> ProgressReport:
    """The office records an accepted figure directly (the Excel load): creates or replaces the report
    for (target, period_end) as accepted and published, with an event saying where it came from.

    A figure far off (more than three times its target, or a cumulative value below the one accepted for an
    earlier period) is recorded only with ``confirm_far_off=True``; otherwise :class:`FarOffFigure` says
    why, as for the accept step."""
    require(by, "delivery.record_accepted", target)
    today = today or timezone.localdate()
    with transaction.atomic():
        target = _current_target(target)
        settings = delivery_settings_get(plan=target.item.plan)
        period_end, number, stage, funds = _figure(
            target=target,
            period_end=period_end,
            actual=actual,
            stage=stage,
            funds_spent=funds_spent,
            today=today,
            settings=settings,
        )
        existing = (
            ProgressReport.objects.select_for_update().filter(target=target, period_end=period_end).first()
        )
        warnings = figure_warnings(
            target=target, actual=number, period_end=period_end, exclude=existing.pk if existing else None
        )
        if warnings and not confirm_far_off:
            raise FarOffFigure({"actual": warnings})
        note = _text(source) or "office"
        if warnings:
            note = f"{note}; confirmed far off"
        if existing is None:
            lead = (
                ItemDepartment.objects.filter(item_id=target.item_id, role=ItemDepartment.Role.LEAD)
                .values_list("department_id", flat=True)
                .first()
            )
            report = ProgressReport(
                target=target,
                department_id=lead,
                period_end=period_end,
                actual=number,
                stage=stage,
                narrative=_text(narrative),
                funds_spent=funds,
                status=ReportStatus.ACCEPTED,
                published=bool(publish),
                accepted_at=timezone.now(),
                created_by=actor(by),
            )
            _clean(report)
            report.save()
            _event(report, by=by, action="record", from_status="", note=note)
            return report
        from_status = existing.status
        existing.actual = number
        existing.stage = stage
        if _text(narrative):
            existing.narrative = _text(narrative)
        if funds is not None:
            existing.funds_spent = funds
        existing.status = ReportStatus.ACCEPTED
        existing.published = bool(publish)
        existing.accepted_at = timezone.now()
        existing.return_reason = ""
        _write_versioned(
            existing,
            (
                "actual",
                "stage",
                "narrative",
                "funds_spent",
                "status",
                "published",
                "accepted_at",
                "return_reason",
            ),
            "report",
        )
        _event(existing, by=by, action="record", from_status=from_status, note=note)
        return existing
