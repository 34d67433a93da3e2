"""The arrears list (欠费), and the payment reminders made from it: text messages to the
owners after a confirmation page, and door slips to print (two to an A4 sheet)."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from frontdesk.access import site_view
from frontdesk.areas import area
from frontdesk.pagination import WindowCountPaginator
from frontdesk.roles import USE_DESK
from residents.filters import ArrearsFilter, arrears_filter
from residents.forms.reminders import ReminderRunForm
from residents.models import ArrearsReminder
from residents.selectors import arrears as selectors
from residents.selectors import reminders as plans
from residents.services import reminders as services

PAGE_SIZE = 50
# Door slips printed at once: 25 A4 sheets, a print job a desk printer takes in a go.
SLIPS_PER_PRINT = 50
# Recorded, a batch of slips leaves the print: the next batch is then what it shows.
SLIPS = "residents:arrears_slips"
Channel = ArrearsReminder.Channel


def _list(request: HttpRequest, filterset: ArrearsFilter, status: int = 200) -> HttpResponse:
    page = WindowCountPaginator(filterset.rows, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.arrears_houses(request.site, page.object_list, with_reminders=True)
    return render(
        request,
        "residents/arrears.html",
        {
            "area": area("residents"),
            "filter": filterset,
            "page": page,
            "query": urlencode(filterset.params),
        },
        status=status,
    )


@never_cache
@site_view(USE_DESK)
def index(request: HttpRequest) -> HttpResponse:
    return _list(request, arrears_filter(request.site, request.GET))


@never_cache
@site_view(USE_DESK)
def reminders(request: HttpRequest) -> HttpResponse:
    """GET: what a text-message run of the filtered list would do. POST: do it."""
    if request.method == "POST":
        return _send(request)
    filterset = arrears_filter(request.site, request.GET)
    if filterset.is_bound and not filterset.is_valid():
        return _list(request, filterset, status=400)
    # Summed up in the database: a run of 2,000 houses is not read house by house here.
    plan = plans.run_summary(
        request.site, filterset.rows, channel=Channel.SMS, page=request.GET.get("page")
    )
    ready = plans.sms_readiness(request.site)
    example = None
    if plan.first and not ready.problem:
        phone = plans.finance_phone(request.site, plan.settings)
        example = plans.reminder_text(plans.reminder_values(request.site, plan.first, phone))
    return render(
        request,
        "residents/arrears_reminders.html",
        {
            "area": area("residents"),
            "plan": plan,
            "ready": ready,
            "example": example,
            "query": urlencode(filterset.params),
            "filters": filterset.summary,
        },
    )


def _send(request: HttpRequest) -> HttpResponse:
    form = ReminderRunForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(form.back_url())
    try:
        run = services.arrears_reminders_send(
            site=request.site, user=request.user, house_ids=form.cleaned_data["houses"]
        )
    except services.RemindersUnavailable as refusal:
        messages.error(request, str(refusal))
        return redirect(form.back_url())
    messages.success(request, _run_text(run, sent=True))
    return redirect(form.back_url())


def _run_text(run: services.ReminderRun, *, sent: bool) -> str:
    if sent:
        text = _("Payment reminders sent to %(houses)s houses: %(messages)s text messages.") % {
            "houses": len(run.reminders),
            "messages": run.messages,
        }
    else:
        text = _("Door slips recorded as delivered to %(houses)s houses.") % {
            "houses": len(run.reminders)
        }
    skipped = run.plan.skip_counts
    if skipped:
        text += " " + _("Left out: %(reasons)s.") % {
            "reasons": "；".join(f"{label} {n}" for label, n in skipped)
        }
    return text


@never_cache
@site_view(USE_DESK)
def slips(request: HttpRequest) -> HttpResponse:
    """The door slips (催缴单) of the filtered list, two to an A4 sheet, to print."""
    filterset = arrears_filter(request.site, request.GET)
    if filterset.is_bound and not filterset.is_valid():
        return _list(request, filterset, status=400)
    plan = plans.run_summary(request.site, filterset.rows, channel=Channel.SLIP)
    # A print is a bounded page too: a large list is printed (and recorded) in batches,
    # and only the batch is read house by house.
    ids = [int(pk) for pk in plan.house_ids.split(",") if pk]
    page = Paginator(ids, SLIPS_PER_PRINT).get_page(request.GET.get("page"))
    targets = plans.slips_batch(request.site, filterset.rows, list(page), settings=plan.settings)
    return render(
        request,
        "residents/arrears_slips.html",
        {
            "area": area("residents"),
            "plan": plan,
            "page": page,
            "sheets": [targets[i : i + 2] for i in range(0, len(targets), 2)],
            "house_ids": ",".join(str(t.house_id) for t in targets),
            "phone": plans.finance_phone(request.site, plan.settings),
            "today": timezone.localdate(),
            "query": urlencode(filterset.params),
            "filters": filterset.summary,
        },
    )


@never_cache
@require_POST
@site_view(USE_DESK)
def slips_record(request: HttpRequest) -> HttpResponse:
    """After printing: the slips handed out are recorded, so the interval applies to them;
    back to the slips, where the next batch (if any) is then ready."""
    form = ReminderRunForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(form.back_url(SLIPS))
    try:
        run = services.arrears_slips_record(
            site=request.site, user=request.user, house_ids=form.cleaned_data["houses"]
        )
    except services.RemindersUnavailable as refusal:
        messages.error(request, str(refusal))
        return redirect(form.back_url(SLIPS))
    messages.success(request, _run_text(run, sent=False))
    return redirect(form.back_url(SLIPS))
