"""Excel exports of the lookup and of the arrears list; phones masked unless asked and allowed."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from frontdesk.access import site_view
from frontdesk.models import PersonalDataAccess
from frontdesk.personal import mask_phone
from frontdesk.roles import USE_DESK
from frontdesk.services import personal_data_access_log
from frontdesk.xlsx import Sheet, xlsx_response
from residents.models import Occupancy
from residents.selectors.arrears import arrears_houses, arrears_totals
from residents.selectors.lookup import lookup

EXPORT_LIMIT = 1000
# Taking every full phone number away in one file is for those trusted with the whole
# roster: the supervisors who import it. A clerk can still reveal one number on screen.
FULL_EXPORT_PERMISSION = "residents.import_roster"


def phone_format(request: HttpRequest, export: str, rows: int) -> Callable[[str], str]:
    """Masked phones, or full ones for a supervisor who asks (?full=1), which is logged.

    A clerk asking for full phones gets the masked file rather than a 403: the export is
    still what they need, and nothing in it is more than they may see anyway.
    """
    if request.GET.get("full") != "1" or not request.user.has_perm(FULL_EXPORT_PERMISSION):
        return mask_phone
    personal_data_access_log(
        user=request.user,
        site=request.site,
        obj=None,
        field="phone",
        action=PersonalDataAccess.Action.EXPORT,
        ip_address=request.META.get("REMOTE_ADDR"),
        description=_("%(export)s, %(rows)s rows, full phone numbers")
        % {"export": export, "rows": rows},
    )
    return str


def owners(house) -> list:
    return [o.resident for o in house.current_occupancies if o.relation == Occupancy.Relation.OWNER]


@never_cache
@site_view(USE_DESK)
def lookup_export(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    result = lookup(request.site, query, limit=EXPORT_LIMIT)
    export = _("Lookup “%(q)s”") % {"q": result.query}
    phone = phone_format(request, export, len(result.residents) + len(result.houses))
    residents = Sheet(
        _("Residents"),
        [_("Name"), _("Phone"), _("Houses")],
        (
            [
                r.name,
                phone(r.phone),
                "、".join(f"{tie.label}（{tie.relation_label}）" for tie in r.houses),
            ]
            for r in result.residents
        ),
    )
    houses = Sheet(
        _("Houses"),
        [_("House"), _("Status"), _("Owner")],
        (
            [
                h.label,
                h.status_label,
                "、".join(o.name for o in h.occupants if o.relation == Occupancy.Relation.OWNER),
            ]
            for h in result.houses
        ),
    )
    return xlsx_response(
        _("lookup-%(date)s.xlsx") % {"date": f"{timezone.localdate():%Y%m%d}"}, residents, houses
    )


@never_cache
@site_view(USE_DESK)
def arrears_export(request: HttpRequest) -> HttpResponse:
    houses = arrears_houses(request.site, arrears_totals(request.site), with_occupants=True)
    phone = phone_format(request, _("Arrears list"), len(houses))
    sheet = Sheet(
        _("Arrears"),
        [_("House"), _("Months owed"), _("Amount owed"), _("Owner's name"), _("Owner's phone")],
        (
            [
                h.label,
                h.arrears_months,
                h.arrears_total,
                "、".join(r.name for r in owners(h)),
                "、".join(phone(r.phone) for r in owners(h) if r.phone),
            ]
            for h in houses
        ),
    )
    return xlsx_response(
        _("arrears-%(date)s.xlsx") % {"date": f"{timezone.localdate():%Y%m%d}"}, sheet
    )
