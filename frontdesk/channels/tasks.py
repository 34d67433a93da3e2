"""The sender's task: queued after each commit that writes deliveries, and every minute by
beat as the scan that picks up whatever is left pending (Redis down, a worker dead)."""

from celery import shared_task
from django.utils import timezone

from frontdesk.channels import sending
from frontdesk.deferred import enqueue_later


@shared_task(name="frontdesk.channels.send_due")
def send_due() -> dict:
    report = sending.send_due()
    # Put off by a robot's rate limit: come back when the first of them is due, rather
    # than wait for the next minute's scan.
    if report.next_due is not None:
        enqueue_later(send_due, max(1.0, (report.next_due - timezone.now()).total_seconds()))
    return {"sent": report.sent, "failed": report.failed, "retried": report.retried}
