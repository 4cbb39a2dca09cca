"""Helpers shared by the test_views_* test modules."""

from __future__ import annotations

import datetime as dt
import io

from PIL import Image

from minsheng.delivery import services
from minsheng.delivery.models import (
    SupervisionNotice,
)
from minsheng.testing import sign_in

ROLES = (
    "office",
    "reporter",
    "head",
    "support_reporter",
    "other_reporter",
    "deputy",
    "public",
    "anonymous",
)


def _as(client, world, role):
    """The client signed in as one of the world's users (or nobody), reading English."""
    client.logout()
    if role != "anonymous":
        sign_in(client, getattr(world, role))
    client.cookies["django_language"] = "en"
    return client


def _notice(world, **kwargs) -> SupervisionNotice:
    return services.notice_issue(
        item=world.item,
        by=world.office,
        reason=kwargs.get("reason", "进度滞后"),
        demand="说明原因",
        reply_deadline=dt.date(2099, 1, 31),
    )


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(out, format="PNG")
    return out.getvalue()
