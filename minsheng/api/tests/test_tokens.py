"""API tokens: the office creates them in the browser (shown once, stored hashed), sets what they may do and
until when, revokes them; every step is audited; nobody else may."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from minsheng.accounts.models import AuditEvent
from minsheng.api import services
from minsheng.api.models import ApiToken
from minsheng.api.services import TokenError
from minsheng.testing import sign_in

LATER = dt.timedelta(days=30)


def create(world, user=None, **kwargs):
    user = user or world.reporter
    values = {
        "by": world.office,
        "department": user.department,
        "user": user,
        "name": "住建局进度系统",
        "scopes": ["read", "report"],
        "expires_at": timezone.now() + LATER,
        **kwargs,
    }
    return services.token_create(**values)


# --- the services ----------------------------------------------------------------------------------------


def test_a_token_is_stored_as_its_hash_and_shown_once(api_world):
    new = create(api_world)
    token = ApiToken.objects.get()
    assert new.secret.startswith(f"ms_{token.prefix}_") and len(new.secret) > 40
    assert token.token_hash == hashlib.sha256(new.secret.encode()).hexdigest()
    assert new.secret not in str(ApiToken.objects.values().get())  # nowhere in the row
    event = AuditEvent.objects.get(verb="api_token_create")
    assert event.actor == api_world.office and event.details["scopes"] == ["read", "report"]
    assert new.secret not in str(event.details)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"scopes": []}, "scopes"),
        ({"scopes": ["admin"]}, "scopes"),
        ({"name": "  "}, "name"),
        ({"expires_at": timezone.now() - dt.timedelta(minutes=1)}, "expires_at"),
        ({"expires_at": timezone.now() + dt.timedelta(days=4 * 366)}, "expires_at"),
    ],
)
def test_bad_input_makes_no_token(api_world, change, field):
    with pytest.raises(TokenError) as caught:
        create(api_world, **change)
    assert field in caught.value.message_dict
    assert not ApiToken.objects.exists() and not AuditEvent.objects.filter(verb="api_token_create").exists()


def test_a_token_acts_as_a_person_of_its_department(api_world):
    w = api_world
    with pytest.raises(TokenError) as caught:
        create(w, w.reporter, department=w.other)
    assert "user" in caught.value.message_dict
    for person in (w.office, w.deputy, w.public):
        with pytest.raises(TokenError):
            create(w, person, department=w.lead)
    with pytest.raises(TokenError) as caught:  # a head reads; only a reporter reports
        create(w, w.head, scopes=["report"])
    assert "scopes" in caught.value.message_dict
    assert create(w, w.head, scopes=["read"]).token.user == w.head


@pytest.mark.parametrize("who", ["reporter", "head", "deputy", "public"])
def test_only_the_office_creates_and_revokes_tokens(api_world, who):
    user = getattr(api_world, who)
    with pytest.raises(PermissionDenied):
        create(api_world, by=user)
    token = create(api_world).token
    with pytest.raises(PermissionDenied):
        services.token_revoke(token=token, by=user)
    token.refresh_from_db()
    assert token.revoked_at is None


def test_revoking_is_recorded_and_happens_once(api_world):
    token = create(api_world).token
    services.token_revoke(token=token, by=api_world.office)
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == api_world.office
    assert AuditEvent.objects.filter(verb="api_token_revoke", object_id=str(token.pk)).count() == 1
    with pytest.raises(TokenError):
        services.token_revoke(token=token, by=api_world.office)


# --- the office's pages ----------------------------------------------------------------------------------


def test_the_office_creates_a_token_in_the_browser_and_sees_it_once(api_world, client):
    w = api_world
    sign_in(client, w.office)
    page = client.get("/api/tokens/")
    assert page.status_code == 200
    assert w.reporter.username in page.content.decode()  # a person to choose
    expires = (timezone.now() + LATER).date()
    answer = client.post(
        "/api/tokens/",
        {
            "user": w.reporter.pk,
            "name": "住建局进度系统",
            "scopes": ["read", "report"],
            "expires_on": expires,
        },
    )
    assert answer.status_code == 200
    token = ApiToken.objects.get()
    html = answer.content.decode()
    secret = next(word for word in html.split() if word.startswith(f"ms_{token.prefix}_") and len(word) > 30)
    secret = secret.split("<")[0]
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert token.department == w.lead and token.scopes == ["read", "report"]
    assert timezone.localtime(token.expires_at).date() == expires
    again = client.get("/api/tokens/").content.decode()
    assert secret not in again and f"ms_{token.prefix}_…" in again
    # The new token works at once.
    assert (
        client.get("/api/me", HTTP_AUTHORIZATION=f"Bearer {secret}").json()["acts_as"] == w.reporter.username
    )


def test_a_bad_token_form_says_why_and_makes_nothing(api_world, client):
    sign_in(client, api_world.office)
    answer = client.post(
        "/api/tokens/",
        {
            "user": api_world.head.pk,
            "name": "x",
            "scopes": ["report"],
            "expires_on": (timezone.now() + LATER).date(),
        },
    )
    assert answer.status_code == 400
    assert "只有代表填报员的令牌才能报送" in answer.content.decode()
    assert not ApiToken.objects.exists()


def test_the_office_revokes_a_token_in_the_browser(api_world, client):
    new = create(api_world)
    sign_in(client, api_world.office)
    answer = client.post(f"/api/tokens/{new.token.pk}/revoke/")
    assert answer.status_code == 302
    new.token.refresh_from_db()
    assert new.token.revoked_at is not None
    assert client.get("/api/plans", HTTP_AUTHORIZATION=f"Bearer {new.secret}").status_code == 401


@pytest.mark.parametrize("who", ["reporter", "head", "deputy", "public"])
def test_nobody_else_opens_the_token_pages(api_world, client, who):
    token = create(api_world).token
    sign_in(client, getattr(api_world, who))
    assert client.get("/api/tokens/").status_code == 403
    assert client.post("/api/tokens/", {"user": api_world.reporter.pk}).status_code == 403
    assert client.post(f"/api/tokens/{token.pk}/revoke/").status_code == 403
    token.refresh_from_db()
    assert token.revoked_at is None and ApiToken.objects.count() == 1


def test_a_visitor_is_asked_to_sign_in(db, client):
    answer = client.get("/api/tokens/")
    assert answer.status_code == 302 and "/accounts/login/" in answer["Location"]
