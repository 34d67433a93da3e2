"""The sender's task: queued after each commit that writes deliveries, and every minute by
beat as the scan that picks up whatever is left pending (Redis down, a worker dead)."""

import math
import time

from celery import shared_task

from frontdesk.channels import ratelimit, sending
from frontdesk.deferred import enqueue_later


@shared_task(name="frontdesk.channels.send_due")
def send_due() -> dict:
    report = sending.send_due()
    # Put off by a robot's rate limit: come back when the first of them is due, rather
    # than wait for the next minute's scan; one wake-up per second however many runs ask
    # (each on-commit task of a burst would otherwise schedule its own).
    if report.next_due is not None:
        now = time.time()
        at = math.ceil(max(report.next_due.timestamp(), now + 1))
        if ratelimit.wake_up_once(at):
            enqueue_later(send_due, at - now)
    return {"sent": report.sent, "failed": report.failed, "retried": report.retried}
