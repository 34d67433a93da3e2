from celery import shared_task

from frontdesk import services


@shared_task(name="frontdesk.heartbeat", ignore_result=True)
def heartbeat() -> None:
    services.heartbeat_record(hostname=heartbeat.request.hostname or "")


# Idempotent: an entry once deleted is not found again; a run cut short is finished by the
# next day's.
@shared_task(name="frontdesk.purge_login_logs", ignore_result=True, acks_late=True)
def purge_login_logs() -> int:
    return services.login_logs_purge()
