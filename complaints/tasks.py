"""The beat's chasing: every reminder due, found in the database each minute."""

from celery import shared_task

from complaints.services.chasing import cases_chase
from frontdesk.deferred import enqueue_later


# Idempotent: each case is chased in its own transaction under its row's lock, and a
# reminder's key is written with its message, so a redelivered or doubled run sends
# nothing twice (complaints.services.chasing).
@shared_task(name="complaints.chase_due", ignore_result=True, acks_late=True)
def chase_due() -> dict:
    report = cases_chase()
    if report.more:
        # A backlog (after an outage): the next batch at once, not at the next tick.
        enqueue_later(chase_due, 0)
    return {"cases": report.cases, "sent": report.total}
