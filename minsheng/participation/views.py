"""The participation pages (docs/participation.md): public accounts, suggestions and their screening, the
consultation page of each item (comments, support, flags, responses, what changed), the consultation
report, and the office's screening and moderation queues.

Each view parses input, checks a rule (minsheng/participation/rules.py), calls one service or selector and
renders. A refused rule sends an anonymous visitor to sign in and shows anyone else a 403 page that says
why; a service's ``ParticipationError`` is put back on the form the person filled in, with everything they
typed, and nothing was stored. The client's address (``REMOTE_ADDR``) goes to the services as ``ip``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Page
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from minsheng.accounts.http import signed_in_user
from minsheng.common import web
from minsheng.common.pages import cached_page
from minsheng.common.paging import page_of
from minsheng.common.web import BAD_INPUT, OK
from minsheng.participation import selectors, services
from minsheng.participation.forms import (
    AcceptForm,
    CommentForm,
    ConfirmForm,
    DeclineForm,
    FlagForm,
    LinkForm,
    MergeForm,
    ModerateForm,
    RegisterForm,
    RespondForm,
    SuggestionForm,
)
from minsheng.participation.models import Comment, CommentStatus, Phase
from minsheng.participation.services import ParticipationError
from minsheng.participation.web import page
from minsheng.participation.workflows import moderation_decisions, screening_steps
from minsheng.plans.models import Item, Plan

SESSION_BACKEND = "django.contrib.auth.backends.ModelBackend"

# --- helpers ---------------------------------------------------------------------------------------------


def _ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def _attempt(form: Form, action: Callable[[], Any]) -> tuple[Any, int]:
    """Run a service call; on a ParticipationError put its messages on the form. (result, HTTP status)"""
    return web.attempt(form, action, ParticipationError)


def _next(request: HttpRequest, default: str) -> str:
    """Where to go after a button: the form's ``next`` if it is a path of this site, else ``default``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _item_url(item_id: int, fragment: str = "") -> str:
    return reverse("participation:item", args=[item_id]) + fragment


def _comment_url(item_id: int, comment_id: int) -> str:
    """A comment on its item's page: the page of the comments that holds it (``?comment=``), at the comment."""
    return _item_url(item_id, f"?comment={comment_id}#comment-{comment_id}")


def _number(value: str | None) -> int | None:
    """A whole number typed in the address, or None."""
    return int(value) if value and value.isdigit() and len(value) < 12 else None


PER_PAGE = 50  # rows of the office's queues, a plan's suggestions and a person's own lists


def _paged(request: HttpRequest, rows: Any, name: str = "page") -> Page:
    """One page of ``rows`` (``PER_PAGE``), the number from the address's ``name``: the first page for one
    that is not a number, the last for one past the end (as the portal's home page)."""
    return page_of(rows, request.GET.get(name), PER_PAGE)


def _plan(request: HttpRequest, plan_id: int) -> Plan:
    return selectors.access_plan_by_id(plan_id=plan_id, user=request.user)


def _comment(request: HttpRequest, comment_id: int) -> Comment:
    """The comment, if the person may see it; else the 404 of a comment that does not exist."""
    return selectors.access_comment_by_id(comment_id=comment_id, user=request.user)


