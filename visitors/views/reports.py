"""Reception's statistics page: visits per day, hour and purpose over a date range."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from frontdesk.access import site_view
from frontdesk.areas import area
from frontdesk.roles import USE_DESK
from frontdesk.timetext import duration_text
from visitors.forms.reports import ReportRangeForm
from visitors.selectors.reports import visit_report


@never_cache
@site_view(USE_DESK)
def index(request: HttpRequest) -> HttpResponse:
    form = ReportRangeForm.from_query(request.GET, today=timezone.localdate())
    report = visit_report(request.site, **form.cleaned_data) if form.is_valid() else None
    return render(
        request,
        "visitors/reports.html",
        {
            "area": area("visitors"),
            "form": form,
            "report": report,
            "average_stay": duration_text(report.average_stay) if report else "",
        },
    )
