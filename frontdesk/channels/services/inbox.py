"""A member of staff reading their inbox: messages marked read, only ever their own.

Marking read is a conditional UPDATE on rows still unread, so a message read in two tabs
(or marked in one and opened in the other) keeps the moment it was first read.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from frontdesk.channels.models import Delivery
from frontdesk.channels.selectors.inbox import inbox_item
from frontdesk.models import User


def inbox_mark_read(*, user: User, ids: list[int] | None, shown_at: datetime | None = None) -> int:
    """Mark the user's messages ``ids`` read (all of them when None); ids of other users'
    rows, or of no row, change nothing. Returns how many were unread.

    ``shown_at``: only messages that had arrived when the user's page was shown, so that
    "mark all as read" does not hide one that came in while they were reading.
    """
    unread = Delivery.objects.inbox_of(user).filter(read_at__isnull=True)
    if shown_at is not None:
        unread = unread.filter(created_at__lte=shown_at)
    if ids is not None:
        if not ids:
            return 0
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())


def inbox_open(*, user: User, pk: int) -> Delivery:
    """The user's message ``pk``, marked read if it was not (a 404 for anyone else's)."""
    item = inbox_item(user, pk)
    if item.read_at is None:
        now = timezone.now()
        if Delivery.objects.filter(pk=item.pk, read_at__isnull=True).update(read_at=now):
            item.read_at = now
        else:
            # Read meanwhile elsewhere: keep the moment it was first read.
            item.refresh_from_db(fields=["read_at"])
    return item
