"""``{% load audit %}``: the trail in the user's language, and the history link an object's page shows to
the office: ``{% history_link obj %}`` (nothing for anyone else)."""

from __future__ import annotations

from typing import Any

import rules
from django import template
from django.apps import apps
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from minsheng.audit import present, selectors

register = template.Library()


@register.simple_tag
def verb_label(verb: str) -> str:
    return present.verb_label(verb)


@register.simple_tag
def action_label(action: int) -> str:
    return present.action_label(action)


@register.filter
def source_label(cid: str | None) -> str:
    return present.source_label(cid)


@register.filter
def field_changes(change: Any) -> list[present.FieldChange]:
    return present.field_changes(change)


@register.simple_tag
def object_link(object_type: str, object_id: str) -> SafeString | str:
    """An event's object: its kind in the user's language, linked to its history where it has one."""
    model = selectors.tracked_model(object_type)
    if model is None:
        try:
            name = str(apps.get_model(object_type)._meta.verbose_name)
        except (LookupError, ValueError):
            name = object_type
        return f"{name} #{object_id}" if object_id else name
    url = reverse("audit:history", args=[object_type, object_id]) if object_id else ""
    text = f"{model._meta.verbose_name} #{object_id}" if object_id else str(model._meta.verbose_name)
    return format_html('<a href="{}">{}</a>', url, text) if url else text


@register.simple_tag(takes_context=True)
def history_link(context: dict[str, Any], obj: Any, label: str = "") -> SafeString | str:
    """A link to ``obj``'s history for someone who may read the trail; nothing otherwise."""
    request = context.get("request")
    user = getattr(request, "user", None)
    # The rule alone (no query, whoever asks), not user.has_perm, which would also ask Django's model
    # backend and load a non-office user's permissions on every page that shows the link.
    if obj is None or user is None or not rules.has_perm("accounts.view_audit", user):
        return ""
    url = reverse("audit:history", args=[obj._meta.label_lower, obj.pk])
    return format_html('<a class="history-link" href="{}">{}</a>', url, label or _("Change history"))
