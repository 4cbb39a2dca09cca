"""The vote and rating pages (docs/voting.md): a plan's hub, the deputies' ballot, the office's set-up and
close, the published tally; the rating form, its results with flags, supervision notices from flags; CSV
downloads of both tallies.

Each view parses input, checks a rule (minsheng/voting/rules.py), calls one service or selector and renders.
A refused rule sends an anonymous visitor to sign in and shows anyone else a 403 page that says why; a
service's ``VotingError`` is put back on the form with what was sent, and nothing was stored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from minsheng.accounts.http import signed_in_user
from minsheng.common import web
from minsheng.common.web import BAD_INPUT, OK, HtmxHttpRequest, access
from minsheng.participation.web import page
from minsheng.plans.models import Plan
from minsheng.plans.services import plan_status_set
from minsheng.voting import exports, selectors, services
from minsheng.voting.forms import BallotForm, ConfirmForm, RateForm, RatingSetForm, TieForm, VoteSetForm
from minsheng.voting.models import Grade, RaterGroup, RatingRound, RoundStatus, VoteRule
from minsheng.voting.services import VotingError
from minsheng.voting.workflows import round_steps

# --- helpers ---------------------------------------------------------------------------------------------


def _attempt(form: Form, action: Callable[[], Any]) -> tuple[Any, int]:
    return web.attempt(form, action, VotingError)


def _plan(request: HttpRequest, plan_id: int) -> Plan:
    return access(selectors.plan_get(plan_id=plan_id), request.user, "plans.view_plan", private=False)


def _step(request: HttpRequest, action: Callable[[], Any], done: str, back: str) -> HttpResponse:
    return web.button(request, action, done=done, back=back, errors=VotingError)


def _csv_response(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- the plan's hub --------------------------------------------------------------------------------------


@require_safe
@page
def plan(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _plan(request, plan_id)
    web.require(request, "voting.see_vote", plan)
    return render(
        request,
        "voting/plan.html",
        {
            "plan": plan,
            "vote": selectors.vote_round_get(plan=plan),
            "rating": selectors.rating_round_get(plan=plan),
            "can_manage_vote": request.user.has_perm("voting.manage_vote", plan),
            "can_manage_rating": request.user.has_perm("voting.manage_rating", plan),
        },
    )


# Stages the vote and rating pages move a plan to, and the page each move comes from.
STAGE_PAGES: dict[str, str] = {
    Plan.Status.VOTING: "voting:vote_manage",
    Plan.Status.ADOPTED: "voting:rating_manage",
}


@require_POST
@page
def plan_stage(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The office moves the plan to the voting stage (before setting up the vote) or marks it adopted
    (before a rating, where the list was adopted without a vote)."""
    plan = _plan(request, plan_id)
    web.require(request, "plans.change_plan", plan, next_url=reverse("voting:plan", args=[plan.pk]))
    status = request.POST.get("status", "")
    if status not in STAGE_PAGES:
        messages.error(request, _("Choose the voting stage or adopted."))
        return redirect("voting:plan", plan.pk)
    try:
        plan_status_set(plan=plan, status=status, by=signed_in_user(request))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("The plan is now at the stage “%(stage)s”.") % {"stage": Plan.Status(status).label}
        )
    return redirect(STAGE_PAGES[status], plan.pk)


# --- the vote ---------------------------------------------------------------------------------------------


def _vote_context(
    request: HttpRequest, plan: Plan, view: selectors.VoteView | None = None, form: BallotForm | None = None
) -> dict[str, Any]:
    view = view or selectors.vote_view(plan=plan, user=request.user)
    round_ = view.round
    in_window = selectors.round_accepts(round_, timezone.now())
    deputy = bool(round_ and request.user.has_perm("voting.cast_ballot", round_))
    can_cast = deputy and view.on_roll
    if form is None and can_cast and in_window and view.receipt is None:
        form = BallotForm(candidates=[row.item for row in view.rows])
    return {
        "plan": plan,
        "view": view,
        "round": round_,
        "in_window": in_window,
        "can_cast": can_cast,
        "off_roll": deputy
        and round_ is not None
        and round_.status != RoundStatus.PREPARED
        and not view.on_roll,
        "form": form,
        "exactly": bool(round_ and round_.rule == VoteRule.EXACTLY),
        "can_manage": request.user.has_perm("voting.manage_vote", plan),
    }


