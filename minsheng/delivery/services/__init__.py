"""Writes for delivery. Every function runs in one transaction, checks permission through rules, validates,
records an audit event (minsheng.accounts.services.audit_record) and notifies (minsheng.notifications) after
the commit.

Views, the Excel loader, the CLI and the demo call these. Errors:

- ``DeliveryError`` (a ValidationError subclass): bad input or a step the flow does not allow. Its
  ``messages`` are for the user (``message_dict`` maps fields to messages where a field is to blame);
  nothing was changed.
- ``PermissionDenied`` (django.core.exceptions): the user may not do this to this object.
- ``ConflictError``: someone else changed the record first (``expected_version`` is stale); one write wins.
  ``error.current`` is the record as it is now.

Reports and notices carry a ``version`` that every write increases. A write names the version the user
saw (``expected_version``); the service locks the row (``SELECT … FOR UPDATE``), compares, and writes with
a conditional ``UPDATE … WHERE version = expected``, so of two people acting at once one wins and the other
gets a :class:`ConflictError`.

The writes, by family (each module states its part): :mod:`.settings` (delivery settings, assignment,
planned schedules), :mod:`.reports` (a report's steps, figures recorded by the office), :mod:`.evidence`,
:mod:`.notices` (supervision notices), :mod:`.reminders`; :mod:`._core` holds what they share. Every name
is re-exported here, so callers import from ``minsheng.delivery.services``.
"""

from __future__ import annotations

from minsheng.common.errors import ConflictError
from minsheng.delivery.services._core import (
    DUE_SOON_DAYS,
    MAX_EVIDENCE_BYTES,
    MAX_EVIDENCE_PER_REPORT,
    DeliveryError,
)
from minsheng.delivery.services.evidence import (
    evidence_add,
    evidence_download_name,
    evidence_kind,
    evidence_remove,
)
from minsheng.delivery.services.notices import (
    notice_close,
    notice_escalate,
    notice_issue,
    notice_reply,
)
from minsheng.delivery.services.reminders import (
    REMINDER_SCHEDULE_NAME,
    REMINDER_TASK,
    reminder_schedule_install,
    reminders_send,
)
from minsheng.delivery.services.reports import (
    FarOffFigure,
    report_accept,
    report_approve,
    report_publish_set,
    report_record_accepted,
    report_return,
    report_save,
    report_submit,
)
from minsheng.delivery.services.settings import (
    assignment_set,
    delivery_settings_set,
    delivery_settings_validate,
    target_schedule_set,
)

__all__ = [
    "DUE_SOON_DAYS",
    "MAX_EVIDENCE_BYTES",
    "MAX_EVIDENCE_PER_REPORT",
    "REMINDER_SCHEDULE_NAME",
    "REMINDER_TASK",
    "ConflictError",
    "DeliveryError",
    "FarOffFigure",
    "assignment_set",
    "delivery_settings_set",
    "delivery_settings_validate",
    "evidence_add",
    "evidence_download_name",
    "evidence_kind",
    "evidence_remove",
    "notice_close",
    "notice_escalate",
    "notice_issue",
    "notice_reply",
    "reminder_schedule_install",
    "reminders_send",
    "report_accept",
    "report_approve",
    "report_publish_set",
    "report_record_accepted",
    "report_return",
    "report_save",
    "report_submit",
    "target_schedule_set",
]
