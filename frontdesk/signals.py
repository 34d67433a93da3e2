import time

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from frontdesk.middleware import SESSION_LOGIN_AT


@receiver(user_logged_in)
def _stamp_login(sender, request, user, **kwargs) -> None:
    # The 12-hour limit counts from here (SessionLimitsMiddleware).
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_LOGIN_AT] = time.time()
