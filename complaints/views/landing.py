from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from frontdesk.access import site_view
from frontdesk.areas import area


@site_view()
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "complaints/index.html", {"area": area("complaints")})
