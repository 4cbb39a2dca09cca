"""API tokens and the idempotency keys of the writes made with them (docs/api.md).

A token belongs to a department and acts as one of its people (named when the office creates it), so that
every write it makes goes through delivery's rules as that person and is recorded under their name. Only
the SHA-256 of the token is stored; its first characters (``prefix``) find the row. An idempotency record
keeps the answer to one write made with a key, so that a retried request gets the same answer and never
writes twice.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    READ = "read", _("Read the department's own reports and notices")
    REPORT = "report", _("Save and submit the department's progress reports")


class ApiToken(models.Model):
    """A department's API token: who it acts as, what it may do (scopes), until when; revoked or not."""

    Scope = Scope

    department = models.ForeignKey(
        "plans.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="api_tokens"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acts as"),
        on_delete=models.PROTECT,
        related_name="api_tokens",
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("Which system uses it."))
    prefix = models.CharField(_("prefix"), max_length=16, unique=True)
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    scope_read = models.BooleanField(_("read"), default=True)
    scope_report = models.BooleanField(_("report"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(scope_read=True) | Q(scope_report=True), name="api_token_has_a_scope"
            ),
            models.CheckConstraint(condition=~Q(name=""), name="api_token_name_not_empty"),
            models.CheckConstraint(
                condition=Q(token_hash__regex=r"^[0-9a-f]{64}$"),  # noqa: S106 - a pattern, not a password
                name="api_token_hash_hex",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def scopes(self) -> list[str]:
        return [
            scope
            for scope, held in ((Scope.READ, self.scope_read), (Scope.REPORT, self.scope_report))
            if held
        ]

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None

    def expired(self, now: dt.datetime | None = None) -> bool:
        return self.expires_at <= (now or timezone.now())


class IdempotencyRecord(models.Model):
    """The answer to one write made with an ``Idempotency-Key``: replayed to a retry with the same body;
    a retry with another body is refused."""

    token = models.ForeignKey(
        ApiToken, verbose_name=_("API token"), on_delete=models.CASCADE, related_name="idempotency_records"
    )
    key = models.CharField(_("key"), max_length=255)
    operation = models.CharField(_("operation"), max_length=255)
    request_hash = models.CharField(_("request hash"), max_length=64)
    status_code = models.PositiveSmallIntegerField(_("status code"))
    response = models.JSONField(_("response"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["token", "key"], name="api_idempotency_one_per_key"),
            models.CheckConstraint(condition=~Q(key=""), name="api_idempotency_key_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.token_id} {self.key}"
