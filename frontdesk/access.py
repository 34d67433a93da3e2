"""The access helper every desk view starts with.

``site_view`` = logged in + a current site + (optionally) a permission. A user who belongs
to no site sees a page saying so instead of an empty desk; a missing permission is a 403.
Objects are then fetched with ``frontdesk.scoping.get_for_site_or_404``.
"""

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render, resolve_url


def session_ended(request: HttpRequest) -> HttpResponse:
    """A page left open past its session asks htmx for a fragment (a reveal, a lookup, the
    house picker): the login redirect would be followed inside the page and show a login
    form in a list, so the answer is a 401 with a line (desk.js swaps it in) saying so, and
    a way back to this page once logged in again."""
    login = resolve_url(settings.LOGIN_URL)
    here = urlsplit(request.headers.get("HX-Current-URL", ""))
    if here.netloc == request.get_host() and here.path.startswith("/"):
        query = QueryDict(mutable=True)
        query[REDIRECT_FIELD_NAME] = here.path + (f"?{here.query}" if here.query else "")
        login = f"{login}?{query.urlencode(safe='/')}"
    return render(request, "frontdesk/session_ended.html", {"login_url": login}, status=401)


def site_view(permission: str | None = None) -> Callable:
    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated and request.headers.get("HX-Request"):
                return session_ended(request)
            return checked(request, *args, **kwargs)

        @login_required
        def checked(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.site is None:
                return render(request, "frontdesk/no_site.html", status=403)
            if permission and not request.user.has_perm(permission):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
