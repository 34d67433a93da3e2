"""Someone got there first: the one exception a state change raises when its conditional
UPDATE finds the row already moved on, and the one way the desk says so.

A service changes state with ``UPDATE … WHERE <from-state>``; when no row changes, another
clerk (or a scan, or a department) did it a moment before. The service then raises
``Conflict`` with what it found: the object as it is now, who changed it and when. Pages
tell the user “已于 14:05 由 王芳 办理离场，本次未作任何更改。” with ``conflict_message``.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from django.utils.functional import Promise

    from frontdesk.models import User


class Conflict(Exception):
    """The change was not made: ``obj`` had already been changed by ``by`` at ``at``.

    ``obj`` is the object as the database has it now; ``by`` is None when nobody is
    recorded (a change made by a task, or by a user since deleted).
    """

    def __init__(self, obj: Any, *, by: User | None, at: datetime):
        if timezone.is_naive(at):
            raise ValueError("a conflict's time must be aware")
        super().__init__(
            f"{type(obj).__name__} {getattr(obj, 'pk', obj)} changed at {at.isoformat()}"
        )
        self.obj = obj
        self.by = by
        self.at = at


def conflict_time(at: datetime, now: datetime | None = None) -> str:
    """The local time of day, with the date when it was not today (the desk's time zone)."""
    local = timezone.localtime(at)
    if local.date() == timezone.localdate(now):
        return date_format(local, "H:i")
    return date_format(local, "Y-m-d H:i")


def conflict_message(
    conflict: Conflict,
    action: str | Promise,
    *,
    subject: str = "",
    who: str = "",
    now: datetime | None = None,
) -> str:
    """“[subject ]已于 HH:MM 由 X <action>，本次未作任何更改。”

    ``action`` is what was done, as a past participle in English (pgettext_lazy
    "conflict", e.g. “checked out” → 办理离场). ``subject`` names the object where the
    page does not (a visitor's name). ``who`` names someone outside the system instead of
    the user recorded (the person who collected a parcel).
    """
    values = {
        "subject": subject,
        "action": action,
        "time": conflict_time(conflict.at, now),
        "who": who or _user_name(conflict.by),
    }
    if values["who"] and subject:
        text = _("%(subject)s was already %(action)s at %(time)s by %(who)s; nothing was changed.")
    elif values["who"]:
        text = _("Already %(action)s at %(time)s by %(who)s; nothing was changed.")
    elif subject:
        text = _("%(subject)s was already %(action)s at %(time)s; nothing was changed.")
    else:
        text = _("Already %(action)s at %(time)s; nothing was changed.")
    return text % values


def _user_name(user: User | None) -> str:
    return user.get_full_name() if user is not None else ""
