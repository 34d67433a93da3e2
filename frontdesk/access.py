"""The access helper every desk view starts with.

``site_view`` = logged in + a current site + (optionally) a permission. A user who belongs
to no site sees a page saying so instead of an empty desk; a missing permission is a 403.
Objects are then fetched with ``frontdesk.scoping.get_for_site_or_404``.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def site_view(permission: str | None = None) -> Callable:
    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        @login_required
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.site is None:
                return render(request, "frontdesk/no_site.html", status=403)
            if permission and not request.user.has_perm(permission):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
