"""The one registry of the models whose writes keep their fields before and after (django-auditlog).

The list lives in the settings, ``MINSHENG_AUDIT_TRACKED_MODELS`` (a label, or a dict with ``model`` and
django-auditlog's registration options such as ``exclude_fields``); :func:`register_tracked_models`
registers each model from ``AccountsConfig.ready()``. Only a model's own columns are compared: django-auditlog
would otherwise read every reverse relation of an object it creates or deletes (a query each, and a cached
"does not exist" left on the caller's instance).
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.conf import settings


def register_tracked_models() -> None:
    from auditlog.registry import auditlog

    for entry in settings.MINSHENG_AUDIT_TRACKED_MODELS:
        options: dict[str, Any] = {"model": entry} if isinstance(entry, str) else dict(entry)
        model = apps.get_model(options.pop("model"))
        excluded = list(options.pop("exclude_fields", []))
        included = [field.name for field in model._meta.concrete_fields if field.name not in excluded]
        auditlog.register(model, include_fields=included, exclude_fields=excluded, **options)
