"""One notification model for the whole site: what a person is told, in the app (their inbox) and by mail.

Delivery, participation and voting all notify through :mod:`minsheng.notifications.services`; the kinds of
all of them are listed once here (docs/notifications.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    # delivery: reports, supervision notices, reminders; the rating's flags for the office
    ITEM_ASSIGNED = "item_assigned", _("Item assigned")
    REPORT_SUBMITTED = "report_submitted", _("Report awaiting approval")
    REPORT_APPROVED = "report_approved", _("Report awaiting acceptance")
    REPORT_RETURNED = "report_returned", _("Report returned")
    REPORT_ACCEPTED = "report_accepted", _("Report accepted")
    REPORT_DUE_SOON = "report_due_soon", _("Report due soon")
    REPORT_OVERDUE = "report_overdue", _("Report overdue")
    NOTICE_ISSUED = "notice_issued", _("Supervision notice issued")
    NOTICE_REPLIED = "notice_replied", _("Supervision notice answered")
    NOTICE_CLOSED = "notice_closed", _("Supervision notice closed")
    NOTICE_ESCALATED = "notice_escalated", _("Supervision notice escalated")
    RATING_FLAGGED = "rating_flagged", _("Items rated below the threshold")
    # participation: comments, suggestions, followed items; the vote and the rating for the deputies
    RESPONSE_POSTED = "response_posted", _("The office responded to your comment")
    COMMENT_REJECTED = "comment_rejected", _("Your comment was not published")
    ITEM_CHANGED = "item_changed", _("An item you follow changed")
    SUGGESTION_SCREENED = "suggestion_screened", _("Your suggestion was screened")
    SUGGESTION_LINKED = "suggestion_linked", _("Your suggestion became an item")
    VOTE_OPENED = "vote_opened", _("A vote is open")
    RATING_OPENED = "rating_opened", _("A year-end rating is open")


class Notification(models.Model):
    """Something a person is told: shown in their inbox until read, and mailed (docs/notifications.md)."""

    Kind = NotificationKind

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    message = models.TextField(_("message"))
    url = models.CharField(_("link"), max_length=300, blank=True)
    item = models.ForeignKey(
        "plans.Item",
        verbose_name=_("item"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    # What the notification is about, so that it is sent once per person: a reminder once per item, period
    # and kind ("report_due_soon:item12:2025-03-31"), an item's change once per version
    # ("item_changed:v3:item12"). Keys start with the kind, so those of different kinds never collide.
    dedupe_key = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=NotificationKind.values), name="notification_kind"),
            models.UniqueConstraint(
                fields=["user", "dedupe_key"], condition=~Q(dedupe_key=""), name="notification_once"
            ),
        ]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread_idx")]

    def __str__(self) -> str:
        return f"{self.user} · {self.kind}"
