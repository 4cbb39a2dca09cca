"""Two factors: a password-only office or admin session reaches no page but the two-step ones; enrolment with
the QR code, recovery codes, one office user resetting another's authenticator, and opting in."""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.exceptions import NoReverseMatch
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from minsheng.accounts import services
from minsheng.accounts.models import AuditEvent, User
from minsheng.accounts.tests.factories import (
    OfficeUserFactory,
    PublicUserFactory,
    ReporterFactory,
    UserFactory,
)
from minsheng.testing import sign_in, totp_code, two_factor_device

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("en")]


@pytest.fixture
def client(client):
    """A browser that asks for English pages."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


# The pages a session that owes its second factor may still open (everything else sends it to verify).
OPEN = {"accounts:two_factor", "accounts:two_factor_enrol", "accounts:logout", "set_language"}
SAMPLES = {"IntConverter": 1, "StringConverter": "x", "SlugConverter": "x", "PathConverter": "1"}


def _site_urls() -> dict[str, str]:
    """Every named URL of the site, the admin's included, with sample arguments (a page of one object is
    asked for with id 1)."""
    found: dict[str, str] = {}

    def walk(patterns, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(
                    pattern.url_patterns,
                    f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace,
                )
            elif isinstance(pattern, URLPattern) and pattern.name:
                converters = getattr(pattern.pattern, "converters", {})
                kwargs = {
                    key: SAMPLES.get(type(converter).__name__, "1") for key, converter in converters.items()
                }
                if not converters:  # a regular expression (the admin's app pages)
                    groups = re.compile(str(pattern.pattern)).groupindex
                    kwargs = {key: "accounts" if key == "app_label" else "1" for key in groups}
                name = namespace + pattern.name
                try:
                    found.setdefault(name, reverse(name, kwargs=kwargs or None))
                except NoReverseMatch:
                    continue

    walk(get_resolver().url_patterns, "")
    return {name: url for name, url in found.items() if name not in OPEN}


URLS = _site_urls()
SITE_PAGES = sorted(name for name in URLS if not name.startswith("admin:"))
ADMIN_PAGES = sorted(name for name in URLS if name.startswith("admin:"))


def test_the_lists_of_pages_cover_the_site():
    assert len(SITE_PAGES) > 80 and len(ADMIN_PAGES) > 40
    assert {
        "delivery:home",
        "people:home",
        "plans_import:upload",
        "portal:stages",
        "accounts:account",
    } <= set(SITE_PAGES)
    assert {"admin:index", "admin:accounts_user_changelist", "admin:app_list"} <= set(ADMIN_PAGES)


@pytest.fixture
def password_only(client):
    """An office user's session after the password alone (no second factor given)."""
    user = OfficeUserFactory()
    two_factor_device(user)
    client.force_login(user)
    return client


def _sent_to_verify(response, url: str) -> bool:
    return response.status_code == 302 and response["Location"].startswith(
        reverse("accounts:two_factor") + "?next="
    )


@pytest.mark.parametrize("name", SITE_PAGES)
def test_a_password_only_office_session_reaches_no_page_of_the_site(password_only, name):
    url = URLS[name]
    assert _sent_to_verify(password_only.get(url), url), name
    assert _sent_to_verify(password_only.post(url), url), name


@pytest.mark.parametrize("name", ADMIN_PAGES)
def test_a_password_only_office_session_reaches_no_page_of_the_admin(password_only, name):
    assert _sent_to_verify(password_only.get(URLS[name]), URLS[name]), name


@pytest.mark.parametrize("make", [lambda: UserFactory(is_superuser=True), lambda: UserFactory(is_staff=True)])
def test_a_password_only_admin_session_is_sent_to_verify_too(client, make):
    client.force_login(make())
    assert _sent_to_verify(client.get(reverse("admin:index")), "/admin/")
    assert _sent_to_verify(client.get("/"), "/")


def test_a_verified_office_session_reaches_its_pages_and_the_admin(client):
    sign_in(client, OfficeUserFactory())
    for name in ("delivery:home", "people:home", "admin:index", "accounts:account"):
        assert client.get(reverse(name)).status_code == 200, name


def test_a_password_only_reporter_is_not_asked_for_a_second_factor(client):
    client.force_login(ReporterFactory())
    assert client.get(reverse("accounts:account")).status_code == 200


