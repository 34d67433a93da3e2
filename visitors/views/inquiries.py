"""咨询接待: the quick log of walk-in and phone inquiries, and the departments' referrals."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from frontdesk.access import site_view
from frontdesk.areas import area
from frontdesk.conflicts import Conflict, conflict_message
from frontdesk.forms import next_page
from frontdesk.links import url_prefix
from frontdesk.roles import USE_DESK
from visitors.filters import InquiryFilter
from visitors.forms.inquiries import (
    InquiryForm,
    InquiryStartForm,
    ReferralDoneForm,
    ReferralFilterForm,
    with_done_forms,
)
from visitors.selectors import inquiries as selectors
from visitors.services import inquiries as services

PAGE_SIZE = 30


@never_cache
@site_view(USE_DESK)
def index(request: HttpRequest) -> HttpResponse:
    # Read once for the quick form's list and the filter's.
    departments = selectors.departments(request.site)
    filterset = InquiryFilter(
        request.GET or None,
        queryset=selectors.inquiry_log(request.site),
        site=request.site,
        departments=departments,
    )
    queryset = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.for_display(page.object_list)
    return render(
        request,
        "visitors/inquiries.html",
        {
            "area": area("visitors"),
            "form": InquiryForm(site=request.site, departments=departments),
            "filter": filterset,
            "page": page,
            # Reversed once, not once a row.
            "house_url": url_prefix("residents:house"),
        },
    )


@never_cache
@site_view(USE_DESK)
def create(request: HttpRequest) -> HttpResponse:
    """At reception, or opened from a house's page or a lookup result (?house=&resident=,
    and ?next= to go back there once recorded)."""
    start = InquiryStartForm(request.GET, site=request.site)
    form = InquiryForm(request.POST or None, site=request.site, initial=start.initial_values())
    if request.method == "POST" and form.is_valid():
        inquiry = services.inquiry_create(site=request.site, user=request.user, **form.cleaned_data)
        if inquiry.referred_to_id:
            messages.success(
                request,
                _("Recorded and referred to %(department)s.")
                % {"department": inquiry.referred_to.name},
            )
        else:
            messages.success(request, _("The inquiry has been recorded."))
        back = next_page(request, request.POST) or next_page(request, request.GET)
        return HttpResponseRedirect(back or reverse("visitors:inquiries"))
    return render(
        request,
        "visitors/inquiry_form.html",
        {"area": area("visitors"), "form": form, "next": next_page(request, request.GET)},
    )


def _referrals_page(request: HttpRequest, posted: ReferralDoneForm | None = None) -> HttpResponse:
    filter_form = ReferralFilterForm(request.GET or None, site=request.site)
    shown, department = filter_form.cleaned()
    listing = selectors.referral_list(
        request.site,
        request.user,
        status=shown,
        department=department,
        page=request.GET.get("page"),
    )
    with_done_forms(listing.page, posted)
    return render(
        request,
        "visitors/referrals.html",
        {
            "area": area("visitors"),
            "desk": listing.desk,
            "own_department": listing.own_department,
            "filter": filter_form,
            "shown": shown,
            "department": listing.department,
            "page": listing.page,
        },
    )


@never_cache
@site_view()
def referrals(request: HttpRequest) -> HttpResponse:
    """Department staff see their department's referrals; the desk sees all of the site's."""
    return _referrals_page(request)


@never_cache
@require_POST
@site_view()
def referral_done(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        inquiry = selectors.referral_to_handle(request.site, request.user, pk)
        form = ReferralDoneForm(request.POST, inquiry_pk=inquiry.pk)
        if not form.is_valid():
            return _referrals_page(request, posted=form)
        services.inquiry_referral_done(
            inquiry=inquiry, user=request.user, reply=form.cleaned_data["reply"]
        )
    except Conflict as conflict:
        messages.error(request, conflict_message(conflict, pgettext_lazy("conflict", "handled")))
    else:
        messages.success(request, _("Marked as handled; the desk can see the reply."))
    # Back to the list as it was filtered and paged.
    back = reverse("visitors:referrals")
    return HttpResponseRedirect(f"{back}?{request.GET.urlencode()}" if request.GET else back)
