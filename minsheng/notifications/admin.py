from django.contrib import admin

from minsheng.accounts.admin_site import ReadOnlyAdmin
from minsheng.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "user", "kind", "message", "read_at")
    list_filter = ("kind",)
    list_select_related = ("user",)
