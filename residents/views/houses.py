from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from frontdesk.access import site_view
from frontdesk.areas import area
from frontdesk.roles import USE_DESK
from frontdesk.selectors import panels_for
from residents.models import FeeKind
from residents.selectors.arrears import house_arrears
from residents.selectors.houses import house_bill_months, house_detail, house_payments


@never_cache
@site_view(USE_DESK)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    house = house_detail(request.site, pk)
    fee_kinds, bill_months = house_bill_months(house)
    payments, credit = house_payments(house)
    return render(
        request,
        "residents/house.html",
        {
            "area": area("residents"),
            "house": house,
            "arrears": house_arrears(house),
            "fee_kinds": [FeeKind(k).label for k in fee_kinds],
            "bill_months": [(m, m.cells(fee_kinds)) for m in bill_months],
            "payments": payments,
            "credit": credit,
            # What the other areas know of this house: its inquiries, parcels waiting, ….
            "panels": panels_for(request.site, request.user, house),
            "today": timezone.localdate(),
        },
    )
