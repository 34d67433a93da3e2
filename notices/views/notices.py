"""A notice's page with every action this user may take on it now, its attachments, the
ready-to-paste group text and the A4 poster."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from frontdesk.access import site_view
from frontdesk.areas import area
from frontdesk.conflicts import Conflict, conflict_message
from frontdesk.roles import USE_DESK
from frontdesk.uploads import file_response
from notices.access import may_act
from notices.forms import actions as forms
from notices.forms.drafts import errors_to_form
from notices.models import Notice
from notices.rendering import plain_text, render_body
from notices.selectors import notices as selectors
from notices.selectors.audience import audience_summary
from notices.selectors.postings import poster_location
from notices.services import versions, workflow
from notices.states import Action, IllegalTransition
from notices.views.postings import poster_page

ACTED = pgettext_lazy("conflict", "changed")
# The group text's last line, before the public page's address.
DETAILS = gettext_lazy("Full notice: ")


def _page(
    request: HttpRequest,
    notice: Notice,
    *,
    posted: tuple[str, forms.ActionForm] | None = None,
    alert: str = "",
    status: int = 200,
) -> HttpResponse:
    """The notice's page: what it says, where it is, its timeline and versions, and the
    forms of the actions this user may take now (the one just posted with its errors)."""
    action_forms = []
    for action in selectors.actions_for(request.user, notice):
        form_class, _service, label, _done = ACTIONS[action]
        if posted is not None and posted[0] == action:
            form = posted[1]
        else:
            form = form_class(initial={"revision": notice.revision}, auto_id=_auto_id(action))
        action_forms.append((action, label, form))
    return render(
        request,
        "notices/notice.html",
        {
            "area": area("notices"),
            "notice": notice,
            "body": render_body(notice.body),
            "audience": audience_summary(notice),
            "events": selectors.timeline(notice),
            "versions": selectors.versions(notice),
            "may_edit": selectors.may_edit(request.user, notice),
            "action_forms": action_forms,
            "open_action": posted[0] if posted else "",
            "alert": alert,
        },
        status=status,
    )


def _auto_id(action: str) -> str:
    # Several actions' forms share field names (comment): each its own ids on the page.
    return f"id_{action}_%s"


@never_cache
@site_view(USE_DESK)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, selectors.notice_detail(request.site, pk))


@never_cache
@require_POST
@site_view(USE_DESK)
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One action of the notice's page: its form, its service; the page again with what
    went wrong beside the field, or the notice as it is now when someone got there first."""
    notice = selectors.notice_detail(request.site, pk)
    if action not in ACTIONS:
        raise Http404
    action = Action(action)
    if not may_act(request.user, notice, action):
        raise PermissionDenied
    form_class, service, _label, done = ACTIONS[action]
    form = form_class(request.POST, auto_id=_auto_id(action))
    if not form.is_valid():
        return _page(request, notice, posted=(action, form), status=400)
    data = dict(form.cleaned_data)
    try:
        result = service(site=request.site, user=request.user, notice=notice, **data)
    except Conflict as conflict:
        notice = selectors.notice_detail(request.site, pk)
        return _page(request, notice, alert=conflict_message(conflict, ACTED), status=409)
    except IllegalTransition as error:
        notice = selectors.notice_detail(request.site, pk)
        return _page(request, notice, alert=error.messages[0], status=409)
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            return _page(request, notice, alert=error.messages[0], status=400)
        errors_to_form(form, error)
        return _page(request, notice, posted=(action, form), status=400)
    messages.success(request, str(done))
    # A new version opens as its own draft; every other action stays on this notice.
    return HttpResponseRedirect(reverse("notices:detail", args=[result.pk]))


@never_cache
@site_view(USE_DESK)
def attachment(request: HttpRequest, pk: int) -> HttpResponse:
    row = selectors.attachment_detail(request.site, pk)
    return file_response(row.file, row.name)


def public_url(request: HttpRequest, notice: Notice) -> str:
    return request.build_absolute_uri(notice.public_path)


@never_cache
@site_view(USE_DESK)
def group_text(request: HttpRequest, pk: int) -> HttpResponse:
    """The notice as plain text with its public link, to paste into a WeChat group that
    has no robot."""
    notice = selectors.notice_detail(request.site, pk)
    return render(
        request,
        "notices/group_text.html",
        {"area": area("notices"), "notice": notice, "text": group_message(notice, request)},
    )


def group_message(notice: Notice, request: HttpRequest) -> str:
    day = timezone.localtime(notice.published_at).date() if notice.published_at else None
    lines = [f"【{notice.type.name}】{notice.title}", "", plain_text(notice.body), ""]
    lines.append(notice.issuer)
    if day is not None:
        lines.append(f"{day.year}年{day.month}月{day.day}日")
    lines += ["", str(DETAILS) + public_url(request, notice)]
    return "\n".join(lines)


@never_cache
@site_view(USE_DESK)
def poster(request: HttpRequest, pk: int) -> HttpResponse:
    """The A4 poster for the notice board, printed from the browser (print CSS), with the
    QR code of the public page as SVG; ``?location=`` makes it that board's (its name on
    it, its code in the QR code: notices.views.postings)."""
    notice = selectors.notice_detail(request.site, pk)
    location = poster_location(request.site, request.GET.get("location"))
    return poster_page(request, notice, [location])


# action → (form, service, the button's label, what is said once done)
ACTIONS: dict[str, tuple[type[forms.ActionForm], Callable, object, object]] = {
    Action.SUBMIT: (
        forms.ActionForm,
        workflow.notice_submit,
        gettext_lazy("Submit for approval"),
        gettext_lazy("Submitted: a supervisor will approve it."),
    ),
    Action.APPROVE: (
        forms.CommentForm,
        workflow.notice_approve,
        gettext_lazy("Approve"),
        gettext_lazy("Approved: the desk may publish it."),
    ),
    Action.SEND_BACK: (
        forms.SendBackForm,
        workflow.notice_send_back,
        gettext_lazy("Send back"),
        gettext_lazy("Sent back to its author with your comment."),
    ),
    Action.PUBLISH: (
        forms.ActionForm,
        workflow.notice_publish,
        gettext_lazy("Publish"),
        gettext_lazy("Published."),
    ),
    Action.PUBLISH_NOW: (
        forms.CommentForm,
        workflow.notice_publish_now,
        gettext_lazy("Approve and publish now (urgent)"),
        gettext_lazy("Approved and published."),
    ),
    Action.NEW_VERSION: (
        forms.ActionForm,
        versions.notice_new_version,
        gettext_lazy("New version (correction)"),
        gettext_lazy("New version drafted: correct it, then submit it for approval."),
    ),
    Action.WITHDRAW: (
        forms.WithdrawForm,
        workflow.notice_withdraw,
        gettext_lazy("Withdraw"),
        gettext_lazy("Withdrawn."),
    ),
}