def test_signing_in_with_the_form_then_a_code_opens_the_office_pages(client):
    user = OfficeUserFactory(username="zhao")
    device = two_factor_device(user)
    response = client.post(reverse("accounts:login"), {"username": "zhao", "password": "pw-for-tests"})
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert _sent_to_verify(response, "")
    page = client.get(response["Location"])
    assert page.status_code == 200 and 'name="code"' in page.content.decode()
    wrong = client.post(reverse("accounts:two_factor"), {"code": "000000", "next": "/people/"})
    assert wrong.status_code == 400 and "not right" in wrong.content.decode()
    device.refresh_from_db()
    device.throttle_reset()  # the wrong code above throttles the next try for a second
    right = client.post(reverse("accounts:two_factor"), {"code": totp_code(device.key), "next": "/people/"})
    assert right.status_code == 302 and right["Location"] == "/people/"
    assert client.get("/people/").status_code == 200
    # (the password step is recorded as a sign-in of its own; writes() leaves sign-ins and sign-outs out)
    assert list(
        AuditEvent.objects.writes().filter(object_id=str(user.pk)).values_list("verb", flat=True)
    ) == ["two_factor_fail"]


def test_a_code_is_taken_once_and_a_foreign_next_is_ignored(client):
    user = OfficeUserFactory()
    device = two_factor_device(user)
    code = totp_code(device.key)
    client.force_login(user)
    response = client.post(reverse("accounts:two_factor"), {"code": code, "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == reverse("portal:start")
    other = type(client)()
    other.force_login(user)
    assert other.post(reverse("accounts:two_factor"), {"code": code}).status_code == 400


def test_enrolment_at_the_first_sign_in_shows_a_qr_code_and_gives_recovery_codes_once(client):
    user = OfficeUserFactory(username="qian")
    client.force_login(user)
    response = client.get(reverse("delivery:home"))
    assert _sent_to_verify(response, "")
    response = client.get(response["Location"])  # no authenticator yet: enrolment
    assert response.status_code == 302 and response["Location"].startswith(
        reverse("accounts:two_factor_enrol")
    )
    page = client.get(response["Location"])
    assert page.status_code == 200 and page["Cache-Control"].startswith("max-age=0")
    html = page.content.decode()
    assert "<svg" in html and "<path" in html  # the QR code, drawn here
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    secret = re.search(r'<code class="secret">([A-Z2-7=]+)</code>', html).group(1)
    import base64

    assert base64.b32decode(secret) == bytes.fromhex(device.key)
    assert client.get(reverse("accounts:two_factor_enrol")).content.decode().count(secret) == 1  # same key

    wrong = client.post(reverse("accounts:two_factor_enrol"), {"code": "123456"})
    assert wrong.status_code == 400 and not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    device.refresh_from_db()
    device.throttle_reset()
    done = client.post(
        reverse("accounts:two_factor_enrol"),
        {"code": totp_code(device.key), "next": reverse("delivery:home")},
    )
    assert done.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", done.content.decode())
    assert len(codes) == 10 and set(codes) == set(StaticToken.objects.values_list("token", flat=True))
    assert client.get(reverse("delivery:home")).status_code == 200  # verified now
    assert AuditEvent.objects.filter(verb="two_factor_enrol", actor=user).count() == 1
    # Enrolment cannot be run again over a working authenticator.
    assert client.get(reverse("accounts:two_factor_enrol")).status_code == 302


def test_a_recovery_code_signs_in_once(client):
    user = OfficeUserFactory()
    device = services.two_factor_pending(user=user)
    codes = services.two_factor_confirm(user=user, device=device, token=totp_code(device.key))
    client.force_login(user)
    response = client.post(reverse("accounts:two_factor"), {"code": codes[0].upper(), "next": "/people/"})
    assert response.status_code == 302 and response["Location"] == "/people/"
    assert client.get("/people/").status_code == 200
    assert StaticToken.objects.filter(token=codes[0]).count() == 0  # spent
    event = AuditEvent.objects.get(verb="two_factor_recovery_use")
    assert event.actor == user and event.details == {"remaining": 9}
    again = type(client)()
    again.force_login(user)
    assert again.post(reverse("accounts:two_factor"), {"code": codes[0]}).status_code == 400


def test_an_office_user_resets_a_colleagues_lost_authenticator(client):
    colleague = OfficeUserFactory(username="sun")
    device = services.two_factor_pending(user=colleague)
    services.two_factor_confirm(user=colleague, device=device, token=totp_code(device.key))
    theirs = type(client)()
    sign_in(theirs, colleague)
    assert theirs.get(reverse("people:home")).status_code == 200

    office = OfficeUserFactory()
    sign_in(client, office)
    page = client.get(reverse("people:home")).content.decode()
    reset_url = reverse("people:person_two_factor_reset", args=[colleague.pk])
    assert reset_url in page
    response = client.post(reset_url)
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=colleague).exists()
    assert not StaticDevice.objects.filter(user=colleague).exists()
    event = AuditEvent.objects.get(verb="two_factor_reset")
    assert (event.actor, event.object_id) == (office, str(colleague.pk))
    # Their open session owes a second factor again, and they enrol a new authenticator.
    response = theirs.get(reverse("people:home"))
    assert _sent_to_verify(response, "")
    assert theirs.get(response["Location"])["Location"].startswith(reverse("accounts:two_factor_enrol"))


def test_no_one_resets_their_own_authenticator_and_only_the_office_resets(client):
    office = OfficeUserFactory()
    sign_in(client, office)
    assert client.post(reverse("people:person_two_factor_reset", args=[office.pk])).status_code == 403
    assert TOTPDevice.objects.filter(user=office).exists()
    reporter = ReporterFactory()
    other = OfficeUserFactory()
    two_factor_device(other)
    sign_in(client, reporter)
    assert client.post(reverse("people:person_two_factor_reset", args=[other.pk])).status_code == 403
    assert TOTPDevice.objects.filter(user=other).exists()
    assert not AuditEvent.objects.filter(verb="two_factor_reset").exists()


def test_a_member_of_the_public_opts_in_from_their_account_page_and_out_again(client):
    person = PublicUserFactory()
    client.force_login(person)
    page = client.get(reverse("accounts:account")).content.decode()
    assert reverse("accounts:two_factor_enrol") in page
    client.get(reverse("accounts:two_factor_enrol"))
    device = TOTPDevice.objects.get(user=person)
    done = client.post(reverse("accounts:two_factor_enrol"), {"code": totp_code(device.key)})
    assert done.status_code == 200
    # From now on their sign-in asks for the code too.
    later = type(client)()
    later.force_login(person)
    assert _sent_to_verify(later.get(reverse("accounts:account")), "")
    sign_in(later, person)
    assert later.get(reverse("accounts:account")).status_code == 200
    assert later.post(reverse("accounts:two_factor_off")).status_code == 302
    assert not TOTPDevice.objects.filter(user=person).exists()
    fresh = type(client)()
    fresh.force_login(person)
    assert fresh.get(reverse("accounts:account")).status_code == 200


def test_the_office_cannot_turn_two_factors_off(client):
    office = OfficeUserFactory()
    sign_in(client, office)
    client.post(reverse("accounts:two_factor_off"))
    assert TOTPDevice.objects.filter(user=office).exists()
    assert not AuditEvent.objects.filter(verb="two_factor_remove").exists()


def test_new_recovery_codes_replace_the_old_ones(client):
    user = OfficeUserFactory()
    device = services.two_factor_pending(user=user)
    old = services.two_factor_confirm(user=user, device=device, token=totp_code(device.key))
    sign_in(client, user)
    page = client.post(reverse("accounts:recovery_codes"))
    new = re.findall(r"<li><code>([a-z2-7]+)</code></li>", page.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    assert set(StaticToken.objects.values_list("token", flat=True)) == set(new)


def test_the_otp_admin_pages_that_would_show_secrets_are_gone(client):
    sign_in(client, OfficeUserFactory())
    index = client.get(reverse("admin:index")).content.decode()
    assert "otp_totp" not in index and "otp_static" not in index


def test_the_sign_in_helper_gives_a_role_without_two_factors_a_plain_session(client):
    user = UserFactory(role=User.Role.DEPUTY)
    sign_in(client, user)
    assert not TOTPDevice.objects.filter(user=user).exists()
