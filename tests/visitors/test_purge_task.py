"""The daily task that erases visitors' personal data (visitors.tasks), its schedule, and a
real worker and beat running it from that schedule.

The worker and beat are separate processes, so their test's data is committed
(transactional_db); they use a Redis of the test's own (tests/reliability/harness.py), so no
other test's worker takes its messages.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from frontdesk.celery import app as celery_app
from tests import factories
from tests.factories import make_inquiry, make_visit
from tests.reliability.harness import CeleryProcesses, RedisServer, wait_for
from visitors.models import Inquiry, Visit
from visitors.tasks import purge_personal_data

TASK = "visitors.purge_personal_data"


def test_it_is_scheduled_daily_after_migrate(db):
    # Made after every migrate (post_migrate), and so after each flush too.
    task = PeriodicTask.objects.get(task=TASK)
    assert task.enabled
    assert (task.interval.every, task.interval.period) == (24 * 60 * 60, IntervalSchedule.SECONDS)


def test_it_keeps_a_schedule_the_supervisor_changed(db):
    from frontdesk.schedules import ensure_schedules

    task = PeriodicTask.objects.get(task=TASK)
    task.enabled = False
    task.save()
    ensure_schedules()
    assert PeriodicTask.objects.filter(task=TASK).count() == 1
    assert not PeriodicTask.objects.get(task=TASK).enabled


def test_it_erases_through_celery(site_a, clerk):
    old = make_visit(site_a, clerk, at=timezone.now() - timedelta(days=31))
    kept = make_visit(site_a, clerk, at=timezone.now() - timedelta(days=1))
    result = purge_personal_data.apply()
    assert result.successful()
    assert result.get() == 1
    assert Visit.objects.get(pk=old.pk).visitor_phone == ""
    assert Visit.objects.get(pk=kept.pk).visitor_phone == "13912345678"


def test_it_is_acknowledged_late():
    # A worker that dies mid-run leaves the message to be delivered again; running twice
    # is harmless (test_retention: a second run erases nothing more).
    assert purge_personal_data.acks_late
    assert purge_personal_data.name == TASK


@pytest.fixture
def celery_processes(transactional_db, tmp_path, monkeypatch):
    server = RedisServer(tmp_path)
    server.start()
    monkeypatch.setitem(celery_app.conf, "broker_url", server.url)
    monkeypatch.setattr(celery_app, "_pool", None)
    monkeypatch.setattr(celery_app.amqp, "_producer_pool", None)
    processes = CeleryProcesses(tmp_path, server.url)
    try:
        yield processes
    finally:
        # Stopped before transactional_db's flush, which would wait on their connections.
        processes.stop()
        celery_app.pool.force_close_all()
        server.stop()


@pytest.mark.slow  # real worker and beat processes
def test_beat_runs_it_on_a_real_worker_from_the_schedule(celery_processes):
    site = factories.make_site("翠湖花园")
    clerk = factories.make_user(site, username="clerk_task")
    visit = make_visit(site, clerk, at=timezone.now() - timedelta(days=45))
    inquiry = make_inquiry(site, clerk, at=timezone.now() - timedelta(days=45))
    every_second, _ = IntervalSchedule.objects.get_or_create(
        every=1, period=IntervalSchedule.SECONDS
    )
    PeriodicTask.objects.filter(task=TASK).update(interval=every_second, enabled=True)

    celery_processes.worker("purge-test")
    celery_processes.beat()

    erased = wait_for(
        lambda: (
            Visit.objects.filter(pk=visit.pk, visitor_phone="").exists()
            and Inquiry.objects.filter(pk=inquiry.pk, asker_phone="").exists()
        )
    )
    assert erased, celery_processes.output()
    visit.refresh_from_db()
    assert visit.personal_data_erased_at is not None
    assert visit.visitor_name == "李四"
