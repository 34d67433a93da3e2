"""What the beat will chase: each case's reminders, its next_due, and the one indexed query
that finds every reminder due."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from complaints import deadlines
from complaints.deadlines import Clock
from complaints.models import Case, CaseSettings, Urgency
from complaints.services import handling
from tests import factories
from tests.complaints.conftest import at


@pytest.fixture
def friday_leak(site_a, clerk, house_a):
    """Recorded Friday 4 December 2026 16:30: respond within 120 working minutes (Monday
    09:30), resolve within 450 (Monday 16:30)."""
    factories.make_category(site_a, deadlines={Urgency.NORMAL: (120, 450)})
    return factories.make_case(site_a, clerk, house=house_a, now=at("2026-12-04 16:30"))


def schedule(case):
    return deadlines.chase_schedule(case, Clock.for_case(case), CaseSettings.of(case.site))


def test_a_new_case_is_chased_before_at_and_after_each_deadline(friday_leak):
    assert schedule(friday_leak) == {
        "respond_warn": at("2026-12-07 09:00"),  # 75% of 120 minutes
        "respond_overdue": at("2026-12-07 09:30"),
        "respond_escalate": at("2026-12-08 09:30"),  # one working day (450 minutes) later
        "resolve_warn": at("2026-12-07 14:37"),  # 337 of 450 minutes
        "resolve_overdue": at("2026-12-07 16:30"),
        "resolve_escalate": at("2026-12-08 16:30"),
        "idle": at("2026-12-07 17:00"),  # 8 working hours without progress
    }
    assert friday_leak.next_due == at("2026-12-07 09:00")


def test_the_sites_settings_set_the_warning_and_the_idle_prompt(site_a, clerk, house_a):
    CaseSettings.objects.create(site=site_a, warn_percent=50, idle_hours=2)
    factories.make_category(site_a, deadlines={Urgency.NORMAL: (120, 450)})
    case = factories.make_case(site_a, clerk, house=house_a, now=at("2026-12-04 16:30"))
    chased = schedule(case)
    # 60 of 120 minutes: Friday's last hour, to the end of the day.
    assert chased["respond_warn"] == at("2026-12-04 17:30")
    assert chased["idle"] == at("2026-12-07 09:30")


def test_a_sent_reminder_is_not_due_again(friday_leak):
    friday_leak.reminders_sent = ["respond_warn", "idle"]
    settings = CaseSettings.of(friday_leak.site)
    assert deadlines.next_due(friday_leak, Clock.for_case(friday_leak), settings) == at(
        "2026-12-07 09:30"
    )


def test_an_accepted_case_is_chased_for_its_resolution_only(site_a, engineer, friday_leak):
    handling.case_accept(site=site_a, user=engineer, case=friday_leak, now=at("2026-12-07 08:40"))
    assert set(schedule(friday_leak)) == {*deadlines.RESOLVE_KEYS, "idle"}
    # Accepting is progress: the idle prompt counts 480 working minutes from it.
    assert schedule(friday_leak)["idle"] == at("2026-12-08 09:10")


def test_an_emergency_is_chased_in_calendar_time_and_the_desk_in_working_time(
    site_a, clerk, house_a
):
    case = factories.make_case(
        site_a, clerk, house=house_a, urgency=Urgency.EMERGENCY, now=at("2026-12-05 20:00")
    )
    chased = schedule(case)
    assert chased["resolve_overdue"] == at("2026-12-06 00:00")
    assert chased["resolve_escalate"] == at("2026-12-07 00:00")
    # The desk's prompt counts working time: from Monday 08:30, 480 minutes.
    assert chased["idle"] == at("2026-12-08 09:00")


def test_nothing_is_chased_while_paused_or_once_resolved(site_a, engineer, friday_leak):
    handling.case_accept(site=site_a, user=engineer, case=friday_leak)
    handling.case_pause(
        site=site_a, user=engineer, case=friday_leak, kind="waiting_parts", reason="等配件"
    )
    assert schedule(friday_leak) == {} and friday_leak.next_due is None
    handling.case_resume(site=site_a, user=engineer, case=friday_leak)
    handling.case_resolve(site=site_a, user=engineer, case=friday_leak, note="修好了")
    assert schedule(friday_leak) == {} and friday_leak.next_due is None


def test_the_database_refuses_a_next_due_on_a_case_not_running(site_a, engineer, friday_leak):
    handling.case_accept(site=site_a, user=engineer, case=friday_leak)
    handling.case_pause(
        site=site_a, user=engineer, case=friday_leak, kind="waiting_parts", reason="等配件"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=friday_leak.pk).update(next_due=timezone.now())


def test_the_beat_finds_every_reminder_due_with_one_range_scan_of_the_partial_index(
    friday_leak,
):
    due = Case.objects.filter(next_due__lte=at("2026-12-07 09:00")).order_by("next_due")
    assert list(due) == [friday_leak]
    sql, params = due.values("id").query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        # A handful of rows: the planner would rightly read the table; forbid it, to
        # see that the partial index answers the query.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "case_next_due" in plan, plan
