"""Delivery: who delivers each item, on what schedule, what departments report, and the office's notices.

Completion and lights are not stored: selectors compute them from accepted reports with
:mod:`minsheng.delivery.schedule` (docs/delivery.md).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from minsheng.delivery.schedule import DEFAULT_STAGES


def default_stages() -> list[list[object]]:
    return [[name, share] for name, share in DEFAULT_STAGES]


class Stage(models.TextChoices):
    """Stages of a milestone target; their weights are the plan's (DeliverySettings.stages)."""

    APPROVED = "approved", _("Approved (立项)")
    TENDERED = "tendered", _("Tendered (招标)")
    STARTED = "started", _("Construction started (开工)")
    COMPLETED = "completed", _("Completed (完工)")
    ACCEPTED = "accepted", _("Accepted on inspection (验收)")


class Cadence(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")


class DeliverySettings(models.Model):
    """How a plan's delivery is judged: light thresholds, milestone stage weights, the year's start."""

    plan = models.OneToOneField(
        "plans.Plan", verbose_name=_("plan"), on_delete=models.CASCADE, related_name="delivery_settings"
    )
    start = models.DateField(_("delivery starts"), null=True, blank=True, help_text=_("Default: 1 January."))
    yellow_gap = models.DecimalField(
        _("yellow when behind by more than"), max_digits=4, decimal_places=3, default=0.10
    )
    red_gap = models.DecimalField(
        _("red when behind by more than"), max_digits=4, decimal_places=3, default=0.25
    )
    stages = models.JSONField(_("milestone stage weights"), default=default_stages)

    class Meta:
        verbose_name = _("delivery settings")
        verbose_name_plural = _("delivery settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(yellow_gap__gte=0) & Q(yellow_gap__lte=models.F("red_gap")) & Q(red_gap__lte=1),
                name="delivery_settings_gaps_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} · delivery settings"


class Assignment(models.Model):
    """The office's assignment of an item (交办). Departments themselves are plans.ItemDepartment rows
    (one lead, any number supporting); this holds the rest."""

    item = models.OneToOneField(
        "plans.Item", verbose_name=_("item"), on_delete=models.CASCADE, related_name="delivery_assignment"
    )
    official = models.CharField(_("responsible official"), max_length=100, blank=True)
    deadline = models.DateField(_("completion deadline"))
    cadence = models.CharField(
        _("reporting cadence"), max_length=16, choices=Cadence.choices, default=Cadence.MONTHLY
    )
    due_day = models.PositiveSmallIntegerField(
        _("reports due on day"), default=5, help_text=_("Day of the month after each period ends (1–28).")
    )
    assigned_at = models.DateTimeField(_("assigned"), auto_now_add=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.CheckConstraint(
                condition=Q(due_day__gte=1, due_day__lte=28), name="delivery_assignment_due_day"
            ),
            models.CheckConstraint(
                condition=Q(cadence__in=Cadence.values), name="delivery_assignment_cadence"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item} · {self.deadline}"


class PlannedValue(models.Model):
    """The office's custom schedule: the cumulative value (or, for a milestone, share 0..1) planned by the
    end of a month. Where a target has none, the schedule is linear."""

    target = models.ForeignKey(
        "plans.Target", verbose_name=_("target"), on_delete=models.CASCADE, related_name="planned_values"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    value = models.DecimalField(_("planned cumulative value"), max_digits=20, decimal_places=4)

    class Meta:
        verbose_name = _("planned value")
        verbose_name_plural = _("planned values")
        ordering = ["target", "year", "month"]
        constraints = [
            models.UniqueConstraint(fields=["target", "year", "month"], name="delivery_plannedvalue_unique"),
            models.CheckConstraint(
                condition=Q(month__gte=1, month__lte=12), name="delivery_plannedvalue_month"
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="delivery_plannedvalue_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.target_id} {self.year}-{self.month:02d}: {self.value}"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted to the department head")
    APPROVED = "approved", _("Approved by the department head")
    RETURNED = "returned", _("Returned by the office")
    ACCEPTED = "accepted", _("Accepted")


class ProgressReport(models.Model):
    """A department's figure for one target as of the end of a reporting period (进度报送).

    Flow: draft → submitted (reporter) → approved (department head) → accepted or returned (office);
    a returned report goes back to draft for its reporter. Only accepted figures count and may be published.
    ``version`` increases on every write; a write that names an older version is a conflict.
    """

    Status = ReportStatus

    target = models.ForeignKey(
        "plans.Target", verbose_name=_("target"), on_delete=models.PROTECT, related_name="progress_reports"
    )
    # Null for a figure the office recorded itself (the Excel load) on an item no department delivers.
    department = models.ForeignKey(
        "plans.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="progress_reports",
        null=True,
        blank=True,
    )
    period_end = models.DateField(_("as of"))
    actual = models.DecimalField(
        _("cumulative actual"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    stage = models.CharField(_("stage reached"), max_length=16, choices=Stage.choices, blank=True)
    narrative = models.TextField(_("narrative"), blank=True)
    funds_spent = models.DecimalField(
        _("funds spent to date (元)"), max_digits=20, decimal_places=2, null=True, blank=True
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    return_reason = models.TextField(_("reason returned"), blank=True)
    published = models.BooleanField(_("published"), default=False)
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["target", "period_end", "id"]
        constraints = [
            models.UniqueConstraint(fields=["target", "period_end"], name="delivery_report_one_per_period"),
            models.CheckConstraint(
                condition=Q(status__in=ReportStatus.values), name="delivery_report_status"
            ),
            models.CheckConstraint(
                condition=Q(actual__isnull=True) | Q(actual__gte=0), name="delivery_report_actual"
            ),
            models.CheckConstraint(
                condition=Q(funds_spent__isnull=True) | Q(funds_spent__gte=0), name="delivery_report_funds"
            ),
            models.CheckConstraint(
                condition=Q(published=False) | Q(status="accepted"), name="delivery_report_publish"
            ),
            models.CheckConstraint(
                condition=Q(stage="") | Q(stage__in=Stage.values), name="delivery_report_stage"
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="delivery_report_version"),
        ]
        # No index on status alone: nine reports in ten are accepted, and a planner without statistics
        # that reads a plan's figures through one reads every accepted report of every plan. The office's
        # queue (approved reports, oldest first) has its own small partial index.
        indexes = [
            models.Index(
                fields=["updated_at", "id"],
                condition=Q(status="approved"),
                name="delivery_report_queue_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.target} @ {self.period_end} ({self.status})"


class ReportEvent(models.Model):
    """The history of a report: every transition, who made it, and why."""

    report = models.ForeignKey(
        ProgressReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="events"
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=32)
    from_status = models.CharField(_("from"), max_length=16, blank=True)
    to_status = models.CharField(_("to"), max_length=16)
    note = models.TextField(_("note"), blank=True)
    snapshot = models.JSONField(_("figures at the time"), default=dict, blank=True)

    class Meta:
        verbose_name = _("report event")
        verbose_name_plural = _("report events")
        ordering = ["report", "at", "id"]

    def __str__(self) -> str:
        return f"{self.report_id} {self.action} {self.from_status}→{self.to_status}"


def evidence_path(instance: Evidence, filename: str) -> str:
    return f"evidence/{instance.report_id}/{filename}"


class Evidence(models.Model):
    """A file attached to a report (image or PDF), checked by content and size before it is stored."""

    report = models.ForeignKey(
        ProgressReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(_("file"), upload_to=evidence_path)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=64)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["report", "uploaded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(content_type__in=["image/jpeg", "image/png", "application/pdf"]),
                name="delivery_evidence_type",
            ),
        ]

    def __str__(self) -> str:
        return self.original_name


class NoticeStatus(models.TextChoices):
    OPEN = "open", _("Awaiting the department's reply")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", pgettext_lazy("notice", "Closed")  # 已办结, not the plan's 已结束
    ESCALATED = "escalated", _("Escalated")


class SupervisionNotice(models.Model):
    """A supervision notice (督办单): the office demands that the lead department explain and catch up."""

    Status = NoticeStatus

    item = models.ForeignKey(
        "plans.Item", verbose_name=_("item"), on_delete=models.PROTECT, related_name="notices"
    )
    department = models.ForeignKey(
        "plans.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="notices"
    )
    reason = models.TextField(_("reason"))
    demand = models.TextField(_("demand"))
    reply_deadline = models.DateField(_("reply by"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    explanation = models.TextField(_("explanation"), blank=True)
    catch_up_plan = models.TextField(_("catch-up plan"), blank=True)
    replied_at = models.DateTimeField(_("replied"), null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("replied by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    resolution = models.TextField(_("office's note on closing or escalating"), blank=True)
    resolved_at = models.DateTimeField(_("closed or escalated"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("supervision notice")
        verbose_name_plural = _("supervision notices")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=NoticeStatus.values), name="delivery_notice_status"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="delivery_notice_reason"),
            models.CheckConstraint(condition=~Q(demand=""), name="delivery_notice_demand"),
        ]

    def __str__(self) -> str:
        return f"督办 {self.item} ({self.status})"
