"""The demo shows every stage whatever the day it is built: a list collecting suggestions, a draft open for
comment with comments and responses, a vote open to the demo deputy, a rating open, and a plan in delivery
with a mix of lights on that day."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from minsheng.accounts.tests.factories import DeputyFactory, OfficeUserFactory
from minsheng.delivery.schedule import Light
from minsheng.delivery.selectors import plan_status
from minsheng.demo.delivery import demo_delivery_setup, demo_year
from minsheng.demo.stages import demo_stages_setup
from minsheng.demo.voting import demo_voting_setup
from minsheng.participation.models import Comment, Phase, Response
from minsheng.participation.selectors import plan_windows
from minsheng.plans.models import Plan
from minsheng.plans.services import plan_import
from minsheng.voting.selectors import open_work_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("today", [dt.date(2026, 2, 10), dt.date(2026, 7, 1), dt.date(2026, 11, 30)])
def test_the_demo_shows_every_stage_whatever_the_day(seed_docx, today):
    office = OfficeUserFactory()
    deputy = DeputyFactory()
    year = demo_year(today)
    plan = plan_import(content=seed_docx.read_bytes(), filename=seed_docx.name, year=year).plan
    demo_delivery_setup(plan=plan, office=office, today=today)
    voting = demo_voting_setup(office=office, rated_plan=plan, year=year + 1)
    stages = demo_stages_setup(office=office, year=year + 1)

    # delivery: every kind of light on the day, not all of one
    lights = [item.light for item in plan_status(plan=plan, on=today).items]
    assert {Light.DONE, Light.GREEN, Light.YELLOW, Light.RED} <= set(lights)
    # the vote awaits the demo deputy; the rating of the plan in delivery is open
    assert open_work_for(user=deputy, now=timezone.now()) == ("vote", voting.candidates_plan.pk)
    assert voting.rating.status == "open" and voting.rated_plan == plan
    # a list collecting suggestions, a draft open for comment with answered comments
    assert stages.solicitation.status == Plan.Status.SOLICITATION
    assert plan_windows(plan=stages.solicitation)[Phase.SOLICITATION].is_open
    assert len(stages.suggestions) == 3
    assert stages.consultation.status == Plan.Status.CONSULTATION
    assert plan_windows(plan=stages.consultation)[Phase.CONSULTATION].is_open
    assert Comment.objects.filter(plan=stages.consultation, status="published").count() == 4
    assert Response.objects.filter(comment__plan=stages.consultation).count() == 2
    # every plan's year is distinct within its region
    assert len({(p.region_id, p.year) for p in Plan.objects.all()}) == Plan.objects.count() == 4
