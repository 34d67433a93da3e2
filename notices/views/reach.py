"""A published notice's reach: what its groups and texts did, the households neither got
(the panel on the notice's page, loaded by htmx; the page alone without it), and those
households as a spreadsheet to phone or visit."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from frontdesk.access import site_view
from frontdesk.areas import area
from frontdesk.roles import USE_DESK
from frontdesk.xlsx import xlsx_response
from notices.selectors import reach as selectors
from notices.services.delivery import not_reached_export_formats


@never_cache
@site_view(USE_DESK)
def reach(request: HttpRequest, pk: int) -> HttpResponse:
    notice = selectors.reach_notice(request.site, pk)
    context = {
        "area": area("notices"),
        "notice": notice,
        "reach": selectors.reach_panel(notice, request.GET.get("page")),
    }
    if request.headers.get("HX-Request"):
        return render(request, "notices/_reach.html", context)
    return render(request, "notices/reach.html", context)


@never_cache
@site_view(USE_DESK)
def reach_export(request: HttpRequest, pk: int) -> HttpResponse:
    """Phones masked, unless a user allowed to asks for them whole (?full=1; logged)."""
    notice = selectors.reach_notice(request.site, pk)
    rows = selectors.not_reached_export(notice)
    phone = not_reached_export_formats(
        site=request.site,
        user=request.user,
        notice=notice,
        full=request.GET.get("full") == "1",
        rows=len(rows),
        ip_address=request.META.get("REMOTE_ADDR"),
    )
    return xlsx_response(
        _("not-reached-%(id)s-%(date)s.xlsx")
        % {"id": notice.pk, "date": f"{timezone.localdate():%Y%m%d}"},
        selectors.not_reached_sheet(rows, phone=phone),
    )
