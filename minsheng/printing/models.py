"""A record of each bulletin the office issued: for which plan, as of which date, covering which period,
in which format, by whom and when. The next bulletin's period starts where the last one ended (its
``as_of``). The file itself is not kept: its SHA-256 and size let anyone check a copy."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class BulletinFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    DOCX = "docx", _("Word (.docx)")


class Bulletin(models.Model):
    """One issued bulletin (通报) of a plan."""

    Format = BulletinFormat

    plan = models.ForeignKey(
        "plans.Plan", verbose_name=_("plan"), on_delete=models.CASCADE, related_name="bulletins"
    )
    as_of = models.DateField(_("as of"))
    since = models.DateField(_("period starts after"))
    format = models.CharField(_("format"), max_length=8, choices=Format.choices)
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("size (bytes)"))

    class Meta:
        verbose_name = _("bulletin")
        verbose_name_plural = _("bulletins")
        ordering = ["-issued_at", "-id"]
        indexes = [models.Index(fields=["plan", "as_of"], name="printing_bulletin_plan_as_of")]
        constraints = [
            models.CheckConstraint(
                condition=Q(format__in=BulletinFormat.values), name="printing_bulletin_format"
            ),
            models.CheckConstraint(condition=Q(since__lt=models.F("as_of")), name="printing_bulletin_period"),
        ]

    def __str__(self) -> str:
        return f"{self.plan_id} @ {self.as_of:%Y-%m-%d} ({self.format})"
