"""Where each person works (docs/stages.md): the page they land on after signing in, and the site menu in
every page's header. Both read the same rules, so a menu entry shows only where its page would open."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from minsheng.accounts.models import User
from minsheng.notifications.selectors import unread_count
from minsheng.voting.selectors import open_work_for


@dataclass(frozen=True)
class MenuEntry:
    url: str
    label: str
    key: str  # a stable name, for the tests and the current page's mark


def is_office(user: Any) -> bool:
    return bool(user.has_perm("delivery.view_delivery_status"))


def is_department(user: Any) -> bool:
    return bool(user.has_perm("delivery.view_workspace"))


def takes_part(user: Any) -> bool:
    """A deputy or a member of the public: suggestions, comments, ballots and ratings of their own."""
    return bool(user.is_authenticated and user.role in (User.Role.DEPUTY, User.Role.PUBLIC))


def landing_url(*, user: Any, now: dt.datetime) -> str:
    """The page a person lands on after signing in: the office its delivery home, a department its
    workspace, a deputy the open ballot (or rating) awaiting them, the public their own suggestions."""
    if not user.is_authenticated:
        return reverse("portal:home")
    if is_office(user):
        return reverse("delivery:home")
    if is_department(user):
        return reverse("delivery:workspace")
    if user.role == User.Role.DEPUTY and (work := open_work_for(user=user, now=now)) is not None:
        kind, plan_id = work
        return reverse("voting:vote" if kind == "vote" else "voting:rating", args=[plan_id])
    if takes_part(user):
        return reverse("participation:mine")
    return reverse("portal:home")


def menu_entries(*, user: Any, now: dt.datetime, unread: int | None = None) -> list[MenuEntry]:
    """What this person's role can do, in the order they need it (no query for a visitor; at most three
    for a signed-in person)."""
    entries = [MenuEntry(reverse("portal:home"), _("All plans"), "plans")]
    if not user.is_authenticated:
        return entries
    if is_office(user):
        entries += [
            MenuEntry(reverse("delivery:home"), _("Delivery dashboards"), "delivery"),
            MenuEntry(reverse("participation:screening"), _("Suggestions to screen"), "screening"),
            MenuEntry(reverse("participation:moderation"), _("Comments to moderate"), "moderation"),
        ]
        if user.has_perm("accounts.view_audit"):
            entries.append(MenuEntry(reverse("audit:trail"), _("Audit trail"), "audit"))
    if is_department(user):
        entries.append(MenuEntry(reverse("delivery:workspace"), _("My department's work"), "workspace"))
    if takes_part(user):
        work = open_work_for(user=user, now=now)
        if work is not None and work[0] == "vote":
            entries.append(MenuEntry(reverse("voting:vote", args=[work[1]]), _("Your ballot"), "ballot"))
        elif work is not None:
            entries.append(MenuEntry(reverse("voting:rating", args=[work[1]]), _("Rate the items"), "rating"))
        entries.append(MenuEntry(reverse("participation:mine"), _("My suggestions and comments"), "mine"))
    if unread is None:
        unread = unread_count(user=user)
    label = _("Notifications")
    if unread:
        label = _("Notifications (%(count)s unread)") % {"count": unread}
    entries.append(MenuEntry(reverse("notifications:inbox"), label, "inbox"))
    return entries
