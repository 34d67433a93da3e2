"""Sending again what failed or may not have arrived, as new deliveries.

The original row is never touched: the log keeps saying what happened to it, and the
copy gets a history of its own (who asked for it, its attempts, its outcome).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from frontdesk.channels.models import Delivery
from frontdesk.channels.quiet import next_allowed
from frontdesk.channels.services.messages import SEND_TASK
from frontdesk.deferred import enqueue_on_commit
from frontdesk.models import User

State, Audience = Delivery.State, Delivery.Audience

# Pending and sending rows are still on their way; a sent one arrived; a skipped one had
# a reason (no phone, no template) that resending would only repeat.
RESENDABLE = (State.FAILED, State.UNCERTAIN)

# The message itself and its recipient, as the original was written by message_send.
COPIED = (
    "site_id",
    "channel",
    "audience",
    "purpose",
    "urgent",
    "subject",
    "text",
    "link",
    "params",
    "robot_id",
    "user_id",
    "phone",
    "email",
    "recipient_name",
    "about_type_id",
    "about_id",
)


@transaction.atomic
def deliveries_resend(*, rows: Iterable[Delivery], user: User | None) -> int:
    """New pending copies of the failed or uncertain ``rows``; returns how many."""
    now = timezone.now()
    copies = []
    for row in rows:
        if row.state not in RESENDABLE:
            continue
        when = now
        # A resend is asked for in the daytime or at night alike; residents still are not
        # woken by a message that was not urgent the first time.
        if row.audience == Audience.RESIDENT and not row.urgent:
            when = next_allowed(now)
        copies.append(
            Delivery(
                **{name: getattr(row, name) for name in COPIED},
                state=State.PENDING,
                not_before=when,
                attempts=0,
                created_by=user,
            )
        )
    Delivery.objects.bulk_create(copies)
    if any(copy.not_before <= now for copy in copies):
        enqueue_on_commit(SEND_TASK)
    return len(copies)
