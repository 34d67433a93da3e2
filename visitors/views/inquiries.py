"""咨询接待: the quick log of walk-in and phone inquiries, and the departments' referrals."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from frontdesk.access import site_view
from frontdesk.areas import area
from frontdesk.roles import USE_DESK
from visitors.forms.inquiries import (
    InquiryFilter,
    InquiryForm,
    ReferralDoneForm,
    ReferralFilterForm,
)
from visitors.selectors import inquiries as selectors
from visitors.services import inquiries as services

PAGE_SIZE = 30


@never_cache
@site_view(USE_DESK)
def index(request: HttpRequest) -> HttpResponse:
    filterset = InquiryFilter(
        request.GET or None, queryset=selectors.inquiry_log(request.site), site=request.site
    )
    queryset = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "visitors/inquiries.html",
        {
            "area": area("visitors"),
            "form": InquiryForm(site=request.site),
            "filter": filterset,
            "page": page,
        },
    )


@never_cache
@site_view(USE_DESK)
def create(request: HttpRequest) -> HttpResponse:
    form = InquiryForm(
        request.POST or None, site=request.site, initial={"house": request.GET.get("house")}
    )
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
        return redirect("visitors:inquiries")
    return render(request, "visitors/inquiry_form.html", {"area": area("visitors"), "form": form})


def _referrals_page(
    request: HttpRequest, *, failed: tuple[int, ReferralDoneForm] | None = None
) -> HttpResponse:
    desk = selectors.sees_all_referrals(request.user)
    own = selectors.own_department(request.user, request.site)
    filter_form = ReferralFilterForm(request.GET or None, site=request.site)
    shown, department = filter_form.cleaned()
    if not desk:
        department = own
    queryset = selectors.referrals(request.site, department=department, status=shown)
    if not desk and own is None:
        queryset = queryset.none()  # staff of no department here: nothing is theirs
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    failed_pk, failed_form = failed or (None, None)
    for inquiry in page:
        inquiry.may_handle = selectors.may_handle_referral(request.user, inquiry)
        inquiry.done_form = (
            failed_form if inquiry.pk == failed_pk else ReferralDoneForm(inquiry_pk=inquiry.pk)
        )
    return render(
        request,
        "visitors/referrals.html",
        {
            "area": area("visitors"),
            "desk": desk,
            "own_department": own,
            "filter": filter_form,
            "shown": shown,
            "department": department,
            "page": page,
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
    inquiry = selectors.referral_for_site(request.site, pk)
    if not selectors.may_handle_referral(request.user, inquiry):
        raise PermissionDenied
    if inquiry.referral_done_at is not None:
        return _already_handled(request, inquiry)
    form = ReferralDoneForm(request.POST, inquiry_pk=inquiry.pk)
    if not form.is_valid():
        return _referrals_page(request, failed=(inquiry.pk, form))
    if not services.inquiry_referral_done(
        inquiry=inquiry, user=request.user, reply=form.cleaned_data["reply"]
    ):
        inquiry.refresh_from_db(fields=["referral_done_at", "referral_done_by"])
        return _already_handled(request, inquiry)
    messages.success(request, _("Marked as handled; the desk can see the reply."))
    return redirect("visitors:referrals")


def _already_handled(request: HttpRequest, inquiry) -> HttpResponse:
    messages.error(
        request,
        _("This referral was already handled by %(user)s at %(time)s; nothing was changed.")
        % {
            "user": inquiry.referral_done_by.get_full_name() if inquiry.referral_done_by else "",
            "time": timezone.localtime(inquiry.referral_done_at).strftime("%Y-%m-%d %H:%M"),
        },
    )
    return redirect("visitors:referrals")
