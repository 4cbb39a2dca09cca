"""The office's stages page of a plan (docs/stages.md): where the plan is in its year and what moves it on.

One page, four forms, each posted to its own view: the plan's stage (``plans.services.plan_status_set``,
which runs the other apps' guards), the suggestion and the comment windows with their rules
(``participation.services.window_set``), and the sensitive words (``sensitive_word_add``/``_remove``).
The vote and the rating have their own pages (linked). Office only: ``plans.change_plan`` to see the page
and move the stage, ``participation.change_window`` / ``change_sensitiveword`` for the rest.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from minsheng.accounts.http import signed_in_user
from minsheng.common.web import BAD_INPUT, access, attempt, refusals_as_page, require
from minsheng.participation import services as participation
from minsheng.participation.models import Phase
from minsheng.participation.selectors import plan_get, sensitive_word_get, sensitive_word_list
from minsheng.participation.services import ParticipationError
from minsheng.plans.models import Plan
from minsheng.plans.services import PlanStatusError, plan_status_set
from minsheng.portal.forms import SensitiveWordForm, StageForm, WindowForm
from minsheng.portal.selectors import plan_stages_get
from minsheng.voting import services as voting
from minsheng.voting.selectors import plan_rounds_get
from minsheng.voting.services import VotingError

page = refusals_as_page("notifications/denied.html")


def _plan(request: HttpRequest, plan_id: int) -> Plan:
    plan = access(plan_get(plan_id=plan_id), request.user, "plans.view_plan", private=False)
    require(
        request, "plans.change_plan", plan, message=_("Only the supervision office runs a plan's stages.")
    )
    return plan


def _render(request: HttpRequest, plan: Plan, *, status: int = 200, **given: Any) -> HttpResponse:
    stages = plan_stages_get(plan=plan, now=timezone.now())
    context: dict[str, Any] = {
        "plan": plan,
        "stages": stages,
        "stage_form": given.get("stage_form") or StageForm(initial={"status": plan.status}),
        "windows": [
            {
                "phase": phase,
                "label": Phase(phase).label,
                "state": stages.windows[phase],
                "form": given.get(f"window_form_{phase}")
                or WindowForm.for_window(stages.windows[phase].window, prefix=phase),
            }
            for phase in Phase.values
        ],
        "words": sensitive_word_list(plan=plan),
        "word_form": given.get("word_form") or SensitiveWordForm(),
        "can_change_window": request.user.has_perm("participation.change_window", plan),
        "can_change_words": request.user.has_perm("participation.change_sensitiveword", plan),
    }
    return render(request, "portal/stages.html", context, status=status)


@require_safe
@page
def stages(request: HttpRequest, plan_id: int) -> HttpResponse:
    return _render(request, _plan(request, plan_id))


@require_POST
@page
def stage_set(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _plan(request, plan_id)
    form = StageForm(request.POST)
    if form.is_valid():
        status = form.cleaned_data["status"]
        _result, code = attempt(
            form,
            lambda: plan_status_set(plan=plan, status=status, by=signed_in_user(request)),
            PlanStatusError,
        )
        if code == 200:
            messages.success(
                request, _("The plan is now at the stage “%(stage)s”.") % {"stage": Plan.Status(status).label}
            )
            return redirect("portal:stages", plan.pk)
        plan.refresh_from_db()
    return _render(request, plan, status=BAD_INPUT, stage_form=form)


@require_POST
@page
def window_save(request: HttpRequest, plan_id: int, phase: str) -> HttpResponse:
    plan = _plan(request, plan_id)
    if phase not in Phase.values:
        raise Http404
    require(request, "participation.change_window", plan)
    form = WindowForm(request.POST, prefix=phase)
    if form.is_valid():
        _result, code = attempt(
            form,
            lambda: participation.window_set(
                plan=plan, phase=phase, by=signed_in_user(request), **form.cleaned_data
            ),
            ParticipationError,
        )
        if code == 200:
            messages.success(request, _("“%(window)s” is saved.") % {"window": Phase(phase).label})
            return redirect("portal:stages", plan.pk)
    return _render(request, plan, status=BAD_INPUT, **{f"window_form_{phase}": form})


@require_POST
@page
def word_add(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _plan(request, plan_id)
    require(request, "participation.change_sensitiveword", plan)
    form = SensitiveWordForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        _result, code = attempt(
            form,
            lambda: participation.sensitive_word_add(
                word=data["word"], by=signed_in_user(request), plan=None if data["every_plan"] else plan
            ),
            ParticipationError,
        )
        if code == 200:
            messages.success(request, _("The word is added."))
            return redirect("portal:stages", plan.pk)
    return _render(request, plan, status=BAD_INPUT, word_form=form)


@require_POST
@page
def word_remove(request: HttpRequest, plan_id: int, word_id: int) -> HttpResponse:
    plan = _plan(request, plan_id)
    word = sensitive_word_get(word_id=word_id)
    if word is None or word.plan_id not in (None, plan.pk):
        raise Http404
    require(request, "participation.change_sensitiveword", word.plan)
    participation.sensitive_word_remove(sensitive_word=word, by=signed_in_user(request))
    messages.success(request, _("“%(word)s” is removed.") % {"word": word.word})
    return redirect("portal:stages", plan.pk)


# --- "open now" / "close now" beside each dated form --------------------------------------------------------

NOW_KINDS = ("solicitation", "consultation", "vote", "rating")


def _round_now(plan: Plan, kind: str, step: str, by: Any) -> None:
    """Open or close a window, the vote or the rating now, through their own services (one transaction).
    A vote or rating whose opening time is still ahead is first moved to open now (``vote_set`` /
    ``rating_set``, its other settings kept)."""
    now = timezone.now()
    with transaction.atomic():
        if kind in Phase.values:
            if step == "open":
                participation.window_open_now(plan=plan, phase=kind, by=by, now=now)
            else:
                participation.window_close_now(plan=plan, phase=kind, by=by, now=now)
            return
        vote, rating = plan_rounds_get(plan=plan)
        if kind == "vote":
            if vote is None:
                raise VotingError(_("No vote is set up for this plan."))
            if step == "open":
                if vote.opens_at > now:
                    vote = voting.vote_set(
                        plan=plan,
                        by=by,
                        rule=vote.rule,
                        choose=vote.choose,
                        opens_at=now,
                        closes_at=vote.closes_at,
                        majority_required=vote.majority_required,
                    )
                voting.vote_open(round=vote, by=by)
            else:
                voting.vote_close(round=vote, by=by)
            return
        if rating is None:
            raise VotingError(_("No rating is set up for this plan."))
        if step == "open":
            if rating.opens_at > now:
                rating = voting.rating_set(
                    plan=plan, by=by, opens_at=now, closes_at=rating.closes_at, threshold=rating.threshold
                )
            voting.rating_open(round=rating, by=by)
        else:
            voting.rating_close(round=rating, by=by)


@require_POST
@page
def round_now(request: HttpRequest, plan_id: int, kind: str, step: str) -> HttpResponse:
    plan = _plan(request, plan_id)
    if kind not in NOW_KINDS or step not in ("open", "close"):
        raise Http404
    if kind in Phase.values:
        require(request, "participation.change_window", plan)
        label = str(Phase(kind).label)
    else:
        require(request, f"voting.manage_{kind}", plan)
        label = _("The vote") if kind == "vote" else _("The rating")
    try:
        _round_now(plan, kind, step, signed_in_user(request))
    except (ParticipationError, VotingError) as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        done = _("“%(what)s” is open now.") if step == "open" else _("“%(what)s” is closed now.")
        messages.success(request, done % {"what": label})
    return redirect("portal:stages", plan.pk)
