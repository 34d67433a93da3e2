from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from frontdesk.access import site_view
from frontdesk.areas import area
from frontdesk.roles import USE_DESK
from residents import selectors
from residents.forms import RecordRequestForm
from residents.models import FeeKind


@never_cache
@site_view(USE_DESK)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    house = selectors.house_detail(request.site, pk)
    form = RecordRequestForm(site=request.site, initial={"house": house.pk})
    fee_kinds, bill_months = selectors.house_bill_months(house)
    return render(
        request,
        "residents/house.html",
        {
            "area": area("residents"),
            "house": house,
            "arrears": selectors.house_arrears(house),
            "fee_kinds": [FeeKind(k).label for k in fee_kinds],
            "bill_months": [(m, m.cells(fee_kinds)) for m in bill_months],
            "requests": selectors.house_requests(house),
            "form": form,
            "today": timezone.localdate(),
        },
    )