@require_safe
@page
def vote(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _plan(request, plan_id)
    web.require(request, "voting.see_vote", plan)
    return render(request, "voting/vote.html", _vote_context(request, plan))


@sensitive_post_parameters("items")
@require_POST
@page
def vote_cast(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _plan(request, plan_id)
    round_ = access(selectors.vote_round_get(plan=plan), request.user, "voting.see_vote", private=False)
    web.require(
        request,
        "voting.cast_ballot",
        round_,
        message=_("Only deputies vote."),
        next_url=reverse("voting:vote", args=[plan.pk]),
    )
    view = selectors.vote_view(plan=plan, user=request.user)
    form = BallotForm(request.POST, candidates=[row.item for row in view.rows])
    if form.is_valid():
        _done, status = _attempt(
            form,
            lambda: services.ballot_cast(
                round=round_, by=signed_in_user(request), item_ids=form.cleaned_data["items"]
            ),
        )
        if status == OK:
            messages.success(request, _("Your ballot is cast. Thank you."))
            return redirect("voting:vote", plan.pk)
    return render(request, "voting/vote.html", _vote_context(request, plan, view, form), status=BAD_INPUT)


def _manage_vote_context(
    request: HttpRequest,
    plan: Plan,
    form: VoteSetForm | None = None,
    tie_form: TieForm | None = None,
    view: selectors.VoteView | None = None,
) -> dict[str, Any]:
    view = view or selectors.vote_view(plan=plan, user=request.user)
    round_ = view.round
    if form is None and (round_ is None or round_.status == RoundStatus.PREPARED):
        initial: dict[str, Any] = {"rule": VoteRule.AT_MOST}
        if round_ is not None:
            initial = {
                "rule": round_.rule,
                "choose": round_.choose,
                "majority_required": round_.majority_required,
                "opens_at": timezone.localtime(round_.opens_at),
                "closes_at": timezone.localtime(round_.closes_at),
            }
        form = VoteSetForm(initial=initial)
    if tie_form is None and round_ is not None and round_.tied:
        tie_form = TieForm(tied=[row.item for row in view.tied])
    progress = None
    if (
        round_ is not None
        and round_.status == RoundStatus.OPEN
        and request.user.has_perm("voting.view_receipts")
    ):
        progress = selectors.vote_progress(round=round_)
    return {
        "plan": plan,
        "view": view,
        "round": round_,
        "steps": round_steps(round=round_, user=request.user),
        "form": form,
        "tie_form": tie_form,
        "progress": progress,
        "confirm": ConfirmForm(),
    }


@require_http_methods(["GET", "HEAD", "POST"])
@page
def vote_manage(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _plan(request, plan_id)
    web.require(request, "voting.manage_vote", plan)
    if request.method == "POST":
        form = VoteSetForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            _done, status = _attempt(
                form,
                lambda: services.vote_set(
                    plan=plan,
                    by=signed_in_user(request),
                    rule=data["rule"],
                    choose=data["choose"],
                    opens_at=data["opens_at"],
                    closes_at=data["closes_at"],
                    majority_required=data["majority_required"],
                ),
            )
            if status == OK:
                messages.success(request, _("The vote is set up."))
                return redirect("voting:vote_manage", plan.pk)
        return render(
            request,
            "voting/vote_manage.html",
            _manage_vote_context(request, plan, form=form),
            status=BAD_INPUT,
        )
    return render(request, "voting/vote_manage.html", _manage_vote_context(request, plan))


def _round_step(
    *, perm: str, round_of: Callable[..., Any], service: Callable[..., Any], done: Any, then: str
) -> Callable[..., HttpResponse]:
    """A view for a button that moves a round on (open, close): the rule, the service, a message, a page."""

    @require_POST
    @page
    def view(request: HttpRequest, plan_id: int) -> HttpResponse:
        plan = _plan(request, plan_id)
        web.require(request, perm, plan, next_url=reverse(then, args=[plan.pk]))
        round_ = access(round_of(plan=plan), request.user, "plans.view_plan", private=False)
        return _step(
            request,
            lambda: service(round=round_, by=signed_in_user(request)),
            str(done),
            reverse(then, args=[plan.pk]),
        )

    return view


vote_open = _round_step(
    perm="voting.manage_vote",
    round_of=selectors.vote_round_get,
    service=services.vote_open,
    done=gettext_lazy("The vote is open."),
    then="voting:vote_manage",
)
vote_close = _round_step(
    perm="voting.manage_vote",
    round_of=selectors.vote_round_get,
    service=services.vote_close,
    done=gettext_lazy("The vote is closed and the tally is published."),
    then="voting:vote_results",
)


@require_POST
@page
def vote_tie(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _plan(request, plan_id)
    web.require(request, "voting.manage_vote", plan, next_url=reverse("voting:vote_manage", args=[plan.pk]))
    round_ = access(selectors.vote_round_get(plan=plan), request.user, "voting.see_vote", private=False)
    view = selectors.vote_view(plan=plan, user=request.user)
    form = TieForm(request.POST, tied=[row.item for row in view.tied])
    if form.is_valid():
        data = form.cleaned_data
        _done, status = _attempt(
            form,
            lambda: services.vote_tie_decide(
                round=round_, by=signed_in_user(request), item_ids=data["items"], reason=data["reason"]
            ),
        )
        if status == OK:
            messages.success(request, _("The tie is decided and the plan is adopted."))
            return redirect("voting:vote_results", plan.pk)
    return render(
        request,
        "voting/vote_manage.html",
        _manage_vote_context(request, plan, tie_form=form, view=view),
        status=BAD_INPUT,
    )


@require_safe
@page
def vote_results(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _plan(request, plan_id)
    web.require(request, "voting.see_vote", plan)
    view = selectors.vote_view(plan=plan, user=request.user)
    context: dict[str, Any] = {"plan": plan, "view": view, "round": view.round}
    if view.published:
        context["rows"] = selectors.vote_tally_sorted(view)
        context["chart"] = exports.vote_chart(view)
    if view.withheld and view.round is not None:
        context["withheld"] = selectors.vote_withheld_message(view.round)
    closed = view.published or view.withheld
    return render(request, "voting/vote_results.html", context, status=200 if closed else 404)


@require_safe
@page
def vote_results_csv(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _plan(request, plan_id)
    web.require(request, "voting.see_vote", plan)
    view = selectors.vote_view(plan=plan, user=request.user)
    if view.withheld and view.round is not None:
        rows = exports.vote_withheld_rows(view, selectors.vote_withheld_message(view.round))
        return _csv_response(exports.csv_text(rows), f"vote-{plan.year}-{plan.pk}.csv")
    if not view.published:
        raise Http404
    return _csv_response(exports.csv_text(exports.vote_rows(view)), f"vote-{plan.year}-{plan.pk}.csv")


# --- the rating -------------------------------------------------------------------------------------------


def _rating_context(
    request: HttpRequest, plan: Plan, *, error_item: int | None = None, error_form: RateForm | None = None
) -> dict[str, Any]:
    view = selectors.rating_view(plan=plan, user=request.user)
    round_ = view.round
    in_window = selectors.round_accepts(round_, timezone.now())
    can_rate = bool(round_ and request.user.has_perm("voting.rate_item", round_))
    return {
        "plan": plan,
        "view": view,
        "round": round_,
        "in_window": in_window,
        "can_rate": can_rate,
        "grades": Grade.choices,
        "can_manage": request.user.has_perm("voting.manage_rating", plan),
        "rated": len(view.mine),
        "entries": [
            {
                "item": item,
                "mine": view.mine.get(item.pk),
                "form": error_form if item.pk == error_item else None,
            }
            for item in view.items
        ],
    }


@require_safe
@page
def rating(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _plan(request, plan_id)
    web.require(request, "voting.see_rating", plan)
    return render(request, "voting/rating.html", _rating_context(request, plan))


@require_POST
@page
def rating_rate(request: HtmxHttpRequest, plan_id: int, item_id: int) -> HttpResponse:
    plan = _plan(request, plan_id)
    round_ = access(selectors.rating_round_get(plan=plan), request.user, "voting.see_rating", private=False)
    page_url = reverse("voting:rating", args=[plan.pk])
    if request.htmx and not request.user.has_perm("voting.rate_item", round_):
        # htmx would put the sign-in page (or the refusal) inside the item: load the whole page instead.
        if request.user.is_authenticated:
            messages.error(request, _("Deputies and registered residents rate the items."))
            target = page_url
        else:
            target = f"{reverse('accounts:login')}?{urlencode({'next': page_url})}"
        return HttpResponse(status=204, headers={"HX-Redirect": target})
    web.require(
        request,
        "voting.rate_item",
        round_,
        message=_("Deputies and registered residents rate the items."),
        next_url=page_url,
    )
    item = access(
        selectors.item_of_plan(plan=plan, item_id=item_id), request.user, "plans.view_item", private=False
    )
    form = RateForm(request.POST)
    rating_obj, status = None, BAD_INPUT
    if form.is_valid():
        rating_obj, status = _attempt(
            form,
            lambda: services.item_rate(
                round=round_,
                item=item,
                by=signed_in_user(request),
                grade=form.cleaned_data["grade"],
                comment=form.cleaned_data["comment"],
            ),
        )
    ok = status == OK
    if request.htmx:
        context = {
            "item": item,
            "mine": rating_obj if ok else selectors.rating_mine(round=round_, item=item, user=request.user),
            "form": None if ok else form,
            "saved": ok,
            "in_window": selectors.round_accepts(round_, timezone.now()),
            "can_rate": True,
            "grades": Grade.choices,
            "plan": plan,
            "progress": {
                "rated": selectors.rated_count(round=round_, user=request.user),
                "items": selectors.item_count(plan=plan),
            },
        }
        return render(request, "voting/_rate_item.html", context, status=200 if ok else BAD_INPUT)
    if ok:
        messages.success(request, _("Your rating of item %(no)d is saved.") % {"no": item.no})
        return redirect(f"{page_url}#item-{item.pk}")
    context = _rating_context(request, plan, error_item=item.pk, error_form=form)
    return render(request, "voting/rating.html", context, status=BAD_INPUT)


def _raters(round_: RatingRound | None) -> dict[str, int] | None:
    """How many have rated: live while the rating is open, as published once it is closed."""
    if round_ is None or round_.status == RoundStatus.PREPARED:
        return None
    if round_.status == RoundStatus.CLOSED:
        return {RaterGroup.DEPUTY: round_.deputy_raters or 0, RaterGroup.PUBLIC: round_.public_raters or 0}
    return selectors.rater_counts(round_)


@require_http_methods(["GET", "HEAD", "POST"])
@page
def rating_manage(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _plan(request, plan_id)
    web.require(request, "voting.manage_rating", plan)
    round_ = selectors.rating_round_get(plan=plan)
    status = 200
    if request.method == "POST":
        form = RatingSetForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            _done, status = _attempt(
                form,
                lambda: services.rating_set(
                    plan=plan,
                    by=signed_in_user(request),
                    opens_at=data["opens_at"],
                    closes_at=data["closes_at"],
                    threshold=data["threshold"],
                ),
            )
            if status == OK:
                messages.success(request, _("The rating is set up."))
                return redirect("voting:rating_manage", plan.pk)
        status = BAD_INPUT
    elif round_ is not None:
        form = RatingSetForm(
            initial={
                "threshold": round_.threshold,
                "opens_at": timezone.localtime(round_.opens_at),
                "closes_at": timezone.localtime(round_.closes_at),
            }
        )
    else:
        form = RatingSetForm()
    context = {
        "plan": plan,
        "round": round_,
        "steps": round_steps(round=round_, user=request.user),
        "form": form,
        "confirm": ConfirmForm(),
        "raters": _raters(round_),
    }
    return render(request, "voting/rating_manage.html", context, status=status)


rating_open = _round_step(
    perm="voting.manage_rating",
    round_of=selectors.rating_round_get,
    service=services.rating_open,
    done=gettext_lazy("The rating is open."),
    then="voting:rating_manage",
)
rating_close = _round_step(
    perm="voting.manage_rating",
    round_of=selectors.rating_round_get,
    service=services.rating_close,
    done=gettext_lazy("The rating is closed and the results are published."),
    then="voting:rating_results",
)


@require_safe
@page
def rating_results(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _plan(request, plan_id)
    web.require(request, "voting.see_rating", plan)
    round_ = selectors.rating_round_get(plan=plan)
    published = round_ is not None and round_.status == RoundStatus.CLOSED
    context: dict[str, Any] = {"plan": plan, "round": round_, "published": published}
    if round_ is not None and published:
        results = selectors.rating_results(round=round_)
        context.update(
            results=results,
            totals=selectors.rating_totals(results),
            chart=exports.rating_chart(results),
            raters=_raters(round_),
            flagged=[result for result in results if result.flag is not None],
            withheld=selectors.rating_withheld_message()
            if any(selectors.rating_withheld(round_).values())
            else "",
            can_notice=request.user.has_perm("voting.notice_from_flag"),
            comments=selectors.rating_comments(round=round_)
            if request.user.has_perm("voting.view_rating_comments", round_)
            else None,
        )
    return render(request, "voting/rating_results.html", context, status=200 if published else 404)


@require_safe
@page
def rating_results_csv(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _plan(request, plan_id)
    web.require(request, "voting.see_rating", plan)
    round_ = selectors.rating_round_get(plan=plan)
    if round_ is None or round_.status != RoundStatus.CLOSED:
        raise Http404
    results = selectors.rating_results(round=round_)
    rows = exports.rating_rows(results)
    if any(selectors.rating_withheld(round_).values()):
        rows += [[], [selectors.rating_withheld_message()]]
    return _csv_response(exports.csv_text(rows), f"rating-{plan.year}-{plan.pk}.csv")


@require_http_methods(["GET", "HEAD", "POST"])
@page
def flag_notice(request: HttpRequest, flag_id: int) -> HttpResponse:
    from minsheng.delivery.forms import NoticeForm
    from minsheng.delivery.services import DeliveryError

    flag = access(selectors.flag_get(flag_id=flag_id), request.user, "voting.view_ratingflag")
    web.require(request, "voting.notice_from_flag", flag)
    plan = flag.round.plan
    if flag.notice_id is not None:
        return redirect("delivery:notice", flag.notice_id)
    status = 200
    if request.method == "POST":
        form = NoticeForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                notice = services.notice_from_flag(
                    flag=flag,
                    by=signed_in_user(request),
                    reason=data["reason"],
                    demand=data["demand"],
                    reply_deadline=data["reply_deadline"],
                )
            except (VotingError, DeliveryError) as error:
                web.show_error(form, error)
            else:
                messages.success(request, _("The supervision notice is issued."))
                return redirect("delivery:notice", notice.pk)
        status = BAD_INPUT
    else:
        form = NoticeForm(
            initial={
                "reason": selectors.flag_reason(flag),
                "demand": _("Explain the residents' dissatisfaction and how it will be remedied."),
                "reply_deadline": timezone.localdate() + dt.timedelta(days=14),
            }
        )
    return render(
        request, "voting/flag_notice.html", {"flag": flag, "plan": plan, "form": form}, status=status
    )