# --- accounts --------------------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@page
def register(request: HttpRequest) -> HttpResponse:
    web.require(request, "participation.register", message=_("You are already signed in."))
    status = 200
    if request.method == "POST":
        form = RegisterForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            user, status = _attempt(
                form,
                lambda: services.account_register(
                    username=data["username"],
                    password=data["password"],
                    phone=data["phone"],
                    email=data["email"],
                    ip=_ip(request),
                    by=request.user,
                ),
            )
            if status == OK:
                login(request, user, backend=SESSION_BACKEND)
                if user.email:
                    messages.success(
                        request,
                        _(
                            "Welcome, %(username)s. We sent a link to %(email)s: open it to confirm your address."
                        )
                        % {"username": user.get_username(), "email": user.email},
                    )
                else:
                    messages.success(request, _("Welcome, %(username)s.") % {"username": user.get_username()})
                return redirect(_next(request, reverse("participation:mine")))
        status = BAD_INPUT
    else:
        form = RegisterForm()
    return render(
        request,
        "participation/register.html",
        {"form": form, "next": _next(request, "")},
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@page
def email_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link mailed to confirm an address: a button (so that a mail scanner opening the link confirms
    nothing), for the person signed in."""
    web.require(request, "participation.confirm_email")
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    confirmed = None
    status = 200
    if request.method == "POST" and form.is_valid():
        confirmed, status = _attempt(form, lambda: services.email_confirm(token=token))
        if status != OK:
            status = BAD_INPUT
    return render(
        request,
        "participation/email_confirm.html",
        {"form": form, "confirmed": confirmed},
        status=status,
    )


@require_POST
@page
def confirmation_send(request: HttpRequest) -> HttpResponse:
    web.require(request, "participation.confirm_email")
    try:
        confirmation = services.email_confirmation_send(user=signed_in_user(request))
    except ParticipationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("We sent a new link to %(email)s.") % {"email": confirmation.email})
    return redirect("participation:mine")


@require_safe
@page
def mine(request: HttpRequest) -> HttpResponse:
    """The signed-in person's suggestions, comments (with what became of them) and followed items."""
    web.require(request, "participation.view_notifications")
    user = request.user
    suggestions = _paged(request, selectors.suggestion_list_for_author(user=user), "suggestions")
    comments = _paged(request, selectors.comment_list_for_author(user=user), "comments")
    return render(
        request,
        "participation/mine.html",
        {
            "suggestions": suggestions.object_list,
            "suggestion_pages": suggestions,
            "comments": comments.object_list,
            "comment_pages": comments,
            "followed": selectors.followed_items(user=user),
            "email_state": selectors.email_state(user=user),
        },
    )


# --- a plan: overview, suggestions, report ----------------------------------------------------------------


@require_safe
@page
def plan(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Taking part in a plan: when it takes suggestions or comments, its items with their comment and
    support counts, and the links to the suggestions and the report."""
    plan = _plan(request, plan_id)
    web.require(request, "participation.view_report", plan)
    return render(
        request,
        "participation/plan.html",
        {
            "plan": plan,
            "solicitation": selectors.window_state_get(plan=plan, phase=Phase.SOLICITATION),
            "consultation": selectors.window_state_get(plan=plan, phase=Phase.CONSULTATION),
            "items": selectors.plan_consultation_items(plan=plan),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@page
def suggest(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _plan(request, plan_id)
    web.require(request, "participation.view_suggestions", plan)
    window = selectors.window_state_get(plan=plan, phase=Phase.SOLICITATION)
    max_length = window.window.max_length if window.window else 1000
    actions = selectors.plan_actions(plan=plan)
    status = 200
    if request.method == "POST":
        web.require(
            request,
            "participation.add_suggestion",
            plan,
            message=_("Your account cannot make suggestions."),
        )
        form = SuggestionForm(request.POST, actions=actions, max_length=max_length)
        if form.is_valid():
            data = form.cleaned_data
            suggestion, status = _attempt(
                form,
                lambda: services.suggestion_submit(
                    plan=plan,
                    by=signed_in_user(request),
                    title=data["title"],
                    content=data["content"],
                    reason=data["reason"],
                    place=data["place"],
                    cost=data["cost"],
                    action=data["action"],
                    ip=_ip(request),
                ),
            )
            if status == OK:
                messages.success(
                    request,
                    _(
                        "Thank you. Your suggestion is waiting for the office to screen it; "
                        "you will be told the outcome."
                    ),
                )
                return redirect("participation:suggestion", suggestion.pk)
        status = BAD_INPUT
    else:
        form = SuggestionForm(actions=actions, max_length=max_length)
    return render(
        request,
        "participation/suggest.html",
        {
            "plan": plan,
            "window": window,
            "form": form,
            "can_suggest": request.user.has_perm("participation.add_suggestion", plan),
        },
        status=status,
    )


@require_safe
@page
def suggestions(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _plan(request, plan_id)
    web.require(request, "participation.view_suggestions", plan)
    pages = _paged(request, selectors.suggestion_public_list(plan=plan))
    return render(
        request,
        "participation/suggestions.html",
        {
            "plan": plan,
            "suggestions": pages.object_list,
            "pages": pages,
            "window": selectors.window_state_get(plan=plan, phase=Phase.SOLICITATION),
        },
    )


@require_safe
@page
def suggestion(request: HttpRequest, suggestion_id: int) -> HttpResponse:
    found = selectors.access_suggestion_by_id(suggestion_id=suggestion_id, user=request.user)
    return render(
        request,
        "participation/suggestion.html",
        {
            "suggestion": found,
            "plan": found.plan,
            "is_office": request.user.has_perm("participation.screen_suggestion", found),
            "is_author": bool(request.user.is_authenticated and found.author_id == request.user.pk),
        },
    )


@require_safe
@page
@cached_page("participation.report")
def report(request: HttpRequest, plan_id: int) -> HttpResponse:
    try:
        found = selectors.consultation_report_get(plan_id=plan_id, page=request.GET.get("page"))
    except ObjectDoesNotExist:
        raise Http404 from None
    web.require(request, "participation.view_report", found.plan)
    return render(request, "participation/report.html", {"report": found, "plan": found.plan})


# --- an item under consultation -------------------------------------------------------------------------


@dataclass
class CommentRow:
    """A published comment as the viewer sees it: whether they may flag it (and the form, bound after a
    refused flag), and the office's tools."""

    comment: Comment
    can_flag: bool
    flagged: bool
    can_withdraw: bool
    flag_form: FlagForm | None
    moderate_form: ModerateForm | None


def _has_response(comment: Comment) -> bool:
    try:
        return comment.response is not None
    except ObjectDoesNotExist:
        return False


def _item_page(
    request: HttpRequest,
    item_id: int,
    *,
    comment_form: CommentForm | None = None,
    flag: tuple[int, FlagForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    try:
        page = selectors.item_consultation_get(
            item_id=item_id,
            viewer=request.user,
            page=request.GET.get("page"),
            comment_id=flag[0] if flag else _number(request.GET.get("comment")),
        )
    except ObjectDoesNotExist:
        raise Http404 from None
    item = page.item
    web.require(request, "plans.view_item", item)
    user = request.user
    is_office = user.has_perm("participation.moderate_comment")
    open_window = page.window.is_open and item.removed_in_id is None
    rows = []
    page_errors: list[str] = []
    if flag and flag[0] not in {c.pk for c in page.comments}:  # no longer shown: say why at the top
        page_errors = [str(m) for errors in flag[1].errors.values() for m in errors]
    for comment in page.comments:
        can_flag = (
            user.has_perm("participation.flag_comment", comment) and comment.pk not in page.viewer_flagged
        )
        flag_form = None
        if flag and flag[0] == comment.pk:  # the refused form with its message, whether or not it still fits
            flag_form, can_flag = flag[1], True
        elif can_flag:
            flag_form = FlagForm(prefix=f"flag-{comment.pk}")
        rows.append(
            CommentRow(
                comment=comment,
                can_flag=can_flag,
                flagged=comment.pk in page.viewer_flagged,
                can_withdraw=user.has_perm("participation.withdraw_comment", comment)
                and not _has_response(comment),
                flag_form=flag_form,
                moderate_form=ModerateForm(allowed=moderation_decisions(comment=comment, user=user))
                if is_office
                else None,
            )
        )
    own = [
        (c, c.status in (CommentStatus.PENDING, CommentStatus.HIDDEN) and not _has_response(c))
        for c in page.own_comments
    ]
    can_comment = user.has_perm("participation.add_comment", item)
    window = page.window.window
    if comment_form is None and open_window and can_comment and window is not None:
        comment_form = CommentForm(max_length=window.max_length)
    return render(
        request,
        "participation/item.html",
        {
            "page": page,
            "item": item,
            "plan": item.plan,
            "rows": rows,
            "own": own,
            "open_window": open_window,
            "can_comment": can_comment,
            "can_support": user.has_perm("participation.support_item", item),
            "can_follow": user.has_perm("participation.follow_item", item),
            "is_office": is_office,
            "page_errors": page_errors,
            "comment_form": comment_form if open_window or (comment_form and comment_form.is_bound) else None,
        },
        status=status,
    )


@require_safe
@page
def item(request: HttpRequest, item_id: int) -> HttpResponse:
    """An item's consultation page: its text, the window, support, published comments with the office's
    responses and the changes they caused, the viewer's own held comments, and what changed (#changes)."""
    return _item_page(request, item_id)


def _item(request: HttpRequest, item_id: int) -> Item:
    return selectors.access_item_by_id(item_id=item_id, user=request.user)


@require_POST
@page
def comment_add(request: HttpRequest, item_id: int) -> HttpResponse:
    item = _item(request, item_id)
    web.require(
        request,
        "participation.add_comment",
        item,
        message=_("Your account cannot comment."),
        next_url=_item_url(item_id, "#comment-form"),
    )
    form = CommentForm(request.POST)
    if form.is_valid():
        comment, status = _attempt(
            form,
            lambda: services.comment_submit(
                item=item, by=signed_in_user(request), text=form.cleaned_data["text"], ip=_ip(request)
            ),
        )
        if status == OK:
            if comment.status == CommentStatus.PUBLISHED:
                messages.success(request, _("Thank you. Your comment is published."))
            else:
                messages.success(
                    request,
                    _(
                        "Thank you. Your comment is waiting for a moderator; until then only you and the "
                        "office see it."
                    ),
                )
            return redirect(_comment_url(item_id, comment.pk))
    return _item_page(request, item_id, comment_form=form, status=BAD_INPUT)


def _button(
    request: HttpRequest,
    action: Callable[[], Any],
    *,
    done: str,
    default_next: str,
) -> HttpResponse:
    """A button's step (support, follow, withdraw…): the outcome as a message on the page it came from."""
    return web.button(
        request, action, done=done, back=_next(request, default_next), errors=ParticipationError
    )


def _item_button(
    *, perm: str, service: Callable[..., Any], done: Any, refused: Any = ""
) -> Callable[..., HttpResponse]:
    """A view for an item's button (support, withdraw, follow, unfollow): the rule, the service, a message,
    back to the item's support section."""

    @require_POST
    @page
    def view(request: HttpRequest, item_id: int) -> HttpResponse:
        item = _item(request, item_id)
        back = _item_url(item_id, "#support")
        web.require(request, perm, item, message=str(refused), next_url=back)
        return _button(
            request, lambda: service(item=item, by=signed_in_user(request)), done=str(done), default_next=back
        )

    return view


support = _item_button(
    perm="participation.support_item",
    service=services.item_support,
    done=gettext_lazy("Thank you for your support."),
    refused=gettext_lazy("Your account cannot support items."),
)
support_withdraw = _item_button(
    perm="participation.support_item",
    service=services.item_support_withdraw,
    done=gettext_lazy("Your support is withdrawn."),
)
follow = _item_button(
    perm="participation.follow_item",
    service=services.item_follow,
    done=gettext_lazy(
        "You follow this item: you will hear of responses to your comments and of changes to it."
    ),
)
unfollow = _item_button(
    perm="participation.follow_item",
    service=services.item_unfollow,
    done=gettext_lazy("You no longer follow this item."),
)


@require_POST
@page
def comment_flag(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = _comment(request, comment_id)
    web.require(
        request,
        "participation.flag_comment",
        comment,
        message=_("You cannot flag your own comment."),
    )
    form = FlagForm(request.POST, prefix=f"flag-{comment.pk}")
    if form.is_valid():
        _flag, status = _attempt(
            form,
            lambda: services.comment_flag(
                comment=comment, by=signed_in_user(request), reason=form.cleaned_data["reason"]
            ),
        )
        if status == OK:
            messages.success(request, _("Thank you for telling us. A moderator will look at this comment."))
            return redirect(_comment_url(comment.item_id, comment.pk))
    return _item_page(request, comment.item_id, flag=(comment.pk, form), status=BAD_INPUT)


@require_POST
@page
def comment_withdraw(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = _comment(request, comment_id)
    web.require(
        request,
        "participation.withdraw_comment",
        comment,
        message=_("You can only withdraw your own comments."),
    )
    return _button(
        request,
        lambda: services.comment_withdraw(comment=comment, by=signed_in_user(request)),
        done=_("Your comment is withdrawn."),
        default_next=_item_url(comment.item_id),
    )


# --- the office: moderation and responses ----------------------------------------------------------------


def _office_comment_page(
    request: HttpRequest,
    comment: Comment,
    *,
    moderate_form: ModerateForm | None = None,
    respond_form: RespondForm | None = None,
    status: int = 200,
) -> HttpResponse:
    changes = selectors.item_changes(item_id=comment.item_id)
    revisions = [change.revision for change in changes]
    allowed = moderation_decisions(comment=comment, user=request.user)
    if moderate_form is None and allowed:
        moderate_form = ModerateForm(allowed=allowed)
    if respond_form is None and comment.status == CommentStatus.PUBLISHED:
        initial = {}
        if _has_response(comment):
            initial = {
                "kind": comment.response.kind,
                "text": comment.response.text,
                "revision": comment.response.revision_id,
            }
        respond_form = RespondForm(initial=initial, revisions=revisions)
    return render(
        request,
        "participation/comment_office.html",
        {
            "comment": comment,
            "item": comment.item,
            "plan": comment.plan,
            "changes": changes,
            "history": selectors.moderation_history(comment=comment),
            "moderate_form": moderate_form,
            "respond_form": respond_form,
            "next": _next(request, ""),
        },
        status=status,
    )


def _office_comment(request: HttpRequest, comment_id: int, perm: str) -> Comment:
    comment = _comment(request, comment_id)
    web.require(request, perm, comment)
    return comment


@require_safe
@page
def comment_office(request: HttpRequest, comment_id: int) -> HttpResponse:
    """The office's page for one comment: its history, the moderator's decision, the official response."""
    comment = _office_comment(request, comment_id, "participation.moderate_comment")
    return _office_comment_page(request, comment)


@require_POST
@page
def comment_moderate(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = _office_comment(request, comment_id, "participation.moderate_comment")
    form = ModerateForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        moderated, status = _attempt(
            form,
            lambda: services.comment_moderate(
                comment=comment, by=signed_in_user(request), decision=data["decision"], note=data["note"]
            ),
        )
        if status == OK:
            messages.success(
                request,
                _("The comment is now: %(status)s.") % {"status": moderated.get_status_display()},
            )
            return redirect(_next(request, reverse("participation:moderation")))
    return _office_comment_page(request, comment, moderate_form=form, status=BAD_INPUT)


@require_POST
@page
def comment_respond(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = _office_comment(request, comment_id, "participation.respond_comment")
    changes = selectors.item_changes(item_id=comment.item_id)
    form = RespondForm(request.POST, revisions=[change.revision for change in changes])
    if form.is_valid():
        data = form.cleaned_data
        _response, status = _attempt(
            form,
            lambda: services.comment_respond(
                comment=comment,
                by=signed_in_user(request),
                kind=data["kind"],
                text=data["text"],
                revision=data["revision"],
            ),
        )
        if status == OK:
            messages.success(request, _("The response is published under the comment."))
            return redirect(_comment_url(comment.item_id, comment.pk))
    return _office_comment_page(request, comment, respond_form=form, status=BAD_INPUT)


@require_safe
@page
def moderation(request: HttpRequest) -> HttpResponse:
    """Comments waiting for a moderator (held or hidden), with quick decisions, and what was done lately."""
    web.require(request, "participation.view_moderation_queue")
    pages = _paged(request, selectors.moderation_queue())
    queue = [
        (comment, ModerateForm(allowed=moderation_decisions(comment=comment, user=request.user)))
        for comment in pages.object_list
    ]
    return render(
        request,
        "participation/moderation.html",
        {"queue": queue, "pages": pages, "history": selectors.moderation_history(limit=50)},
    )


# --- the office: screening suggestions -------------------------------------------------------------------


@require_safe
@page
def screening(request: HttpRequest) -> HttpResponse:
    web.require(request, "participation.screen_suggestion")
    pages = _paged(request, selectors.suggestion_queue())
    return render(request, "participation/screening.html", {"queue": pages.object_list, "pages": pages})


def _screen_page(
    request: HttpRequest, found: Any, *, bound: dict[str, Form] | None = None, status: int = 200
):
    forms: dict[str, Form | None] = {"accept": None, "merge": None, "decline": None, "link": None}
    steps = screening_steps(suggestion=found, user=request.user)
    if "accept" in steps:
        forms["accept"] = AcceptForm(prefix="accept")
    if "merge" in steps:
        forms["merge"] = MergeForm(prefix="merge", candidates=selectors.merge_candidates(suggestion=found))
    if "decline" in steps:
        forms["decline"] = DeclineForm(prefix="decline")
    if "link" in steps:
        forms["link"] = LinkForm(
            prefix="link",
            items=selectors.plan_current_items(plan_id=found.plan_id),
            initial={"item": found.item_id},
        )
    forms.update(bound or {})
    return render(
        request,
        "participation/screen.html",
        {"suggestion": found, "plan": found.plan, **{f"{name}_form": form for name, form in forms.items()}},
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@page
def screen(request: HttpRequest, suggestion_id: int) -> HttpResponse:
    """The office screens one suggestion: accept, merge into a similar one, or decline with a reason; an
    accepted one is later linked to the item of the draft it became."""
    found = selectors.access_suggestion_by_id(suggestion_id=suggestion_id, user=request.user)
    web.require(request, "participation.screen_suggestion", found)
    if request.method != "POST":
        return _screen_page(request, found)
    decision = request.POST.get("decision", "")
    user, data = signed_in_user(request), request.POST
    # decision: (the form that parses its input, the service call given the cleaned data)
    steps: dict[str, tuple[Form, Callable[[dict[str, Any]], Any]]] = {
        "accept": (
            AcceptForm(data, prefix="accept"),
            lambda d: services.suggestion_accept(suggestion=found, by=user, note=d["note"]),
        ),
        "merge": (
            MergeForm(data, prefix="merge", candidates=selectors.merge_candidates(suggestion=found)),
            lambda d: services.suggestion_merge(suggestion=found, into=d["into"], by=user, note=d["note"]),
        ),
        "decline": (
            DeclineForm(data, prefix="decline"),
            lambda d: services.suggestion_decline(
                suggestion=found, by=user, reason=d["reason"], withhold=d["withhold"]
            ),
        ),
        "link": (
            LinkForm(data, prefix="link", items=selectors.plan_current_items(plan_id=found.plan_id)),
            lambda d: services.suggestion_item_link(suggestion=found, item=d["item"], by=user),
        ),
    }
    if decision not in steps:
        messages.error(request, _("Choose accept, merge or decline."))
        return _screen_page(request, found, status=BAD_INPUT)
    form, call = steps[decision]
    if form.is_valid():
        done, status = _attempt(form, lambda: call(form.cleaned_data))
        if status == OK:
            if decision == "link":
                messages.success(request, _("The suggestion is linked to its item."))
                return redirect("participation:screen", found.pk)
            messages.success(
                request,
                _("“%(title)s”: %(status)s.") % {"title": done.title, "status": done.get_status_display()},
            )
            return redirect("participation:screening")
    return _screen_page(request, found, bound={decision: form}, status=BAD_INPUT)
