"""``{% load audit %}``: the trail in the user's language, and the history link an object's page shows to
the office: ``{% history_link obj %}`` (nothing for anyone else)."""

from __future__ import annotations

from typing import Any

import rules
from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from minsheng.audit import present

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
