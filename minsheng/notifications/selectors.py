"""Reads of notifications: a person's inbox and its unread count (one query each)."""

from __future__ import annotations

from typing import Any

from minsheng.notifications.models import Notification


def notification_list(*, user: Any, unread_only: bool = False, limit: int = 100) -> list[Notification]:
    """The user's notifications, newest first (1 query); none for an anonymous visitor."""
    if not user.is_authenticated:
        return []
    notifications = Notification.objects.filter(user_id=user.pk)
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    return list(notifications.order_by("-created_at", "-id")[:limit])


def unread_count(*, user: Any) -> int:
    """How many of the user's notifications are unread (the navigation's badge); 0 for a visitor."""
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(user_id=user.pk, read_at__isnull=True).count()


def request_unread_count(request: Any) -> int:
    """The requesting person's unread count, counted once per request: the site menu and a section's bar
    both show it on the same page."""
    if not hasattr(request, "_unread_count"):
        request._unread_count = unread_count(user=request.user)
    return int(request._unread_count)
