from django.http import HttpRequest, HttpResponse

from frontdesk.access import site_view
from frontdesk.roles import USE_DESK


@site_view(USE_DESK)
def index(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError
