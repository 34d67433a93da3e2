import time

from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from frontdesk import worktime
from frontdesk.middleware import SESSION_LOGIN_AT
from frontdesk.models import CalendarDay


@receiver(user_logged_in)
def _stamp_login(sender, request, user, **kwargs) -> None:
    # The 12-hour limit counts from here (SessionLimitsMiddleware).
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_LOGIN_AT] = time.time()


@receiver([post_save, post_delete], sender=CalendarDay)
def _calendar_changed(sender, **kwargs) -> None:
    # Deadlines counted in this process see the edit at once (the others within
    # worktime.CALENDAR_TTL_SECONDS).
    worktime.calendar_changed()
