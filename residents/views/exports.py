"""Excel exports of the lookup and of the arrears list; phones masked unless a supervisor
asks for them whole (?full=1), which is logged."""

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from frontdesk.access import site_view
from frontdesk.personal import mask_phone
from frontdesk.roles import USE_DESK
from frontdesk.services import export_formats
from frontdesk.xlsx import xlsx_response
from residents.filters import arrears_filter
from residents.selectors import exports as selectors
from residents.selectors.lookup import lookup


def _phone_format(request: HttpRequest, export: str, rows: int):
    return export_formats(
        site=request.site,
        user=request.user,
        full=request.GET.get("full") == "1",
        maskers={"phone": mask_phone},
        description=_("%(export)s, %(rows)s rows, full phone numbers")
        % {"export": export, "rows": rows},
        ip_address=request.META.get("REMOTE_ADDR"),
    )["phone"]


@never_cache
@site_view(USE_DESK)
def lookup_export(request: HttpRequest) -> HttpResponse:
    result = lookup(request.site, request.GET.get("q", ""), limit=selectors.EXPORT_LIMIT)
    export = _("Lookup “%(q)s”") % {"q": result.query}
    phone = _phone_format(request, export, len(result.residents) + len(result.houses))
    return xlsx_response(
        _("lookup-%(date)s.xlsx") % {"date": f"{timezone.localdate():%Y%m%d}"},
        *selectors.lookup_sheets(result, phone),
    )


@never_cache
@site_view(USE_DESK)
def arrears_export(request: HttpRequest) -> HttpResponse:
    # What the list shows, with its filters.
    rows = arrears_filter(request.site, request.GET).rows
    houses = selectors.arrears_export(request.site, rows)
    phone = _phone_format(request, _("Arrears list"), len(houses))
    return xlsx_response(
        _("arrears-%(date)s.xlsx") % {"date": f"{timezone.localdate():%Y%m%d}"},
        selectors.arrears_sheet(houses, phone),
    )
