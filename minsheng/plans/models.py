"""A region's yearly plan, each imported version of its document, and what the document promises.

Items and targets keep their identity across versions: a re-import updates them in place and marks those
no longer in the document ``removed_in`` that version instead of deleting them, because progress reports,
comments and votes will refer to them. Standards and department assignments are plain data of an item and
are replaced when the item changes.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Op(models.TextChoices):
    AT_LEAST = ">=", _("at least")
    EXACTLY = "=", _("exactly")
    AT_MOST = "<=", _("at most")
    ABOUT = "~", _("about")
    RANGE = "range", _("between")


def _amount_field(verbose_name, **kwargs) -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=20, decimal_places=4, **kwargs)


class Region(models.Model):
    """The issuing government: 第二师铁门关市."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=~Q(name=""), name="plans_region_name_not_empty")]

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    """A department of a region's government that delivers items."""

    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.CASCADE, related_name="departments"
    )
    name = models.CharField(_("name"), max_length=200)
    # A retired department keeps its history (reports, notices) but takes no new people or assignments.
    retired_at = models.DateTimeField(_("retired"), null=True, blank=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["region", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="plans_department_unique_name"),
            models.CheckConstraint(condition=~Q(name=""), name="plans_department_name_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name


class PlanStatus(models.TextChoices):
    SOLICITATION = "solicitation", _("Collecting suggestions")
    DRAFT = "draft", _("Draft")
    CONSULTATION = "consultation", _("Open for comment")
    VOTING = "voting", _("Voting")
    ADOPTED = "adopted", _("Adopted")
    CLOSED = "closed", _("Closed")


class Plan(models.Model):
    """One region's list of pledges for one year."""

    Status = PlanStatus

    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="plans"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=300)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["-year", "region__name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="plans_plan_one_per_region_year"),
            models.CheckConstraint(condition=Q(year__gte=1949, year__lte=2200), name="plans_plan_year_range"),
            models.CheckConstraint(condition=Q(status__in=PlanStatus.values), name="plans_plan_status_valid"),
        ]

    def __str__(self) -> str:
        return self.title


class PlanVersion(models.Model):
    """One imported document of a plan: the file as uploaded, what the reader made of it, and the changes.

    The file's bytes live in the database (documents are small, and a failed import then leaves nothing
    behind on disk: the file is stored in the same transaction as everything read from it).
    """

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    filename = models.CharField(_("file name"), max_length=255, blank=True)
    content = models.BinaryField(_("file"), blank=True, editable=False)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    parsed = models.JSONField(_("parsed document"))
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    created_at = models.DateTimeField(_("imported"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        ordering = ["plan", "number"]
        get_latest_by = "number"
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plans_planversion_unique_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="plans_planversion_number_positive"),
            models.CheckConstraint(
                condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="plans_planversion_sha256_hex"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} v{self.number}"


class Action(models.Model):
    """A group of items: 民生安全保障行动."""

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="actions")
    no = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=300, blank=True)
    declared_item_count = models.PositiveSmallIntegerField(_("declared item count"), null=True, blank=True)
    added_in = models.ForeignKey(
        PlanVersion, verbose_name=_("added in"), on_delete=models.PROTECT, related_name="+"
    )
    removed_in = models.ForeignKey(
        PlanVersion,
        verbose_name=_("removed in"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # almost always NULL: indexed where set only (Meta.indexes)
    )

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["plan", "no", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "no"],
                condition=Q(removed_in__isnull=True),
                name="plans_action_unique_current_no",
            ),
            models.CheckConstraint(condition=Q(no__gte=1), name="plans_action_no_positive"),
        ]
        indexes = [
            models.Index(
                fields=["removed_in"],
                condition=Q(removed_in__isnull=False),
                name="plans_action_removed_in_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.no}. {self.title}"


class Item(models.Model):
    """One numbered pledge."""

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="items")
    action = models.ForeignKey(
        Action, verbose_name=_("action"), on_delete=models.PROTECT, related_name="items"
    )
    no = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=300, blank=True)
    text = models.TextField(_("text"))
    locations = models.JSONField(_("places"), default=list, blank=True)
    added_in = models.ForeignKey(
        PlanVersion, verbose_name=_("added in"), on_delete=models.PROTECT, related_name="+"
    )
    removed_in = models.ForeignKey(
        PlanVersion,
        verbose_name=_("removed in"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # almost always NULL: indexed where set only (Meta.indexes)
    )
    departments = models.ManyToManyField(
        Department, verbose_name=_("departments"), through="ItemDepartment", related_name="items"
    )
    # An unfinished item carried into the next year's plan points back to the one it came from.
    carried_from = models.ForeignKey(
        "self",
        verbose_name=_("carried over from"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="carried_to",
        db_index=False,  # almost always NULL: indexed where set only (Meta.indexes)
    )

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ["plan", "no", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "no"],
                condition=Q(removed_in__isnull=True),
                name="plans_item_unique_current_no",
            ),
            models.CheckConstraint(condition=Q(no__gte=1), name="plans_item_no_positive"),
            models.CheckConstraint(condition=~Q(text=""), name="plans_item_text_not_empty"),
        ]
        indexes = [
            models.Index(
                fields=["removed_in"], condition=Q(removed_in__isnull=False), name="plans_item_removed_in_idx"
            ),
            models.Index(
                fields=["carried_from"],
                condition=Q(carried_from__isnull=False),
                name="plans_item_carried_from_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.no}. {self.title or self.text[:30]}"

    def clean(self) -> None:
        if self.action_id and self.plan_id and self.action.plan_id != self.plan_id:
            raise ValidationError({"action": _("The action belongs to another plan.")})


class RevisionKind(models.TextChoices):
    ADDED = "added", _("Added")
    CHANGED = "changed", _("Changed")
    RENUMBERED = "renumbered", _("Renumbered")
    REMOVED = "removed", _("Removed")


class ItemRevision(models.Model):
    """What a version did to an item: added it, changed it, renumbered it or removed it."""

    Kind = RevisionKind

    item = models.ForeignKey(Item, verbose_name=_("item"), on_delete=models.CASCADE, related_name="revisions")
    version = models.ForeignKey(
        PlanVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="item_revisions"
    )
    kind = models.CharField(_("what happened"), max_length=16, choices=Kind.choices)
    no = models.PositiveIntegerField(_("number"))
    text = models.TextField(_("text"))

    class Meta:
        verbose_name = _("item revision")
        verbose_name_plural = _("item revisions")
        ordering = ["item", "version__number"]
        constraints = [
            models.UniqueConstraint(fields=["item", "version"], name="plans_itemrevision_one_per_version"),
            models.CheckConstraint(
                condition=Q(kind__in=RevisionKind.values), name="plans_itemrevision_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.no})"


class TargetKind(models.TextChoices):
    QUANTITY = "quantity", _("Quantity")
    MILESTONE = "milestone", _("Milestone")


class Target(models.Model):
    """One measurable promise inside an item: 9千米 of gas mains, at least 500 批次 of inspections."""

    Kind = TargetKind

    item = models.ForeignKey(Item, verbose_name=_("item"), on_delete=models.CASCADE, related_name="targets")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.QUANTITY)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    op = models.CharField(_("comparator"), max_length=8, choices=Op.choices, default=Op.EXACTLY)
    value = _amount_field(_("value"), null=True, blank=True)
    value_max = _amount_field(_("up to"), null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=32, blank=True)
    period = models.CharField(_("per period"), max_length=16, blank=True)
    source = models.TextField(_("source"), blank=True)
    weight = models.DecimalField(_("weight"), max_digits=8, decimal_places=4, default=1)
    added_in = models.ForeignKey(
        PlanVersion, verbose_name=_("added in"), on_delete=models.PROTECT, related_name="+"
    )
    removed_in = models.ForeignKey(
        PlanVersion,
        verbose_name=_("removed in"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # almost always NULL: indexed where set only (Meta.indexes)
    )

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["item", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="milestone", value__isnull=True, value_max__isnull=True)
                | Q(kind="quantity", value__isnull=False),
                name="plans_target_value_matches_kind",
            ),
            models.CheckConstraint(condition=Q(op__in=Op.values), name="plans_target_op_valid"),
            models.CheckConstraint(
                condition=~Q(op="range") | Q(value_max__isnull=False, value_max__gte=F("value")),
                name="plans_target_range_ordered",
            ),
            models.CheckConstraint(condition=Q(weight__gte=0), name="plans_target_weight_not_negative"),
        ]
        indexes = [
            models.Index(
                fields=["removed_in"],
                condition=Q(removed_in__isnull=False),
                name="plans_target_removed_in_idx",
            )
        ]

    def __str__(self) -> str:
        return self.source or self.subject


class Standard(models.Model):
    """Money per beneficiary or per unit: 按照每人209元的标准 -> 209 元 per 人."""

    item = models.ForeignKey(Item, verbose_name=_("item"), on_delete=models.CASCADE, related_name="standards")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    op = models.CharField(_("comparator"), max_length=8, choices=Op.choices, default=Op.EXACTLY)
    amount = _amount_field(_("amount (yuan)"))
    amount_max = _amount_field(_("up to (yuan)"), null=True, blank=True)
    per = models.CharField(_("per"), max_length=16, blank=True)
    period = models.CharField(_("per period"), max_length=16, blank=True)
    previous = _amount_field(_("previous amount (yuan)"), null=True, blank=True)
    source = models.TextField(_("source"), blank=True)

    class Meta:
        verbose_name = _("standard")
        verbose_name_plural = _("standards")
        ordering = ["item", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="plans_standard_amount_not_negative"),
            models.CheckConstraint(condition=Q(op__in=Op.values), name="plans_standard_op_valid"),
            models.CheckConstraint(
                condition=~Q(op="range") | Q(amount_max__isnull=False, amount_max__gte=F("amount")),
                name="plans_standard_range_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.source or self.subject


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("Lead")
    SUPPORTING = "supporting", _("Supporting")


class ItemDepartment(models.Model):
    """Who delivers an item: one lead department (牵头单位) and any number of supporting ones (配合单位)."""

    Role = AssignmentRole

    item = models.ForeignKey(
        Item, verbose_name=_("item"), on_delete=models.CASCADE, related_name="assignments"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="assignments"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.SUPPORTING)

    class Meta:
        verbose_name = _("department assignment")
        verbose_name_plural = _("department assignments")
        ordering = ["item", "role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["item", "department"], name="plans_itemdepartment_unique"),
            models.UniqueConstraint(
                fields=["item"], condition=Q(role="lead"), name="plans_itemdepartment_one_lead"
            ),
            models.CheckConstraint(
                condition=Q(role__in=AssignmentRole.values), name="plans_itemdepartment_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item} · {self.department} ({self.get_role_display()})"

    def clean(self) -> None:
        if self.item_id and self.department_id and self.department.region_id != self.item.plan.region_id:
            raise ValidationError({"department": _("The department belongs to another region.")})


class ImportDraftStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    CONFIRMED = "confirmed", _("Confirmed")
    CANCELLED = "cancelled", _("Cancelled")


class ImportDraft(models.Model):
    """An uploaded plan document waiting in the web preview: what the reader made of it (``parsed``, the
    reader's JSON), the office's corrections (``corrections``: a list of operations, each with who, when,
    before and after, replayed in order over ``parsed``) and what became of it. Nothing of the plan is
    written until it is confirmed (see docs/importing-on-the-web.md)."""

    Status = ImportDraftStatus

    filename = models.CharField(_("file name"), max_length=255)
    content = models.BinaryField(_("file"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    parsed = models.JSONField(_("parsed document"))
    corrections = models.JSONField(_("corrections"), default=list, blank=True)
    # The preview's diff against the plan it revises, as last computed (a rolled-back import takes a while):
    # reused while the corrections and the plan's latest version are those it was computed for.
    diff = models.JSONField(_("computed diff"), null=True, blank=True, editable=False)
    region = models.CharField(_("region"), max_length=100, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    plan = models.ForeignKey(
        Plan,
        verbose_name=_("revises plan"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="import_drafts",
    )
    version = models.ForeignKey(
        PlanVersion,
        verbose_name=_("created version"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("import draft")
        verbose_name_plural = _("import drafts")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ImportDraftStatus.values), name="plans_importdraft_status_valid"
            )
        ]

    def __str__(self) -> str:
        return self.filename
