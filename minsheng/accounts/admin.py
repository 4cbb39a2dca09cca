import contextlib

from auditlog.admin import LogEntryAdmin as AuditlogLogEntryAdmin
from auditlog.models import LogEntry
from django.contrib import admin
from django.contrib.admin.exceptions import NotRegistered
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from minsheng.accounts.models import AuditEvent, User


def otp_admin_remove() -> None:
    """django-otp's own admin pages would show every authenticator's secret and every recovery code to the
    office: devices are managed on the two-step pages and reset on the people page instead. Called from
    ``AccountsConfig.ready`` (after the admin has imported every app's admin module)."""
    for model in (TOTPDevice, StaticDevice):
        with contextlib.suppress(NotRegistered):
            admin.site.unregister(model)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "role", "department", "is_staff", "is_active")
    list_filter = ("role", "is_staff", "is_active")
    list_select_related = ("department",)
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (_("Role"), {"fields": ("role", "department", "must_change_password")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("Role"), {"fields": ("role", "department")}),
    )


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("created_at", "actor", "verb", "object_type", "object_id")
    list_filter = ("verb", "object_type")
    list_select_related = ("actor",)
    readonly_fields = ("created_at", "actor", "verb", "object_type", "object_id", "details", "cid")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


# django-auditlog's list of field changes, read-only like the events: nothing added, changed or deleted,
# not even by a cascade (the library's admin allows that one).
admin.site.unregister(LogEntry)


@admin.register(LogEntry)
class FieldChangeAdmin(AuditlogLogEntryAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
