"""The beat's expiry: every published notice past its last day becomes expired.

``notices_expire(now)`` finds them with one range scan of the partial index
``notice_published_expiry`` and expires a batch per transaction, each with its timeline
entry. Rows being changed right now are skipped (SKIP LOCKED) and left to the next run;
a notice expired twice (two beats, a redelivered task) is found published only once, so
the scan is idempotent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from notices.models import Notice, NoticeEvent
from notices.states import State

BATCH = 500


@dataclass
class ExpiryReport:
    expired: int
    more: bool


def notices_expire(now: datetime | None = None) -> ExpiryReport:
    """Expire the published notices whose expiry date is before today (Asia/Shanghai)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        due = list(
            Notice.objects.filter(state=State.PUBLISHED, expires_on__lt=today)
            .order_by("expires_on", "id")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[: BATCH + 1]
        )
        more, ids = len(due) > BATCH, due[:BATCH]
        # Locked as found published: nobody else changes them before this commits.
        Notice.objects.filter(pk__in=ids).update(
            state=State.EXPIRED,
            ended_at=now,
            updated_at=now,
            updated_by=None,
            revision=F("revision") + 1,
        )
        NoticeEvent.objects.bulk_create(
            NoticeEvent(
                notice_id=pk,
                at=now,
                kind=NoticeEvent.Kind.EXPIRED,
                from_state=State.PUBLISHED,
                to_state=State.EXPIRED,
            )
            for pk in ids
        )
    return ExpiryReport(expired=len(ids), more=more)
