"""Helpers shared by the test_services_* test modules."""

from __future__ import annotations

from minsheng.accounts.models import AuditEvent
from minsheng.delivery.models import (
    ProgressReport,
    ReportEvent,
)


def _state(report: ProgressReport) -> tuple:
    """What a refused write must leave alone: the row and its history."""
    fresh = ProgressReport.objects.get(pk=report.pk)
    return (
        fresh.status,
        fresh.version,
        fresh.actual,
        fresh.stage,
        fresh.return_reason,
        fresh.published,
        ReportEvent.objects.filter(report=report).count(),
        AuditEvent.objects.count(),
    )
