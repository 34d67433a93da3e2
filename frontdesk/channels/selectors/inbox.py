"""Reads of a member of staff's inbox: their own messages, whichever site sent them.

The inbox belongs to the user, not to the current site, so nothing here is scoped by site:
a row of another user is a 404 whatever its site.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.shortcuts import get_object_or_404

from frontdesk.channels.models import Delivery
from frontdesk.hotpath import fetch_value
from frontdesk.models import User

PAGE_SIZE = 30

# What a row of the list shows, and no more: a delivery also carries its parameters, the
# sender's claim and the provider's answer.
LIST_FIELDS = ("id", "site__name", "subject", "text", "link", "read_at", "created_at")


@dataclass(frozen=True)
class InboxPage:
    """One page of the inbox, newest first, without counting every row: the next page is
    known to exist from one row more than the page shows."""

    rows: list[Delivery]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1


def page_number(value: str | None) -> int:
    """The page asked for, 1 for anything that is not a plain page number."""
    if value and value.isascii() and value.isdigit() and len(value) <= 6:
        return max(int(value), 1)
    return 1


def inbox_page(user: User, page_number: int, only_unread: bool = False) -> InboxPage:
    """A page of the user's messages, newest first (the delivery_inbox index; unread ones
    from delivery_inbox_unread), in one query."""
    queryset = Delivery.objects.inbox_of(user)
    if only_unread:
        queryset = queryset.filter(read_at__isnull=True)
    number = max(page_number, 1)
    start = (number - 1) * PAGE_SIZE
    queryset = queryset.select_related("site").only(*LIST_FIELDS).order_by("-id")
    rows = list(queryset[start : start + PAGE_SIZE + 1])
    return InboxPage(rows=rows[:PAGE_SIZE], number=number, has_next=len(rows) > PAGE_SIZE)


# ``Delivery.objects.inbox_of(user).filter(read_at__isnull=True).count()``, written out: the
# header counts it on every page, and building it through the ORM cost more than its
# answer (frontdesk.hotpath). The test compares the two.
UNREAD_SQL = (
    f"SELECT COUNT(*) FROM {Delivery._meta.db_table} "
    "WHERE channel = %s AND user_id = %s AND read_at IS NULL"
)


def inbox_unread_count(user: User) -> int:
    """How many of the user's messages are unread: the delivery_inbox_unread index alone."""
    if not user.is_authenticated:
        return 0
    return fetch_value(UNREAD_SQL, [Delivery.Channel.INBOX.value, user.pk], Delivery)


def inbox_item(user: User, pk: int) -> Delivery:
    """One of the user's own messages, or a 404 (also when it is another user's)."""
    return get_object_or_404(Delivery.objects.inbox_of(user).select_related("site"), pk=pk)
