from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from frontdesk.access import site_view
from frontdesk.areas import area
from frontdesk.roles import USE_DESK
from residents import selectors
from residents.forms import RecordRequestForm


@never_cache
@site_view(USE_DESK)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    house = selectors.house_detail(request.site, pk)
    form = RecordRequestForm(site=request.site, initial={"house": house.pk})
    return render(
        request,
        "residents/house.html",
        {
            "area": area("residents"),
            "house": house,
            "arrears": selectors.house_arrears(house),
            "bills": selectors.house_bills(house),
            "requests": selectors.house_requests(house),
            "form": form,
            "today": timezone.localdate(),
        },
    )
