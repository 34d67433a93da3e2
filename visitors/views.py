from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from frontdesk.access import site_view
from frontdesk.areas import area
from frontdesk.roles import USE_DESK


@site_view(USE_DESK)
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "visitors/index.html", {"area": area("visitors")})
