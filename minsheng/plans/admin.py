"""The office's admin for plans. Plans come in through import (``minsheng import``); here the office reads
them and moves a plan through its year. Writes go through the services."""

from django import forms
from django.contrib import admin, messages

from minsheng.accounts.admin_site import ReadOnlyAdmin
from minsheng.plans.models import (
    Action,
    Department,
    ImportDraft,
    Item,
    ItemDepartment,
    ItemRevision,
    Plan,
    PlanVersion,
    Region,
    Standard,
    Target,
)
from minsheng.plans.services import PlanStatusError, plan_status_problem, plan_status_set


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class PlanVersionInline(ReadOnlyInline):
    model = PlanVersion
    fields = ("number", "filename", "sha256", "created_at", "created_by")
    readonly_fields = fields


class PlanStatusForm(forms.ModelForm):
    """The plan's stage, checked against the other apps' guards before anything is saved."""

    class Meta:
        model = Plan
        fields = ("status",)

    def clean_status(self) -> str:
        status = self.cleaned_data["status"]
        if (
            self.instance.pk
            and status != self.instance.status
            and (problem := plan_status_problem(plan=self.instance, status=status))
        ):
            raise forms.ValidationError(problem)
        return status


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    form = PlanStatusForm
    list_display = ("title", "region", "year", "status", "updated_at")
    list_filter = ("status", "year", "region")
    list_select_related = ("region",)
    search_fields = ("title", "region__name")
    fields = ("region", "year", "title", "status", "created_at", "updated_at")
    readonly_fields = ("region", "year", "title", "created_at", "updated_at")
    inlines = [PlanVersionInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        try:
            plan_status_set(plan=obj, status=form.cleaned_data["status"], by=request.user)
        except PlanStatusError as error:  # a guard changed its mind since the form was checked
            self.message_user(request, " ".join(error.messages), level=messages.ERROR)


@admin.register(PlanVersion)
class PlanVersionAdmin(ReadOnlyAdmin):
    list_display = ("plan", "number", "filename", "created_at", "created_by")
    list_select_related = ("plan", "created_by")
    exclude = ("content",)


class TargetInline(ReadOnlyInline):
    model = Target
    fk_name = "item"
    fields = ("kind", "subject", "op", "value", "value_max", "unit", "period", "source", "removed_in")
    readonly_fields = fields


class StandardInline(ReadOnlyInline):
    model = Standard
    fields = ("subject", "op", "amount", "amount_max", "per", "period", "previous", "source")
    readonly_fields = fields


class ItemDepartmentInline(ReadOnlyInline):
    model = ItemDepartment
    fields = ("department", "role")
    readonly_fields = fields


class ItemRevisionInline(ReadOnlyInline):
    model = ItemRevision
    fields = ("version", "kind", "no", "text")
    readonly_fields = fields


@admin.register(Item)
class ItemAdmin(ReadOnlyAdmin):
    list_display = ("no", "__str__", "action", "plan", "removed_in")
    list_filter = ("plan",)
    list_select_related = ("plan", "action", "removed_in__plan")
    search_fields = ("text", "title")
    inlines = [TargetInline, StandardInline, ItemDepartmentInline, ItemRevisionInline]


@admin.register(Action)
class ActionAdmin(ReadOnlyAdmin):
    list_display = ("no", "title", "plan", "declared_item_count", "removed_in")
    list_select_related = ("plan", "removed_in__plan")


@admin.register(Region)
class RegionAdmin(ReadOnlyAdmin):
    list_display = ("name", "created_at")


@admin.register(Department)
class DepartmentAdmin(ReadOnlyAdmin):
    list_display = ("name", "region")
    list_select_related = ("region",)


@admin.register(ImportDraft)
class ImportDraftAdmin(ReadOnlyAdmin):
    """Imports on the web, to read: who uploaded what, its corrections, and what became of it. The preview,
    corrections, confirming and cancelling are on the import pages (/plans/import/)."""

    list_display = ("filename", "status", "plan", "version", "created_by", "created_at")
    list_filter = ("status",)
    list_select_related = ("plan", "version__plan", "created_by")
    search_fields = ("filename", "sha256")
    fields = (
        "filename", "sha256", "status", "region", "year", "plan", "version", "created_by", "created_at",
        "updated_at", "corrections",
    )  # fmt: skip
    readonly_fields = fields
