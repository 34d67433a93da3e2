"""代收快递: the shelf of parcels held for households, logging them, handing them over."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from frontdesk.access import site_view
from frontdesk.areas import area
from frontdesk.channels.selectors.deliveries import deliveries_about
from frontdesk.conflicts import Conflict, conflict_message
from frontdesk.roles import USE_DESK
from frontdesk.uploads import file_response
from visitors.forms.parcels import HandOverForm, NotifyForm, ParcelFilterForm, ParcelForm
from visitors.models import Parcel
from visitors.selectors import parcels as selectors
from visitors.services import parcels as services

PAGE_SIZE = 30


@never_cache
@site_view(USE_DESK)
def index(request: HttpRequest) -> HttpResponse:
    shelf = selectors.shelf(request.site)
    filter_form = ParcelFilterForm(request.GET or None)
    shown = filter_form.cleaned()
    queryset = selectors.parcels(request.site, cutoff=shelf.cutoff, **shown)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "visitors/parcels.html",
        {
            "area": area("visitors"),
            "shelf": shelf,
            "filter": filter_form,
            "shown": shown["status"],
            "page": page,
        },
    )


@never_cache
@site_view(USE_DESK)
def create(request: HttpRequest) -> HttpResponse:
    form = ParcelForm(
        request.POST or None,
        request.FILES or None,
        site=request.site,
        initial={"courier": request.GET.get("courier")},
    )
    if request.method == "POST" and form.is_valid():
        parcel = services.parcel_create(
            site=request.site, user=request.user, **form.service_arguments()
        )
        messages.success(request, _logged_message(parcel))
        # Back to an empty form for the next parcel of the pile, same courier.
        query = urlencode({"courier": parcel.courier})
        return redirect(f"{reverse('visitors:parcel_create')}?{query}")
    return render(request, "visitors/parcel_form.html", {"area": area("visitors"), "form": form})


def _logged_message(parcel: Parcel) -> str:
    values = {"house": parcel.house.label, "parcel": parcel, "shelf": parcel.shelf}
    if parcel.shelf:
        text = _("Logged: %(house)s, %(parcel)s, shelf %(shelf)s.") % values
    else:
        text = _("Logged: %(house)s, %(parcel)s.") % values
    if parcel.notified_at:
        text += _(" The household has been notified (%(method)s).") % {
            "method": parcel.get_notice_method_display()
        }
    return text


def _parcel_page(
    request: HttpRequest,
    parcel: Parcel,
    *,
    notify_form: NotifyForm | None = None,
    hand_over_form: HandOverForm | None = None,
) -> HttpResponse:
    days, overdue = selectors.parcel_overdue(request.site, parcel)
    return render(
        request,
        "visitors/parcel.html",
        {
            "area": area("visitors"),
            "parcel": parcel,
            "overdue": overdue,
            "overdue_days": days,
            "deliveries": deliveries_about(parcel),
            "notify_form": notify_form or NotifyForm(),
            "hand_over_form": hand_over_form or HandOverForm(),
        },
    )


@never_cache
@site_view(USE_DESK)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _parcel_page(request, selectors.parcel_detail(request.site, pk))


@never_cache
@require_POST
@site_view(USE_DESK)
def notify(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        parcel = selectors.parcel_waiting(request.site, pk)
        form = NotifyForm(request.POST)
        if not form.is_valid():
            return _parcel_page(request, parcel, notify_form=form)
        services.parcel_notify(parcel=parcel, user=request.user, method=form.cleaned_data["method"])
    except Conflict as conflict:
        return _already_collected(request, conflict)
    messages.success(request, _("Recorded: the household has been notified."))
    return redirect("visitors:parcel", pk=parcel.pk)


@never_cache
@require_POST
@site_view(USE_DESK)
def hand_over(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        parcel = selectors.parcel_waiting(request.site, pk)
        form = HandOverForm(request.POST)
        if not form.is_valid():
            return _parcel_page(request, parcel, hand_over_form=form)
        services.parcel_hand_over(parcel=parcel, user=request.user, **form.cleaned_data)
    except Conflict as conflict:
        return _already_collected(request, conflict)
    messages.success(
        request,
        _("Handed over: %(house)s, %(parcel)s, collected by %(name)s.")
        % {"house": parcel.house.label, "parcel": parcel, "name": parcel.collected_by_name},
    )
    return redirect("visitors:parcels")


def _already_collected(request: HttpRequest, conflict: Conflict) -> HttpResponse:
    parcel = conflict.obj
    # Who collected it, rather than the clerk who handed it over: that is who the desk asks.
    text = conflict_message(
        conflict, pgettext_lazy("conflict", "collected"), who=parcel.collected_by_name
    )
    messages.error(request, text)
    return redirect("visitors:parcel", pk=parcel.pk)


@never_cache
@site_view(USE_DESK)
def photo(request: HttpRequest, pk: int) -> HttpResponse:
    return file_response(*selectors.parcel_photo(request.site, pk))
