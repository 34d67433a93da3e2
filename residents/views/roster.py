from django.http import HttpRequest, HttpResponse

from frontdesk.access import site_view


@site_view("residents.import_roster")
def upload(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError


@site_view("residents.import_roster")
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    raise NotImplementedError
