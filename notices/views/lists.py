"""The notices list (the area's landing), the supervisor's approvals queue, and the
requests from management."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from frontdesk.access import site_view
from frontdesk.areas import area
from frontdesk.pagination import CappedPaginator
from frontdesk.roles import USE_DESK
from notices.access import APPROVE
from notices.filters import NoticeFilter
from notices.selectors import lists as selectors


def _context(request: HttpRequest, rows, current: str, **context) -> dict:
    page = CappedPaginator(rows, selectors.PAGE).get_page(request.GET.get("page"))
    return {
        "area": area("notices"),
        "page": page,
        "current": current,
        "counts": selectors.counts(request.site, request.user),
        "approver": selectors.show_approvals(request.user),
        **context,
    }


@never_cache
@site_view(USE_DESK)
def index(request: HttpRequest) -> HttpResponse:
    filterset = NoticeFilter(
        request.GET or None, queryset=selectors.notices_all(request.site), site=request.site
    )
    # A bad value is shown beside its field, and the list stays unfiltered.
    rows = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
    return render(request, "notices/index.html", _context(request, rows, "all", filter=filterset))


@never_cache
@site_view(APPROVE)
def approvals(request: HttpRequest) -> HttpResponse:
    rows = selectors.approvals_queue(request.site)
    return render(request, "notices/approvals.html", _context(request, rows, "approvals"))


@never_cache
@site_view(USE_DESK)
def requests(request: HttpRequest) -> HttpResponse:
    rows = selectors.requests_all(request.site)
    return render(request, "notices/requests.html", _context(request, rows, "requests"))
