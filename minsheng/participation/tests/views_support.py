"""Helpers shared by the test_views_* test modules."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from minsheng.testing import sign_in

ROLES = ("anonymous", "public", "deputy", "reporter", "head", "office")
SIGNED_IN = ROLES[1:]


def _as(client: Client, world, role: str) -> Client:
    """The client signed in as one of the world's users (or nobody), reading English."""
    client.logout()
    if role != "anonymous":
        sign_in(client, getattr(world, role))
    client.cookies["django_language"] = "en"
    return client


def _text(response) -> str:
    return response.content.decode()


def _item_url(world, fragment: str = "") -> str:
    return reverse("participation:item", args=[world.item.pk]) + fragment


def _to_login(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
