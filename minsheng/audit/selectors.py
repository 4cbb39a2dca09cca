"""Reads of the audit trail: the office's audit page (events with filters, a page at a time, and the same
rows streamed for the CSV export) and one object's history (its field changes, each with the verb of the
write that made it).

An :class:`~minsheng.accounts.models.AuditEvent` says who did what to which object and when; the
django-auditlog entries with the same correlation id (``cid``) hold the fields before and after. Each page
costs a fixed number of queries whatever the number of rows: the events (with their person), then the
changes of the events shown, in one query (with their content types).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone

from minsheng.accounts.models import AuditEvent

PER_PAGE = 50
EXPORT_CHUNK = 500


@dataclass(frozen=True)
class Filters:
    person: str = ""  # a user name
    object_type: str = ""  # an app_label.model label
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    verb: str = ""


@dataclass
class Row:
    """An audit event and the field changes of its write."""

    event: AuditEvent
    changes: list[LogEntry] = field(default_factory=list)


@dataclass
class HistoryRow:
    """One change of an object, with the audit event of the write that made it (None if there was none)."""

    change: LogEntry
    event: AuditEvent | None


def tracked_models() -> list[type[models.Model]]:
    """The models whose writes keep their fields before and after (``MINSHENG_AUDIT_TRACKED_MODELS``)."""
    return sorted(auditlog.get_models(), key=lambda model: model._meta.label_lower)


def object_types() -> list[tuple[str, str]]:
    """(label, name in the user's language) for the object-type filter: the tracked models."""
    return [(model._meta.label_lower, str(model._meta.verbose_name)) for model in tracked_models()]


def tracked_model(label: str) -> type[models.Model] | None:
    """The tracked model called ``label`` (``plans.item``), or None."""
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return None
    return model if auditlog.contains(model) else None


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def events_filtered(filters: Filters) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.select_related("actor").order_by("-created_at", "-id")
    if filters.person:
        events = events.filter(actor__username=filters.person)
    if filters.object_type:
        events = events.filter(object_type=filters.object_type)
    if filters.verb:
        events = events.filter(verb=filters.verb)
    if filters.date_from:
        events = events.filter(created_at__gte=_day_start(filters.date_from))
    if filters.date_to:
        events = events.filter(created_at__lt=_day_start(filters.date_to + dt.timedelta(days=1)))
    return events


def _changes_by_cid(cids: set[str]) -> dict[str, list[LogEntry]]:
    found: dict[str, list[LogEntry]] = defaultdict(list)
    cids.discard("")
    if not cids:
        return found
    changes = LogEntry.objects.select_related("content_type").filter(cid__in=cids).order_by("timestamp", "id")
    for change in changes:
        found[change.cid or ""].append(change)
    return found


def _rows(events: list[AuditEvent]) -> list[Row]:
    changes = _changes_by_cid({event.cid for event in events})
    return [Row(event=event, changes=changes.get(event.cid, []) if event.cid else []) for event in events]


def events_page(*, filters: Filters, page: int | str = 1) -> tuple[Page, list[Row]]:
    """A page of the audit page's events, newest first, each with the field changes of its write."""
    paginator = Paginator(events_filtered(filters), PER_PAGE)
    current = paginator.get_page(page)
    return current, _rows(list(current.object_list))


def events_export(*, filters: Filters) -> Iterator[Row]:
    """Every event the filters select, newest first, a chunk at a time (for the streamed CSV)."""
    chunk: list[AuditEvent] = []
    for event in events_filtered(filters).iterator(chunk_size=EXPORT_CHUNK):
        chunk.append(event)
        if len(chunk) == EXPORT_CHUNK:
            yield from _rows(chunk)
            chunk = []
    if chunk:
        yield from _rows(chunk)


def history_page(
    *, model: type[models.Model], object_pk: str, page: int | str = 1
) -> tuple[Page, list[HistoryRow]]:
    """A page of one object's changes, newest first, each with the verb of its write."""
    content_type = ContentType.objects.get_for_model(model)
    changes = (
        LogEntry.objects.select_related("actor", "content_type")
        .filter(content_type=content_type, object_pk=object_pk)
        .order_by("-timestamp", "-id")
    )
    paginator = Paginator(changes, PER_PAGE)
    current = paginator.get_page(page)
    entries = list(current.object_list)
    cids = {entry.cid for entry in entries if entry.cid}
    label = model._meta.label_lower
    events: dict[str, AuditEvent] = {}
    if cids:
        # A write's own event about this object first, else any event of the write.
        for event in AuditEvent.objects.filter(cid__in=cids).order_by("id"):
            same_object = event.object_type == label and event.object_id == object_pk
            if event.cid not in events or same_object:
                events[event.cid] = event
    return current, [HistoryRow(change=entry, event=events.get(entry.cid or "")) for entry in entries]


def history_object(*, model: type[models.Model], object_pk: str) -> Any:
    """The object itself if it still exists (its history outlives it), else None."""
    try:
        return model._default_manager.filter(pk=object_pk).first()
    except (ValueError, TypeError):
        return None
