from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from frontdesk.access import site_view
from frontdesk.areas import area
from frontdesk.roles import USE_DESK
from residents.selectors import arrears as selectors

PAGE_SIZE = 50


@never_cache
@site_view(USE_DESK)
def index(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.arrears_totals(request.site), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    page.object_list = selectors.arrears_houses(request.site, page.object_list)
    return render(request, "residents/arrears.html", {"area": area("residents"), "page": page})
