"""Delivery's notifications move to the one notifications app (notifications.Notification); then delivery's
own table goes.

Ids are not kept (the two old tables' ids overlap); everything else is, ``created_at`` included. Dedupe
keys are copied as they are: every key starts with its kind ("report_due_soon:…", "report_overdue:…",
"item_changed:…") and no kind belonged to both apps, so keys cannot collide. Reversible: the rows of delivery's
kinds go back to its table (with new ids). Historical models only; no app code is imported."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import migrations

BATCH = 1000
FIELDS = ("user_id", "kind", "message", "url", "created_at", "read_at", "dedupe_key")


def _copy(source: Any, target: Any, rows: Iterable[Any], *, with_item: bool) -> None:
    created_at = target._meta.get_field("created_at")
    stamps, created_at.auto_now_add = created_at.auto_now_add, False  # keep the old moments
    try:
        batch = []
        for row in rows:
            values = {name: getattr(row, name) for name in FIELDS}
            if with_item:
                values["item_id"] = row.item_id
            batch.append(target(**values))
            if len(batch) >= BATCH:
                target.objects.bulk_create(batch)
                batch = []
        target.objects.bulk_create(batch)
    finally:
        created_at.auto_now_add = stamps


def rows_move_in(apps: Any, app_label: str, *, with_item: bool) -> None:
    """Copy every row of ``<app_label>.Notification`` into notifications.Notification."""
    old = apps.get_model(app_label, "Notification")
    new = apps.get_model("notifications", "Notification")
    _copy(old, new, old.objects.order_by("id").iterator(chunk_size=BATCH), with_item=with_item)


def rows_move_back(apps: Any, app_label: str, kinds: Iterable[str], *, with_item: bool) -> None:
    """The reverse: the rows of ``kinds`` go back to ``<app_label>.Notification`` and leave the new table."""
    old = apps.get_model(app_label, "Notification")
    new = apps.get_model("notifications", "Notification")
    rows = new.objects.filter(kind__in=list(kinds)).order_by("id")
    _copy(new, old, rows.iterator(chunk_size=BATCH), with_item=with_item)
    rows.delete()


# The kinds that were delivery's, which go back to its table when this migration is reversed.
KINDS = (
    "item_assigned",
    "report_submitted",
    "report_approved",
    "report_returned",
    "report_accepted",
    "report_due_soon",
    "report_overdue",
    "notice_issued",
    "notice_replied",
    "notice_closed",
    "notice_escalated",
    "rating_flagged",
)


def forwards(apps: Any, schema_editor: Any) -> None:
    rows_move_in(apps, "delivery", with_item=False)


def backwards(apps: Any, schema_editor: Any) -> None:
    rows_move_back(apps, "delivery", KINDS, with_item=False)


class Migration(migrations.Migration):
    dependencies = [
        ("delivery", "0003_alter_notification_kind"),
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards, elidable=True),
        migrations.DeleteModel(name="Notification"),
    ]
