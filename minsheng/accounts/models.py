"""Users with a role, and the audit trail every service write leaves."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OFFICE = "office", _("Supervision office")
    REPORTER = "reporter", _("Department reporter")
    DEPT_HEAD = "dept_head", _("Department head")
    DEPUTY = "deputy", _("People's congress deputy")
    PUBLIC = "public", _("Member of the public")


class User(AbstractUser):
    """A person who signs in. Their role decides what they may do; reporters and heads belong to a department."""

    Role = Role

    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.PUBLIC)
    department = models.ForeignKey(
        "plans.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    # Set for an initial password given by the office or a one-time sign-in link: until the person chooses
    # their own password, every page sends them to the password page (PasswordFirstMiddleware).
    must_change_password = models.BooleanField(_("must choose a new password"), default=False)

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")  # type: ignore[assignment]  # django-stubs types the base Meta's as str
        verbose_name_plural = _("users")  # type: ignore[assignment]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values),
                name="accounts_user_role_valid",
            ),
        ]

    def changes_no_page(self, update_fields: Any) -> bool:
        """Signing in saves ``last_login`` alone: no cached page shows it (minsheng.common.pages)."""
        return update_fields is not None and set(update_fields) <= {"last_login"}


class SignInLink(models.Model):
    """A one-time sign-in link the office gives a new person: single use, expiring, stored only as a hash."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="sign_in_links",
    )
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    class Meta:
        verbose_name = _("sign-in link")
        verbose_name_plural = _("sign-in links")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d}"


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def writes(self) -> AuditEventQuerySet:
        """The events of writes: without signing in and out."""
        from minsheng.accounts.audit import SESSION_VERBS

        return self.exclude(verb__in=[verb.value for verb in SESSION_VERBS])


class AuditEvent(models.Model):
    """One write or sign-in: who did what to which object, when, with details. ``cid`` is the write's
    correlation id, shared with the django-auditlog entries that hold its fields before and after
    (see :mod:`minsheng.accounts.trail`). Never changed or deleted, except by the retention purge."""

    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_events",
    )
    verb = models.CharField(_("verb"), max_length=64)
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    cid = models.CharField(_("correlation id"), max_length=255, blank=True, default="", db_index=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="accounts_audit_object_idx"),
            models.Index(fields=["actor", "created_at"], name="accounts_audit_actor_idx"),
            models.Index(fields=["verb", "created_at"], name="accounts_audit_verb_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=~models.Q(verb=""), name="accounts_auditevent_verb_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.verb} {self.object_type}#{self.object_id}"

    def changes_no_page(self, update_fields: Any) -> bool:
        """Signing in and out changes no cached page; every other event may stand for a write that does."""
        from minsheng.accounts.audit import SESSION_VERBS

        return self.verb in {verb.value for verb in SESSION_VERBS}
