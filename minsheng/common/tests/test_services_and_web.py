"""The shared plumbing: a refusal's message, validation into the app's own error, a lock on a row that went,
the site's language for stored text, and one 404 for a missing and a forbidden object."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import RequestFactory
from django.utils import timezone, translation

from minsheng.accounts.tests.factories import OfficeUserFactory, PublicUserFactory
from minsheng.common import services, web
from minsheng.common.commands import BAD_INPUT, date_argument
from minsheng.plans.tests.factories import PlanFactory

pytestmark = pytest.mark.django_db


class AppError(ValidationError):
    pass


def test_require_asks_an_anonymous_visitor_to_sign_in_and_tells_others_why():
    with translation.override("en"):
        with pytest.raises(PermissionDenied, match="Sign in first"):
            services.require(AnonymousUser(), "plans.change_plan")
        with pytest.raises(PermissionDenied, match="Sign in first"):
            services.require(None, "plans.change_plan")
        with pytest.raises(PermissionDenied, match="You may not do this"):
            services.require(PublicUserFactory(), "plans.change_plan")
        with pytest.raises(PermissionDenied, match="Not yours"):
            services.require(PublicUserFactory(), "plans.change_plan", message="Not yours")
    services.require(OfficeUserFactory(), "plans.change_plan")


def test_clean_raises_the_apps_own_error_with_the_same_fields():
    user = PublicUserFactory.build(username="")
    with pytest.raises(AppError) as caught:
        services.clean(user, AppError)
    assert "username" in caught.value.message_dict


def test_lock_reads_the_row_again_or_says_it_has_gone():
    plan = PlanFactory()
    assert services.lock(type(plan), plan).pk == plan.pk
    gone = PlanFactory()
    type(gone).objects.filter(pk=gone.pk).delete()
    with translation.override("en"), pytest.raises(AppError, match="no longer exists"):
        services.lock(type(gone), gone, error=AppError)


def test_stored_text_is_in_the_site_language_whatever_the_request(settings):
    settings.LANGUAGE_CODE = "zh-hans"
    with translation.override("en"):
        assert services.in_site_language(lambda: translation.get_language()) == "zh-hans"


def test_an_item_label_and_a_moment_read_the_same_everywhere(settings):
    class Item:
        no, title, text = 3, "", "为1.7万名65岁及以上老年人提供免费健康体检，覆盖全市所有社区卫生服务中心。"

    with translation.override("en"):
        assert (
            services.item_label(Item())
            == "item 3 “为1.7万名65岁及以上老年人提供免费健康体检，覆盖全市所有…”"  # 30 characters
        )
    moment = timezone.make_aware(dt.datetime(2025, 3, 1, 9, 30))
    assert services.when(moment) == "2025-03-01 09:30"
    assert services.link("portal:plan", 7, fragment="#items").endswith("/7/#items")
    assert services.link("no:such-page", 1, fallback=("portal:plan", (7,))).endswith("/7/")
    assert services.link("no:such-page", 1) == ""


def test_access_answers_the_same_for_missing_and_forbidden():
    plan = PlanFactory()
    office, public = OfficeUserFactory(), PublicUserFactory()
    assert web.access(plan, office, "plans.change_plan") is plan
    for found, user in ((plan, public), (None, office), (None, public)):
        with pytest.raises(Http404):
            web.access(found, user, "plans.change_plan")
    with pytest.raises(web.SignInFirst):
        web.access(plan, AnonymousUser(), "plans.change_plan")
    with pytest.raises(web.SignInFirst):
        web.access(None, AnonymousUser(), "plans.change_plan")
    with pytest.raises(Http404):
        web.access(None, AnonymousUser(), "plans.view_plan", private=False)


def test_sign_in_first_is_the_sign_in_page_and_back():
    request = RequestFactory().get("/somewhere/?x=1")
    response = web.SignInFirstMiddleware(lambda r: None).process_exception(request, web.SignInFirst(""))
    assert response is not None and response.status_code == 302
    assert "next=/somewhere/%3Fx%3D1" in response["Location"]
    assert web.SignInFirstMiddleware(lambda r: None).process_exception(request, ValueError()) is None


def test_a_command_date_is_checked():
    assert date_argument("2025-06-30") == dt.date(2025, 6, 30)
    with translation.override("en"), pytest.raises(Exception, match="is not a date") as caught:
        date_argument("30/06/2025")
    assert caught.value.returncode == BAD_INPUT
