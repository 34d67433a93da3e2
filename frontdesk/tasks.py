from celery import shared_task

from frontdesk import services


@shared_task(name="frontdesk.heartbeat", ignore_result=True)
def heartbeat() -> None:
    services.heartbeat_record(hostname=heartbeat.request.hostname or "")
