"""The desk's lists of cases: the working views (the area's landing), every case with its
filter, and that filter's cases as a spreadsheet."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from complaints.filters import CaseFilter
from complaints.selectors import exports as export_selectors
from complaints.selectors import lists as selectors
from complaints.services.exports import cases_export_formats
from frontdesk.access import site_view
from frontdesk.areas import area
from frontdesk.pagination import CappedPaginator
from frontdesk.xlsx import xlsx_response

# Every case of a site is counted exactly as far as an export holds.
COUNT_CAP = export_selectors.EXPORT_LIMIT


def _page(request: HttpRequest, cases, **context) -> dict:
    page = CappedPaginator(selectors.for_page(cases), selectors.PAGE, cap=COUNT_CAP).get_page(
        request.GET.get("page")
    )
    page.object_list = selectors.case_rows(page.object_list)
    return {
        "area": area("complaints"),
        "page": page,
        "case_url": selectors.case_url_prefix(),
        "views": selectors.views_for(request.user),
        "desk": selectors.is_desk(request.user),
        **context,
    }


@never_cache
@site_view()
def index(request: HttpRequest) -> HttpResponse:
    """One working view (?view=): a view unknown or not the user's is their default one."""
    views = {v.key: v for v in selectors.views_for(request.user)}
    current = request.GET.get("view")
    if current not in views:
        current = selectors.default_view(request.user)
    summary = selectors.by_department(request.site) if selectors.is_desk(request.user) else []
    context = _page(
        request,
        selectors.working_list(request.site, request.user, current),
        current=current,
        current_label=views[current].label,
        summary=summary,
    )
    return render(request, "complaints/index.html", context)


def _filtered(request: HttpRequest) -> CaseFilter:
    return CaseFilter(
        request.GET or None,
        queryset=selectors.all_cases(request.site, request.user),
        site=request.site,
    )


@never_cache
@site_view()
def cases(request: HttpRequest) -> HttpResponse:
    filterset = _filtered(request)
    # A bad value is shown beside its field, and the list stays unfiltered.
    queryset = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
    return render(
        request, "complaints/cases.html", _page(request, queryset, filter=filterset, current="all")
    )


@never_cache
@site_view()
def cases_export(request: HttpRequest) -> HttpResponse:
    filterset = _filtered(request)
    if filterset.is_bound and not filterset.is_valid():
        # Not every case in place of what was asked: back to the list, whose filter
        # shows what is wrong beside each field.
        messages.error(request, _("Correct the filter before exporting."))
        return redirect(f"{reverse('complaints:cases')}?{request.GET.urlencode()}")
    export = export_selectors.cases_export(
        filterset.qs if filterset.is_bound else filterset.queryset
    )
    phone = cases_export_formats(
        site=request.site,
        user=request.user,
        full=request.GET.get("full") == "1",
        rows=len(export.cases),
        ip_address=request.META.get("REMOTE_ADDR"),
    )
    return xlsx_response(
        _("cases-%(date)s.xlsx") % {"date": f"{timezone.localdate():%Y%m%d}"},
        export.sheet(phone=phone),
    )
