"""The visitor register as .xlsx: what the register list shows for the same filter, phone and
ID numbers masked unless a supervisor asks for them (logged)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from frontdesk.access import site_view
from frontdesk.roles import USE_DESK
from frontdesk.xlsx import xlsx_response
from visitors.filters import VisitFilter
from visitors.selectors import exports as selectors
from visitors.selectors.visits import register
from visitors.services.exports import visits_export_formats


@never_cache
@site_view(USE_DESK)
def visits_export(request: HttpRequest) -> HttpResponse:
    filterset = VisitFilter(request.GET or None, queryset=register(request.site))
    if filterset.is_bound and not filterset.is_valid():
        # Not the whole register in place of what was asked: back to the list, whose
        # filter shows what is wrong beside each field.
        messages.error(request, _("Correct the filter before exporting."))
        return redirect(f"{reverse('visitors:visits')}?{request.GET.urlencode()}")
    export = selectors.visits_export(filterset.qs if filterset.is_bound else filterset.queryset)
    phone, id_number = visits_export_formats(
        site=request.site,
        user=request.user,
        full=request.GET.get("full") == "1",
        rows=len(export.visits),
        ip_address=request.META.get("REMOTE_ADDR"),
    )
    return xlsx_response(
        _("visitors-%(date)s.xlsx") % {"date": f"{timezone.localdate():%Y%m%d}"},
        export.sheet(phone=phone, id_number=id_number),
    )
