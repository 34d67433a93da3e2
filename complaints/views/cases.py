"""Recording a case, and the case's own page with every action on it."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from complaints.forms import cases as forms
from complaints.models import Case
from complaints.selectors import case_page as selectors
from complaints.services import cases as recording
from complaints.services import handling
from complaints.states import Action, IllegalTransition
from frontdesk.access import site_view
from frontdesk.areas import area
from frontdesk.conflicts import Conflict, conflict_message
from frontdesk.roles import USE_DESK
from frontdesk.uploads import file_response

ACTED = pgettext_lazy("conflict", "dealt with")
TURNED_INTO_CASE = pgettext_lazy("conflict", "turned into a case")


@never_cache
@site_view(USE_DESK)
def create(request: HttpRequest) -> HttpResponse:
    """From scratch, or from a house's page or a lookup result (?house=&resident=)."""
    start = forms.CaseStartForm(request.GET, site=request.site)
    form = forms.CaseForm(
        request.POST or None,
        request.FILES or None,
        site=request.site,
        initial=start.initial_values(),
    )
    if request.method == "POST" and form.is_valid():
        try:
            recorded = recording.case_create(
                site=request.site, user=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            forms.errors_to_form(form, error)
        else:
            return _recorded(request, recorded)
    return render(
        request,
        "complaints/case_form.html",
        {"area": area("complaints"), "form": form},
    )


@never_cache
@site_view(USE_DESK)
def from_inquiry(request: HttpRequest, pk: int) -> HttpResponse:
    """An inquiry (a referred one, mostly) turned into a case: once."""
    inquiry = selectors.inquiry_for_case(request.site, pk)
    existing = selectors.case_of_inquiry(inquiry)
    if existing is not None:
        conflict = Conflict(existing, by=existing.created_by, at=existing.created_at)
        messages.error(request, conflict_message(conflict, TURNED_INTO_CASE))
        return HttpResponseRedirect(reverse("complaints:case_detail", args=[existing.pk]))
    form = forms.CaseFromInquiryForm(
        request.POST or None,
        request.FILES or None,
        site=request.site,
        initial={"description": inquiry.question, "department": inquiry.referred_to_id},
    )
    if request.method == "POST" and form.is_valid():
        try:
            recorded = recording.case_from_inquiry(
                site=request.site, user=request.user, inquiry=inquiry, **form.cleaned_data
            )
        except Conflict as conflict:
            messages.error(request, conflict_message(conflict, TURNED_INTO_CASE))
            return HttpResponseRedirect(reverse("complaints:case_detail", args=[conflict.obj.pk]))
        except ValidationError as error:
            forms.errors_to_form(form, error)
        else:
            return _recorded(request, recorded)
    return render(
        request,
        "complaints/case_form.html",
        {"area": area("complaints"), "form": form, "inquiry": inquiry},
    )


def _recorded(request: HttpRequest, recorded: recording.CaseRecorded) -> HttpResponse:
    case = recorded.case
    if case.department_id:
        text = _("Case %(number)s recorded and sent to %(department)s.") % {
            "number": case.number,
            "department": case.department.name,
        }
    else:
        text = _("Case %(number)s recorded; it waits at the desk for a department.") % {
            "number": case.number
        }
    messages.success(request, text)
    url = reverse("complaints:case_detail", args=[case.pk])
    # The page flags the repeats found when it was recorded (and only then).
    if recorded.similar:
        url += "?repeat=1"
    return HttpResponseRedirect(url)


def _page(
    request: HttpRequest,
    case: Case,
    *,
    posted: tuple[str, forms.ActionForm] | None = None,
    alert: str = "",
    status: int = 200,
) -> HttpResponse:
    """The case's page: what it is, where it is, its timeline, and the forms of the
    actions this user may take now (the one just posted with its errors)."""
    actions = selectors.actions_for(request.user, request.site, case)
    departments = (
        selectors.departments(request.site)
        if {Action.ASSIGN, Action.TRANSFER} & set(actions)
        else None
    )
    related = selectors.related_cases(request.site, case)
    action_forms = []
    for action in actions:
        form_class = ACTIONS[action][0]
        if posted is not None and posted[0] == action:
            form = posted[1]
        else:
            form = form_class(
                site=request.site, departments=departments, initial={"version": case.version}
            )
        action_forms.append((action, ACTIONS[action][2], form))
    return render(
        request,
        "complaints/case.html",
        {
            "area": area("complaints"),
            "case": case,
            "desk": selectors.is_desk(request.user),
            "due": selectors.due_texts(request.site, case),
            "events": selectors.timeline(case),
            "linked": related.linked,
            "similar": related.similar,
            "to_link": related.to_link,
            "repeat": request.GET.get("repeat") == "1",
            "action_forms": action_forms,
            "open_action": posted[0] if posted else "",
            "alert": alert,
        },
        status=status,
    )


@never_cache
@site_view()
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, selectors.case_for_user(request.site, request.user, pk))


