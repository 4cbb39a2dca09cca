"""The office's admin for printing: the bulletins issued, to read (they are issued on the printing page or
by ``minsheng bulletin``, which record them)."""

from __future__ import annotations

from django.contrib import admin

from minsheng.accounts.admin_site import ReadOnlyAdmin
from minsheng.printing.models import Bulletin


@admin.register(Bulletin)
class BulletinAdmin(ReadOnlyAdmin):
    list_display = ("plan", "as_of", "since", "format", "issued_at", "issued_by", "size")
    list_filter = ("format", "plan")
    list_select_related = ("plan", "issued_by")
    date_hierarchy = "issued_at"
