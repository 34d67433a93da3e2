from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from frontdesk.access import site_view
from frontdesk.areas import area
from frontdesk.links import url_prefix
from frontdesk.roles import USE_DESK
from residents.search import MAX_QUERY
from residents.selectors.lookup import lookup


@never_cache
@site_view(USE_DESK)
def index(request: HttpRequest) -> HttpResponse:
    """The one lookup box; htmx asks for the results alone while the clerk types."""
    raw = request.GET.get("q", "")
    result = lookup(request.site, raw)
    context = {
        "area": area("residents"),
        "q": raw[:MAX_QUERY],
        "too_long": len(raw) > MAX_QUERY,
        "result": result,
        # Reversed once, not once per result row: the list renders on every keystroke.
        "house_url": url_prefix("residents:house"),
    }
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "lookup-results":
        return render(request, "residents/_results.html", context)
    return render(request, "residents/index.html", context)