@never_cache
@require_POST
@site_view()
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One action of the case's page: its form, its service; the page again with what
    went wrong beside the field, or the case as it is now when someone got there first."""
    case = selectors.case_for_user(request.site, request.user, pk)
    if action not in ACTIONS:
        raise Http404
    action = Action(action)
    if not selectors.is_desk(request.user) and action not in selectors.DEPARTMENT_ACTIONS:
        # Their own department's case, but the desk's part of it.
        raise PermissionDenied
    form_class, service, _label, done = ACTIONS[action]
    form = form_class(request.POST, request.FILES or None, site=request.site)
    if not form.is_valid():
        return _page(request, case, posted=(action, form))
    data = dict(form.cleaned_data)
    version = data.pop("version")
    try:
        service(site=request.site, user=request.user, case=case, version=version, **data)
    except Conflict as conflict:
        case = selectors.case_for_user(request.site, request.user, pk)
        return _page(request, case, alert=conflict_message(conflict, ACTED), status=409)
    except IllegalTransition as error:
        case = selectors.case_for_user(request.site, request.user, pk)
        return _page(request, case, alert=error.messages[0], status=409)
    except ValidationError as error:
        forms.errors_to_form(form, error)
        return _page(request, case, posted=(action, form))
    messages.success(request, str(done))
    if not selectors.may_see(request.user, request.site, case):
        # Handed back to the desk: no longer the department's to see.
        return HttpResponseRedirect(reverse("desk"))
    return HttpResponseRedirect(reverse("complaints:case_detail", args=[case.pk]))


@never_cache
@require_POST
@site_view(USE_DESK)
def link(request: HttpRequest, pk: int, other: int) -> HttpResponse:
    """Link a case to another of the site (one of the similar cases its page offers): the
    desk's to do. Both timelines say so; a case already linked, or the case itself, is
    refused on the page and nothing is saved."""
    case = selectors.case_for_user(request.site, request.user, pk)
    to = selectors.case_to_link(request.site, other)
    try:
        recording.case_link(site=request.site, user=request.user, case=case, other=to)
    except ValidationError as error:
        # Already linked (by another clerk meanwhile, or from an old page), or itself.
        status = 409 if getattr(error, "code", None) == "linked" else 400
        return _page(request, case, alert=error.messages[0], status=status)
    messages.success(request, _("Linked to %(number)s.") % {"number": to.number})
    return HttpResponseRedirect(reverse("complaints:case_detail", args=[case.pk]))


@never_cache
@site_view()
def photo(request: HttpRequest, pk: int) -> HttpResponse:
    return file_response(*selectors.case_photo(request.site, request.user, pk))


def _note(*, site, user, case, version, note, photos):
    # Notes never conflict (the row is locked, not versioned): the version is not needed.
    return handling.case_note(site=site, user=user, case=case, note=note, photos=photos)


# action → (form, service, the button's label, what is said once done)
ACTIONS: dict[str, tuple[type[forms.ActionForm], Callable, str, str]] = {
    Action.ASSIGN: (
        forms.AssignForm,
        handling.case_assign,
        gettext_lazy("Assign"),
        gettext_lazy("Sent to the department."),
    ),
    Action.TRANSFER: (
        forms.TransferForm,
        handling.case_transfer,
        gettext_lazy("Transfer"),
        gettext_lazy("Transferred; the department has been told."),
    ),
    Action.ACCEPT: (
        forms.AcceptForm,
        handling.case_accept,
        gettext_lazy("Accept"),
        gettext_lazy("Accepted: the case is yours."),
    ),
    Action.NOTE: (
        forms.NoteForm,
        _note,
        gettext_lazy("Add progress"),
        gettext_lazy("Progress added to the timeline."),
    ),
    Action.PAUSE: (
        forms.PauseForm,
        handling.case_pause,
        gettext_lazy("Pause"),
        gettext_lazy("Paused: the deadline clock has stopped."),
    ),
    Action.RESUME: (
        forms.ResumeForm,
        handling.case_resume,
        gettext_lazy("Resume"),
        gettext_lazy("Resumed: the deadlines moved on by the pause."),
    ),
    Action.RESOLVE: (
        forms.ResolveForm,
        handling.case_resolve,
        gettext_lazy("Resolve"),
        gettext_lazy("Resolved: the desk will call the resident back."),
    ),
    Action.HAND_BACK: (
        forms.HandBackForm,
        handling.case_hand_back,
        gettext_lazy("Hand back to the desk"),
        gettext_lazy("Handed back to the desk."),
    ),
    Action.CHANGE_DEADLINE: (
        forms.DeadlineForm,
        handling.case_deadline_change,
        gettext_lazy("Change the deadline"),
        gettext_lazy("Deadline changed."),
    ),
    Action.WITHDRAW: (
        forms.WithdrawForm,
        handling.case_withdraw,
        gettext_lazy("Withdraw"),
        gettext_lazy("Withdrawn."),
    ),
}
