import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from frontdesk import selectors
from frontdesk.models import Site

SESSION_LOGIN_AT = "login_at"
SESSION_SEEN_AT = "seen_at"
SESSION_SITE_ID = "site_id"
SESSION_ACCESS = "access"


class SessionLimitsMiddleware:
    """End a session 12 hours after login, and keep it alive only while it is used.

    The idle limit is the session cookie's age; renewing it costs a write, so it happens
    at most once per SESSION_RENEW_INTERVAL instead of on every request.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            login_at = request.session.setdefault(SESSION_LOGIN_AT, now)
            if now - login_at > settings.SESSION_ABSOLUTE_AGE:
                logout(request)
                messages.info(
                    request, _("Your session has ended after 12 hours. Please log in again.")
                )
                return redirect_to_login(request.get_full_path())
            if now - request.session.get(SESSION_SEEN_AT, 0) > settings.SESSION_RENEW_INTERVAL:
                request.session[SESSION_SEEN_AT] = now
        return self.get_response(request)


class CurrentSiteMiddleware:
    """Give each request the user's sites and the current one (``request.sites``, ``request.site``).

    The current site is kept in the session; it falls back to the user's first site when
    the session names none or a site the user no longer belongs to.

    The user's sites and permissions are read on every page (header, navigation, access
    checks), so they are kept in the session and read again from the database once per
    SESSION_RENEW_INTERVAL: three queries fewer per page, and a change made by a
    supervisor (a site or role taken away) applies within that minute.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.sites = _sites_and_permissions(request)
        wanted = request.session.get(SESSION_SITE_ID) if request.sites else None
        request.site = next(
            (site for site in request.sites if site.pk == wanted),
            request.sites[0] if request.sites else None,
        )
        return self.get_response(request)


SITE_FIELDS = ("id", "name", "address", "service_phone")


def _sites_and_permissions(request: HttpRequest) -> list[Site]:
    user = request.user
    if not user.is_authenticated:
        return []
    now = time.time()
    cached = request.session.get(SESSION_ACCESS)
    if (
        not cached
        or cached["user"] != user.pk
        or now - cached["at"] > settings.SESSION_RENEW_INTERVAL
    ):
        sites = selectors.sites_for_user(user)
        cached = {
            "user": user.pk,
            "at": now,
            "sites": [[getattr(site, f) for f in SITE_FIELDS] for site in sites],
            "perms": sorted(user.get_all_permissions()),
        }
        request.session[SESSION_ACCESS] = cached
    else:
        # ModelBackend keeps a user's permissions in _perm_cache for the request; filling
        # it from the session spares the two permission queries.
        user._perm_cache = set(cached["perms"])
    return [Site(**dict(zip(SITE_FIELDS, values, strict=True))) for values in cached["sites"]]


class PrivatePagesMiddleware:
    """No page seen by a logged-in user is kept by the browser or a proxy.

    Desk PCs are shared and most pages hold residents' names, houses or debts: after a
    logout, Back must not bring them up again from the cache.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # Most desk views said so already (never_cache): the headers are not rewritten.
        if request.user.is_authenticated and "no-store" not in response.get("Cache-Control", ""):
            add_never_cache_headers(response)
        return response
