"""The URLconf of ``manage.py bench`` alone: the site's own, plus references.

The floor view, and each area's references (``Area.bench_urls``, such as Django admin's
stock search), are never reachable on the real site: the bench activates this URLconf
with override_settings for its run only.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import include, path

from frontdesk.areas import all_areas
from frontdesk.urls import urlpatterns as site_patterns


def floor(request: HttpRequest) -> HttpResponse:
    """What every page costs before it does anything: the middleware and base.html."""
    return render(request, "base.html")


# Last, so that every real page resolves exactly as on the site.
urlpatterns = [
    *site_patterns,
    path("__bench__/floor/", floor),
    *[
        path(f"__bench__/{area.key}/", include(area.bench_urls))
        for area in all_areas()
        if area.bench_urls
    ],
]
