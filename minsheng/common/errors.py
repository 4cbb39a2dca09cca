"""Errors every app's services share.

An app's own bad-input error is a ``django.core.exceptions.ValidationError`` subclass (``DeliveryError``,
``ParticipationError``…): its messages are for the user and nothing was stored. :class:`ConflictError` is
the one kind of refusal that is not about the input: someone else wrote the record first.
"""

from __future__ import annotations

from django.db import models


class ConflictError(Exception):
    """The record changed since the user loaded it (``expected_version`` is stale): one write wins.

    ``current`` is the record as it is now, so that a page can show what the other person did."""

    def __init__(self, message: str, *, current: models.Model | None = None) -> None:
        super().__init__(message)
        self.current = current
