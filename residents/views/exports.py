from django.http import HttpRequest, HttpResponse

from frontdesk.access import site_view
from frontdesk.roles import USE_DESK


@site_view(USE_DESK)
def lookup_export(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError


@site_view(USE_DESK)
def arrears_export(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError
