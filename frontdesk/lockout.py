"""Login lockout: one limit per account and a higher one per address (see settings)."""

from datetime import timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import QuerySet, Sum
from django.http import HttpRequest


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
