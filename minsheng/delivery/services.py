"""Writes for delivery. Every function runs in one transaction, checks permission through rules, validates,
records an audit event (minsheng.accounts.services.audit_record) and queues notifications on commit.

INTERFACE (fixed; implementations to be written): views, the Excel loader, the CLI and the demo call these.
Errors: ``DeliveryError`` (a ValidationError subclass: a user-facing message, nothing changed),
``PermissionDenied`` (django.core.exceptions), ``ConflictError`` (someone else changed the record first).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from minsheng.accounts.models import User
    from minsheng.delivery.models import (
        Assignment,
        DeliverySettings,
        Evidence,
        ProgressReport,
        SupervisionNotice,
    )
    from minsheng.plans.models import Department, Item, Plan, Target


class DeliveryError(ValidationError):
    """Bad input or a step the flow does not allow; the message is for the user; nothing was changed."""


class ConflictError(Exception):
    """The record changed since the user loaded it (``expected_version`` is stale): one write wins."""


def delivery_settings_set(
    *,
    plan: Plan,
    by: User,
    yellow_gap: Decimal,
    red_gap: Decimal,
    stages: Sequence[tuple[str, float]] | None = None,
    start: dt.date | None = None,
) -> DeliverySettings:
    raise NotImplementedError


def assignment_set(
    *,
    item: Item,
    by: User,
    lead: Department,
    supporting: Sequence[Department] = (),
    official: str = "",
    deadline: dt.date | None = None,
    cadence: str = "monthly",
    due_day: int = 5,
) -> Assignment:
    """Assign an item: replaces its ItemDepartment rows (one lead, the supporting ones) and sets the rest.
    ``deadline`` defaults to 31 December of the plan's year."""
    raise NotImplementedError


def target_schedule_set(*, target: Target, by: User, planned: Mapping[tuple[int, int], Decimal]) -> None:
    """Replace a target's monthly planned cumulative values ({(year, month): value}); empty = linear."""
    raise NotImplementedError


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
) -> ProgressReport:
    """Create or update a draft (or returned) report of the reporter's department for one target."""
    raise NotImplementedError


def report_submit(*, report: ProgressReport, by: User, expected_version: int) -> ProgressReport:
    raise NotImplementedError


def report_approve(*, report: ProgressReport, by: User, expected_version: int) -> ProgressReport:
    raise NotImplementedError


def report_accept(
    *, report: ProgressReport, by: User, expected_version: int, publish: bool = True
) -> ProgressReport:
    raise NotImplementedError


def report_return(*, report: ProgressReport, by: User, reason: str, expected_version: int) -> ProgressReport:
    raise NotImplementedError


def report_record_accepted(
    *,
    target: Target,
    by: User,
    period_end: dt.date,
    actual: Decimal | None = None,
    stage: str = "",
    narrative: str = "",
    source: str = "spreadsheet",
) -> ProgressReport:
    """The office records an accepted figure directly (the Excel load): creates or replaces the report
    for (target, period_end) as accepted and published, with an event saying where it came from."""
    raise NotImplementedError


def evidence_add(*, report: ProgressReport, by: User, upload: UploadedFile) -> Evidence:
    """Attach a JPEG, PNG or PDF (checked by its bytes, at most 10 MB) to a report still in draft."""
    raise NotImplementedError


def notice_issue(
    *, item: Item, by: User, reason: str, demand: str, reply_deadline: dt.date
) -> SupervisionNotice:
    raise NotImplementedError


def notice_reply(
    *, notice: SupervisionNotice, by: User, explanation: str, catch_up_plan: str, expected_version: int
) -> SupervisionNotice:
    raise NotImplementedError


def notice_close(
    *, notice: SupervisionNotice, by: User, note: str = "", expected_version: int
) -> SupervisionNotice:
    raise NotImplementedError


def notice_escalate(
    *, notice: SupervisionNotice, by: User, note: str, expected_version: int
) -> SupervisionNotice:
    raise NotImplementedError


def reminders_send(*, today: dt.date) -> dict[str, int]:
    """Due-soon (3 days before the due date) and overdue reminders, in-app and by email, each once per
    (user, item, period, kind). Returns counts by kind."""
    raise NotImplementedError


def notifications_mark_read(*, user: User, ids: Sequence[int] | None = None) -> int:
    raise NotImplementedError
