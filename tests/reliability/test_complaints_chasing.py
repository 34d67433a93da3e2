"""A case left alone, chased by a real beat and worker against Redis: its department is
reminded, then its site's supervisor told it is overdue, each once, over many ticks and a
restart of both processes.

The worker cannot be handed a clock, so time moves in the database: the moments the case
is chased at (its warning, its deadline, and ``next_due``, the scan's key) are set a
minute into the past, as they will be once the real minutes have gone by. Beat's scan runs
every second instead of every minute.
"""

import time
from datetime import timedelta

import pytest
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from complaints.models import Case, CaseEvent, Urgency
from complaints.tasks import chase_due
from frontdesk import roles
from frontdesk.channels.models import Delivery
from tests.factories import make_case, make_category, make_house, make_site, make_user
from tests.reliability.harness import wait_for

# Worker start-up alone can take several seconds on a busy machine.
SLOW = 90
# Ticks of a one-second scan to sit through, to see that nothing is sent again.
QUIET_SECONDS = 4


def _scan_every_second() -> None:
    updated = PeriodicTask.objects.filter(task=chase_due.name).update(
        interval=IntervalSchedule.objects.get_or_create(every=1, period="seconds")[0]
    )
    assert updated == 1, "complaints.chase_due is not among beat's schedules"


def _told(user, purpose: str) -> int:
    return Delivery.objects.filter(user=user, channel="inbox", purpose=purpose).count()


def _chased(case) -> list[str]:
    return list(
        CaseEvent.objects.filter(case=case, kind__in=["reminder_sent", "escalated"])
        .order_by("id")
        .values_list("data__reminder", flat=True)
    )


def _move_to_the_past(case, **moments: str) -> None:
    """Set these fields of the case, and its next_due, a minute before now."""
    past = timezone.now() - timedelta(minutes=1)
    Case.objects.filter(pk=case.pk).update(next_due=past, **dict.fromkeys(moments.values(), past))


@pytest.mark.slow
def test_a_case_left_alone_draws_a_reminder_then_an_escalation_each_once(celery_processes):
    site = make_site()
    clerk = make_user(site, username="desk")
    engineer = make_user(site, role=roles.DEPARTMENT_STAFF, username="eng", department="工程部")
    boss = make_user(site, role=roles.SUPERVISOR, username="boss")
    make_category(site, deadlines={Urgency.NORMAL: (120, 450)})
    case = make_case(site, clerk, house=make_house(site))
    assert case.department == engineer.department
    output = celery_processes.output

    _scan_every_second()
    celery_processes.worker()
    celery_processes.beat()
    # Nothing is due yet: ticks go by and send nothing.
    assert wait_for(lambda: "complaints.chase_due" in celery_processes.read_log("worker"), SLOW), (
        output()
    )
    assert _chased(case) == []

    # 75% of the time to respond has gone by.
    _move_to_the_past(case, warn="respond_warn_at")
    assert wait_for(lambda: _told(engineer, "case_due_soon") >= 1, SLOW), output()
    time.sleep(QUIET_SECONDS)
    assert _chased(case) == ["respond_warn"], output()
    assert _told(engineer, "case_due_soon") == 1
    assert _told(boss, "case_overdue") == 0

    # Both processes restart, as after a deployment; the reminder stays sent.
    celery_processes.terminate("beat")
    celery_processes.terminate("worker")
    celery_processes.worker("worker-2")
    celery_processes.beat("beat-2")

    # The deadline to respond passes.
    _move_to_the_past(case, due="respond_due")
    assert wait_for(lambda: _told(boss, "case_overdue") >= 1, SLOW), output()
    time.sleep(QUIET_SECONDS)
    assert _chased(case) == ["respond_warn", "respond_overdue"], output()
    assert _told(boss, "case_overdue") == 1
    assert _told(engineer, "case_due_soon") == 1
    stored = Case.objects.get(pk=case.pk)
    assert stored.reminders_sent == ["respond_warn", "respond_overdue"]
    # Next: the resolution's warning, still ahead.
    assert stored.next_due > timezone.now()
