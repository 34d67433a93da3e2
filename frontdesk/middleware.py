import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from frontdesk import selectors

SESSION_LOGIN_AT = "login_at"
SESSION_SEEN_AT = "seen_at"
SESSION_SITE_ID = "site_id"


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
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.sites = selectors.sites_for_user(request.user)
        wanted = request.session.get(SESSION_SITE_ID) if request.sites else None
        request.site = next(
            (site for site in request.sites if site.pk == wanted),
            request.sites[0] if request.sites else None,
        )
        return self.get_response(request)
