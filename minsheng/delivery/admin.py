"""The office's admin for delivery: read-mostly. Reports, notices and assignments are written through the
delivery pages (services); here the office looks things up, edits a plan's delivery settings (through
:func:`delivery_settings_set`) and accepts or publishes reports in bulk (through the report services)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minsheng.accounts.admin_site import ReadOnlyAdmin
from minsheng.delivery.models import (
    Assignment,
    DeliverySettings,
    Evidence,
    PlannedValue,
    ProgressReport,
    ReportEvent,
    SupervisionNotice,
)
from minsheng.delivery.services import (
    ConflictError,
    DeliveryError,
    delivery_settings_set,
    delivery_settings_validate,
    report_accept,
    report_publish_set,
)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class DeliverySettingsForm(forms.ModelForm):
    class Meta:
        model = DeliverySettings
        fields = ("plan", "start", "yellow_gap", "red_gap", "stages")

    def clean(self) -> dict:
        data = super().clean() or {}
        plan = data.get("plan") or getattr(self.instance, "plan", None)
        if plan is not None and not self.errors:
            try:
                delivery_settings_validate(
                    plan=plan,
                    yellow_gap=data.get("yellow_gap"),
                    red_gap=data.get("red_gap"),
                    stages=data.get("stages"),
                    start=data.get("start"),
                )
            except DeliveryError as exc:
                raise forms.ValidationError(exc.messages) from exc
        return data


@admin.register(DeliverySettings)
class DeliverySettingsAdmin(admin.ModelAdmin):
    form = DeliverySettingsForm
    list_display = ("plan", "start", "yellow_gap", "red_gap")
    list_select_related = ("plan",)
    fields = ("plan", "start", "yellow_gap", "red_gap", "stages")

    def get_readonly_fields(self, request, obj=None):
        return ("plan",) if obj is not None else ()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        data = form.cleaned_data
        saved = delivery_settings_set(
            plan=obj.plan,
            by=request.user,
            yellow_gap=data["yellow_gap"],
            red_gap=data["red_gap"],
            stages=data["stages"],
            start=data["start"],
        )
        obj.pk = saved.pk


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ("item", "official", "deadline", "cadence", "due_day", "assigned_at", "assigned_by")
    list_filter = ("cadence", "item__plan")
    list_select_related = ("item", "assigned_by")
    search_fields = ("item__text", "item__title", "official")


class ReportEventInline(ReadOnlyInline):
    model = ReportEvent
    fields = ("at", "by", "action", "from_status", "to_status", "note", "snapshot")
    readonly_fields = fields


class EvidenceInline(ReadOnlyInline):
    model = Evidence
    fields = ("original_name", "content_type", "size", "sha256", "uploaded_at", "uploaded_by")
    readonly_fields = fields


@admin.register(ProgressReport)
class ProgressReportAdmin(ReadOnlyAdmin):
    list_display = (
        "target",
        "department",
        "period_end",
        "actual",
        "stage",
        "status",
        "published",
        "version",
        "updated_at",
    )
    list_filter = ("status", "published", "department", "target__item__plan")
    list_select_related = ("target", "department")
    search_fields = ("target__source", "target__subject", "narrative")
    date_hierarchy = "period_end"
    inlines = [EvidenceInline, ReportEventInline]
    actions = ["accept_selected", "publish_selected", "unpublish_selected"]

    @admin.action(description=gettext_lazy("Accept the selected approved reports and publish them"))
    def accept_selected(self, request, queryset) -> None:
        self._each(
            request, queryset, lambda r: report_accept(report=r, by=request.user, expected_version=r.version)
        )

    @admin.action(description=gettext_lazy("Publish the selected accepted reports"))
    def publish_selected(self, request, queryset) -> None:
        self._each(
            request,
            queryset,
            lambda r: report_publish_set(
                report=r, by=request.user, published=True, expected_version=r.version
            ),
        )

    @admin.action(description=gettext_lazy("Withdraw the selected reports from the public pages"))
    def unpublish_selected(self, request, queryset) -> None:
        self._each(
            request,
            queryset,
            lambda r: report_publish_set(
                report=r, by=request.user, published=False, expected_version=r.version
            ),
        )

    def _each(self, request, queryset, step) -> None:
        done, refused = 0, []
        for report in queryset:
            try:
                step(report)
            except (DeliveryError, ConflictError, PermissionDenied) as exc:
                problem = "; ".join(exc.messages) if isinstance(exc, DeliveryError) else str(exc)
                refused.append(_("%(report)s: %(problem)s") % {"report": report, "problem": problem})
            else:
                done += 1
        if done:
            self.message_user(request, _("%(count)d reports done.") % {"count": done}, messages.SUCCESS)
        for line in refused:
            self.message_user(request, line, messages.WARNING)


@admin.register(SupervisionNotice)
class SupervisionNoticeAdmin(ReadOnlyAdmin):
    list_display = ("item", "department", "status", "reply_deadline", "issued_at", "replied_at")
    list_filter = ("status", "department", "item__plan")
    list_select_related = ("item", "department")
    search_fields = ("reason", "demand", "explanation")


@admin.register(PlannedValue)
class PlannedValueAdmin(ReadOnlyAdmin):
    list_display = ("target", "year", "month", "value")
    list_select_related = ("target",)
