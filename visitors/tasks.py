"""Reception's deferred work: the daily erasure of visitors' personal data."""

from celery import shared_task

from visitors.services.retention import personal_data_purge


# Idempotent (a row once erased is not found again), so a redelivery after a worker died
# half-way only finishes the job. The whole backlog of a first run is a few hundred batches
# of 5,000 rows: well within the default time limits (frontdesk.settings, CELERY_TASK_*);
# should a run be cut short, the batches done stay done and the next day's run goes on.
@shared_task(name="visitors.purge_personal_data", ignore_result=True, acks_late=True)
def purge_personal_data() -> int:
    return personal_data_purge()
