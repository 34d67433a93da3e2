"""The beat's expiry of notices past their last day (notices.services.expiry)."""

from celery import shared_task

from frontdesk.deferred import enqueue_later
from notices.services.expiry import notices_expire


# Idempotent: a notice is expired only while it is still published, under its row's
# lock, with its timeline entry in the same transaction.
@shared_task(name="notices.expire_due", ignore_result=True, acks_late=True)
def expire_due() -> dict:
    report = notices_expire()
    if report.more:
        # A backlog (after an outage): the next batch at once, not at the next tick.
        enqueue_later(expire_due, 0)
    return {"expired": report.expired}
