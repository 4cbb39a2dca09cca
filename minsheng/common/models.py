"""The one table the shared plumbing keeps: the content version that cached pages are keyed by
(:mod:`minsheng.common.pages`)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ContentVersion(models.Model):
    """A single row (id 1) whose number moves on after every committed write."""

    number = models.BigIntegerField(_("content version"), default=0)

    class Meta:
        verbose_name = _("content version")
        verbose_name_plural = _("content versions")
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="common_contentversion_single_row")
        ]

    def __str__(self) -> str:
        return str(self.number)
