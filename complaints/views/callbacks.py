"""回访: the clerk calls the resident back after a resolution and records what came of it;
a 12345 case is then closed with the reply returned to the hotline and its verdict."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.cache import never_cache

from complaints.forms.callbacks import CallbackForm, HotlineCloseForm, form_error
from complaints.models import Case
from complaints.selectors.cases import case_detail
from complaints.services.callbacks import case_callback, case_close
from complaints.services.changes import case_link
from complaints.states import IllegalTransition, State
from frontdesk.access import site_view
from frontdesk.areas import area
from frontdesk.conflicts import Conflict, conflict_message
from frontdesk.roles import USE_DESK

CALLBACK, CLOSE = "callback", "close"


def _page(
    request: HttpRequest,
    case: Case,
    *,
    callback_form: CallbackForm | None = None,
    close_form: HotlineCloseForm | None = None,
) -> HttpResponse:
    initial = {"version": case.version}
    waiting_for_callback = case.state == State.RESOLVED and not case.skips_callback
    waiting_for_hotline = case.state == State.CALLED_BACK and case.source == Case.Source.HOTLINE
    return render(
        request,
        "complaints/callback.html",
        {
            "area": area("complaints"),
            "case": case,
            "case_url": case_link(case),
            "callback_form": (callback_form or CallbackForm(initial=initial))
            if waiting_for_callback
            else None,
            "close_form": (close_form or HotlineCloseForm(initial=initial))
            if waiting_for_hotline
            else None,
        },
    )


def _conflict(request: HttpRequest, conflict: Conflict) -> HttpResponse:
    messages.error(request, conflict_message(conflict, pgettext_lazy("conflict", "updated")))
    return _page(request, case_detail(request.site, conflict.obj.pk))


@never_cache
@site_view(USE_DESK)
def callback(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_detail(request.site, pk)
    if request.method != "POST":
        return _page(request, case)
    action = request.POST.get("action")
    form_class = HotlineCloseForm if action == CLOSE else CallbackForm
    form = form_class(request.POST)
    forms = {"close_form" if action == CLOSE else "callback_form": form}
    if not form.is_valid():
        return _page(request, case, **forms)
    try:
        if action == CLOSE:
            case_close(site=request.site, user=request.user, case=case, **form.cleaned_data)
            messages.success(request, _("Case %(number)s closed.") % {"number": case.number})
        else:
            case_callback(
                site=request.site, user=request.user, case=case, **form.service_arguments()
            )
            messages.success(request, _outcome(case))
    except Conflict as conflict:
        return _conflict(request, conflict)
    except IllegalTransition as error:
        # The case moved on since the page was drawn (closed, reopened …): say so above
        # the case as it is now.
        messages.error(request, error.message)
        return _page(request, case)
    except ValidationError as error:
        form_error(form, error)
        return _page(request, case, **forms)
    return redirect("complaints:case_callback", pk=case.pk)


def _outcome(case: Case) -> str:
    values = {"number": case.number, "attempts": case.callback_attempts}
    if case.state == State.REOPENED:
        return (
            _("Call-back recorded: the resident is not satisfied, case %(number)s is reopened.")
            % values
        )
    if case.state == State.CLOSED and case.close_reason == Case.CloseReason.UNREACHABLE:
        return (
            _("Not reached for the third time: case %(number)s is closed as unreachable.") % values
        )
    if case.state == State.CLOSED:
        return _("Call-back recorded: case %(number)s is closed.") % values
    if case.state == State.CALLED_BACK:
        return _("Call-back recorded: record the reply to the 12345 hotline to close it.")
    return _("Not reached (%(attempts)s of 3): call again later.") % values
