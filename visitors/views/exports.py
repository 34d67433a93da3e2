"""The visitor register as .xlsx: what the register list shows for the same filter, phone and
ID numbers masked unless a supervisor asks for them (logged)."""

from collections.abc import Callable, Iterator

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from frontdesk.access import site_view
from frontdesk.models import PersonalDataAccess
from frontdesk.personal import mask_id_number, mask_phone
from frontdesk.roles import USE_DESK
from frontdesk.services import personal_data_access_log
from frontdesk.xlsx import Sheet, xlsx_response
from residents.views.exports import FULL_EXPORT_PERMISSION
from visitors.filters import VisitFilter
from visitors.models import Visit
from visitors.selectors import visits as selectors

# A month of the busiest desk is some 8,000 visits; a longer range is cut here, and the
# file says so in its last row.
EXPORT_LIMIT = 10_000


def formats(request: HttpRequest, rows: int) -> tuple[Callable[[str], str], Callable[[str], str]]:
    """How phones and ID numbers are written: masked, or in full for a supervisor who asks
    (?full=1), which is logged. A clerk asking for full numbers gets the masked file, as
    the records' exports do."""
    if request.GET.get("full") != "1" or not request.user.has_perm(FULL_EXPORT_PERMISSION):
        return mask_phone, mask_id_number
    personal_data_access_log(
        user=request.user,
        site=request.site,
        obj=None,
        field="visitor_phone,id_number",
        action=PersonalDataAccess.Action.EXPORT,
        ip_address=request.META.get("REMOTE_ADDR"),
        description=_("Visitor register, %(rows)s rows, full phone and ID numbers")
        % {"rows": rows},
    )
    return str, str


def how_they_left(visit: Visit) -> str:
    return visit.get_exit_display() if visit.checked_out_at else _("On site")


@never_cache
@site_view(USE_DESK)
def visits_export(request: HttpRequest) -> HttpResponse:
    filterset = VisitFilter(request.GET or None, queryset=selectors.register(request.site))
    if filterset.is_bound and not filterset.is_valid():
        # Not the whole register in place of what was asked: back to the list, whose
        # filter shows what is wrong beside each field.
        messages.error(request, _("Correct the filter before exporting."))
        return redirect(f"{reverse('visitors:visits')}?{request.GET.urlencode()}")
    queryset = filterset.qs if filterset.is_bound else filterset.queryset
    visits = list(queryset[: EXPORT_LIMIT + 1])
    cut = len(visits) > EXPORT_LIMIT
    visits = visits[:EXPORT_LIMIT]
    phone, id_number = formats(request, len(visits))

    def rows() -> Iterator[list]:
        for v in visits:
            yield [
                v.checked_in_at,
                v.checked_out_at,
                v.visitor_name,
                phone(v.visitor_phone),
                id_number(v.id_number),
                v.party_size,
                v.purpose.name,
                v.house.label if v.house else "",
                v.resident.name if v.resident else "",
                v.plate,
                how_they_left(v),
                v.checked_in_by.get_full_name() or v.checked_in_by.get_username(),
            ]
        if cut:
            yield [
                _("Only the newest %(count)s visits: choose fewer days for the rest.")
                % {"count": EXPORT_LIMIT}
            ]

    sheet = Sheet(
        _("Visitor register"),
        [
            _("Time in"),
            _("Time out"),
            _("Visitor"),
            _("Phone"),
            _("ID number"),
            _("Party size"),
            _("Purpose"),
            _("House visited"),
            _("Resident visited"),
            _("Vehicle plate"),
            _("How they left"),
            _("Registered by"),
        ],
        rows(),
    )
    return xlsx_response(
        _("visitors-%(date)s.xlsx") % {"date": f"{timezone.localdate():%Y%m%d}"}, sheet
    )
