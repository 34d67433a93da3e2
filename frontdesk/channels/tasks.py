"""The sender's task: queued after each commit that writes deliveries, and every minute by
beat as the scan that picks up whatever is left pending (Redis down, a worker dead)."""

from celery import shared_task
from django.utils import timezone

from frontdesk.channels import ratelimit, sending
from frontdesk.deferred import enqueue_later


@shared_task(name="frontdesk.channels.send_due")
def send_due() -> dict:
    report = sending.send_due()
    # Put off by a robot's rate limit: come back when the first of them is due, rather
    # than wait for the next minute's scan; one such wake-up at a time, however many runs
    # met the limit (each on-commit task of a burst would otherwise schedule its own).
    if report.next_due is not None:
        seconds = max(1.0, (report.next_due - timezone.now()).total_seconds())
        if ratelimit.wake_up_once(seconds):
            enqueue_later(send_due, seconds)
    return {"sent": report.sent, "failed": report.failed, "retried": report.retried}
