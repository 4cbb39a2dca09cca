"""Jobs django-q2 runs on a schedule (``minsheng remind --install-schedule``; ``minsheng qcluster`` runs them)."""

from __future__ import annotations

from django.utils import timezone

from minsheng.delivery.services import reminders_send


def send_reminders() -> dict[str, int]:
    """Today's due-soon and overdue reminders (each sent once; running twice a day is harmless)."""
    return reminders_send(today=timezone.localdate())
