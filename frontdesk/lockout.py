"""Login lockout: one limit per account and a higher one per address (see settings); the
password form's wrong current passwords count as failed logins."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_login_failed
from django.db.models import QuerySet, Sum
from django.http import HttpRequest, HttpResponse

if TYPE_CHECKING:  # axes imports this module while the apps are still loading
    from frontdesk.models import User


def _failures(attempts: QuerySet) -> int:
    return attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0


class LoginAttemptHandler(AxesDatabaseHandler):
    """Axes' database handler with one limit per account and a higher one per address.

    Axes compares a single count with AXES_FAILURE_LIMIT. The count returned here is the
    account's failures, or the address's recent failures shifted so that they reach
    AXES_FAILURE_LIMIT exactly at LOGIN_IP_FAILURE_LIMIT (see the settings for why).
    """

    def get_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        username = get_client_username(request, credentials)
        by_account = _failures(AccessAttempt.objects.filter(username=username))
        request.login_locked_address = False
        ip_limit = settings.LOGIN_IP_FAILURE_LIMIT
        if not ip_limit:
            return by_account
        since = request.axes_attempt_time - timedelta(seconds=settings.LOGIN_IP_FAILURE_WINDOW)
        by_address = _failures(
            AccessAttempt.objects.filter(
                ip_address=request.axes_ip_address, attempt_time__gte=since
            )
        )
        # Read by the lockout page, which names what is locked.
        request.login_locked_address = (
            by_address >= ip_limit and by_account < settings.AXES_FAILURE_LIMIT
        )
        return max(by_account, by_address - ip_limit + settings.AXES_FAILURE_LIMIT)

    def reset_user_attempts(self, request: HttpRequest, credentials: dict | None = None) -> int:
        # After a successful login only that account's failures are forgotten. Axes would
        # also delete every failure from the address, so anyone with an account could log
        # in between guesses at a colleague's password and never reach the lock.
        username = get_client_username(request, credentials)
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return count


# --- The password form: a wrong current password is a failed login ----------------------
# Someone at a desk PC left logged in could otherwise try passwords there without limit,
# then use the one found to log in anywhere. These failures go through axes, so they count
# with the login's towards the same lock, are logged with it (AccessFailureLog, path
# /accounts/password/), and are unlocked the same way.


def _credentials(user: User) -> dict:
    return {"username": user.get_username()}


def password_locked(request: HttpRequest, user: User) -> bool:
    """Whether the user's account (or this address) is locked, as a login would find it."""
    return not AxesProxyHandler.is_allowed(request, _credentials(user))


def password_failed(request: HttpRequest, user: User) -> bool:
    """Record a wrong current password as a failed login; True when that locks the account."""
    user_login_failed.send(sender=__name__, credentials=_credentials(user), request=request)
    return bool(getattr(request, "axes_locked_out", False))


def password_right(user: User) -> None:
    """The right current password ends a run of wrong ones, as a successful login does."""
    AxesProxyHandler.reset_attempts(username=user.get_username())


def lock_out(request: HttpRequest, user: User) -> HttpResponse:
    """End the session and answer as a locked login is answered.

    AxesMiddleware turns the response into the lockout page when ``axes_locked_out`` is
    set, exactly as for a login refused by the lock.
    """
    credentials = _credentials(user)
    logout(request)
    request.axes_locked_out = True
    request.axes_credentials = credentials
    return HttpResponse(status=settings.AXES_HTTP_RESPONSE_CODE)
