"""The data migrations that moved delivery's and participation's notifications into the one table, run
forwards and backwards on real rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from minsheng.accounts.tests.factories import UserFactory
from minsheng.plans.tests.factories import ItemFactory

BEFORE = [
    ("delivery", "0003_alter_notification_kind"),
    ("participation", "0002_remove_notification_participation_notification_kind_and_more"),
    ("notifications", "0001_initial"),
]
AFTER = [
    ("delivery", "0004_notifications_move_to_notifications_app"),
    ("participation", "0003_notifications_move_to_notifications_app"),
]
MOMENT = dt.datetime(2025, 3, 1, 9, 30, tzinfo=dt.UTC)


def _migrate(targets: list[tuple[str, str]]):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_rows_move_into_the_one_table_and_back():
    reporter, resident = UserFactory(), UserFactory()
    item = ItemFactory()
    try:
        apps = _migrate(BEFORE)
        delivery = apps.get_model("delivery", "Notification")
        participation = apps.get_model("participation", "Notification")
        delivery.objects.create(
            user_id=reporter.pk,
            kind="report_due_soon",
            message="快到期",
            url="/delivery/items/1/",
            dedupe_key="report_due_soon:item1:2025-03-31",
        )
        delivery.objects.create(user_id=reporter.pk, kind="notice_issued", message="督办")
        participation.objects.create(
            user_id=resident.pk,
            kind="item_changed",
            message="变了",
            item_id=item.pk,
            dedupe_key="item_changed:v2:item1",
        )
        participation.objects.create(user_id=resident.pk, kind="vote_opened", message="投票")
        delivery.objects.update(created_at=MOMENT, read_at=MOMENT)
        participation.objects.update(created_at=MOMENT)

        apps = _migrate(AFTER)
        one = apps.get_model("notifications", "Notification")
        rows = {
            (n.user_id, n.kind): (n.message, n.url, n.dedupe_key, n.item_id, n.created_at, n.read_at)
            for n in one.objects.all()
        }
        assert rows == {
            (reporter.pk, "report_due_soon"): (
                "快到期",
                "/delivery/items/1/",
                "report_due_soon:item1:2025-03-31",
                None,
                MOMENT,
                MOMENT,
            ),
            (reporter.pk, "notice_issued"): ("督办", "", "", None, MOMENT, MOMENT),
            (resident.pk, "item_changed"): ("变了", "", "item_changed:v2:item1", item.pk, MOMENT, None),
            (resident.pk, "vote_opened"): ("投票", "", "", None, MOMENT, None),
        }

        apps = _migrate(BEFORE)
        delivery = apps.get_model("delivery", "Notification")
        participation = apps.get_model("participation", "Notification")
        assert sorted(delivery.objects.values_list("kind", "user_id", "created_at")) == [
            ("notice_issued", reporter.pk, MOMENT),
            ("report_due_soon", reporter.pk, MOMENT),
        ]
        assert sorted(participation.objects.values_list("kind", "item_id")) == [
            ("item_changed", item.pk),
            ("vote_opened", None),
        ]
        assert not apps.get_model("notifications", "Notification").objects.exists()
    finally:
        _migrate(AFTER)
