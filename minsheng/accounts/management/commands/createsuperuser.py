"""Django's ``createsuperuser``, with the password policy in non-interactive mode too: Django checks
``AUTH_PASSWORD_VALIDATORS`` only when it asks for the password, not for ``DJANGO_SUPERUSER_PASSWORD``."""

from __future__ import annotations

import os
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.management.commands import createsuperuser
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError


class Command(createsuperuser.Command):
    def handle(self, *args: Any, **options: Any) -> None:
        password = os.environ.get("DJANGO_SUPERUSER_PASSWORD")
        if not options.get("interactive") and password is not None:
            user_model = get_user_model()
            username = options.get(user_model.USERNAME_FIELD) or os.environ.get(
                "DJANGO_SUPERUSER_" + user_model.USERNAME_FIELD.upper(), ""
            )
            try:
                validate_password(password, user_model(**{user_model.USERNAME_FIELD: username}))
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from None
        super().handle(*args, **options)
