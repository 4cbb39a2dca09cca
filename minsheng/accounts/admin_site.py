"""The admin site, open only to the supervision office (the ``accounts.use_admin`` rule)."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class OfficeAdminSite(admin.AdminSite):
    site_header = _("minsheng · supervision office")
    site_title = _("minsheng admin")
    index_title = _("Administration")

    def has_permission(self, request) -> bool:
        return bool(request.user.is_active and request.user.has_perm("accounts.use_admin"))


class OfficeAdminConfig(AdminConfig):
    default_site = "minsheng.accounts.admin_site.OfficeAdminSite"


class ReadOnlyAdmin(admin.ModelAdmin):
    """A list and detail pages to read; nothing is added, changed or deleted there (writes go through the
    services, on the apps' own pages or the admin's service-backed forms)."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
