"""The beat's chasing (complaints.services.chasing), with time moved by a fixed ``now``:
each reminder at its working time, to its people, once; none for a case whose clock is
stopped; the one indexed query that finds what is due."""

import threading

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from complaints import deadlines
from complaints.models import Case, CaseEvent, CaseSettings, Urgency
from complaints.services import callbacks, chasing, handling
from complaints.services.changes import case_link
from complaints.services.chasing import cases_chase, cases_due
from complaints.tasks import chase_due
from frontdesk import roles
from frontdesk.channels.models import Delivery
from tests import factories
from tests.complaints.conftest import at


@pytest.fixture
def friday_leak(site_a, clerk, engineer, house_a):
    """Recorded Friday 4 December 2026 16:30 and sent to 工程部: respond within 120 working
    minutes (Monday 09:30, warned at 09:00), resolve within 450 (Monday 16:30, warned at
    14:37); escalated a working day after each; the desk prompted at Monday 17:00."""
    factories.make_category(site_a, deadlines={Urgency.NORMAL: (120, 450)})
    return factories.make_case(site_a, clerk, house=house_a, now=at("2026-12-04 16:30"))


@pytest.fixture
def boss(site_a):
    """Site A's supervisor, the one told of overdue cases."""
    return factories.make_user(site_a, role=roles.SUPERVISOR, username="boss_a", full_name="陈静")


def fresh(case) -> Case:
    return Case.objects.get(pk=case.pk)


def told(user) -> list[tuple[str, str]]:
    return list(
        Delivery.objects.filter(user=user, channel="inbox")
        .exclude(purpose="case_assigned")
        .order_by("id")
        .values_list("purpose", "subject")
    )


def reminders(case) -> list[tuple[str, str]]:
    return list(
        CaseEvent.objects.filter(case=case, kind__in=["reminder_sent", "escalated"])
        .order_by("id")
        .values_list("kind", "data__reminder")
    )


def chase(moment: str) -> dict[str, int]:
    return cases_chase(at(moment)).sent


# --- Each reminder at its time ----------------------------------------------------------


def test_it_sends_nothing_over_the_weekend_and_warns_the_department_on_monday(
    friday_leak, engineer, clerk
):
    for moment in ("2026-12-04 17:29", "2026-12-05 12:00", "2026-12-06 23:59", "2026-12-07 08:59"):
        assert chase(moment) == {}, moment
    assert told(engineer) == []

    assert chase("2026-12-07 09:00") == {"respond_warn": 1}
    number = friday_leak.number
    assert told(engineer) == [("case_due_soon", f"工单 {number} 请于 12-07 09:30 前响应")]
    assert told(clerk) == []
    stored = fresh(friday_leak)
    assert stored.reminders_sent == ["respond_warn"]
    assert stored.next_due == at("2026-12-07 09:30")
    # A reminder changes nothing a person set: a page open on the case can still save.
    assert stored.version == friday_leak.version
    event = CaseEvent.objects.get(case=friday_leak, kind="reminder_sent")
    assert (event.by, event.from_state, event.to_state) == (None, "assigned", "assigned")
    assert event.department == engineer.department
    assert event.data["told"] == ["工程部"]
    assert "工程部" in event.note


def test_the_department_robot_and_the_link_to_the_case_page(site_a, friday_leak, engineer):
    factories.make_robot(site_a, "工程部群", kind="staff", department="工程部")
    chase("2026-12-07 09:00")
    robot = Delivery.objects.get(channel="robot", purpose="case_due_soon")
    assert robot.recipient_name == "工程部群"
    assert robot.link == case_link(friday_leak)
    assert robot.about_id == str(friday_leak.pk)


def test_it_escalates_to_the_sites_supervisors_when_the_deadline_passes(
    site_a, site_b, friday_leak, engineer, boss
):
    elsewhere = factories.make_user(site_b, role=roles.SUPERVISOR, username="boss_b")
    chase("2026-12-07 09:00")
    assert chase("2026-12-07 09:29") == {}
    assert chase("2026-12-07 09:30") == {"respond_overdue": 1}
    assert told(boss) == [("case_overdue", f"工单 {friday_leak.number} 超过 12-07 09:30 未响应")]
    assert told(elsewhere) == []
    # The department had its warning; the overdue message is the supervisors'.
    assert [purpose for purpose, _ in told(engineer)] == ["case_due_soon"]
    assert reminders(friday_leak) == [
        ("reminder_sent", "respond_warn"),
        ("escalated", "respond_overdue"),
    ]


def test_a_second_level_goes_to_the_manager_a_working_day_later(
    site_a, friday_leak, engineer, boss
):
    manager = factories.make_user(site_a, role=roles.SUPERVISOR, username="manager")
    CaseSettings.objects.create(site=site_a, manager=manager)
    handling.case_accept(site=site_a, user=engineer, case=friday_leak, now=at("2026-12-07 09:40"))
    chase("2026-12-07 14:37")
    assert chase("2026-12-07 16:30") == {"resolve_overdue": 1}
    # Tuesday 16:29 is one working day less a minute; Monday's evening does not count.
    assert chase("2026-12-08 16:29") == {"idle": 1}
    assert chase("2026-12-08 16:30") == {"resolve_escalate": 1}
    subject = f"工单 {friday_leak.number} 超过 12-07 16:30 已满一天，仍未办结"
    assert told(manager)[-1] == ("case_overdue", subject)
    assert subject not in [s for _, s in told(boss)]


def test_without_a_manager_the_second_level_goes_to_the_supervisors(friday_leak, boss):
    chase("2026-12-07 09:30")
    chase("2026-12-08 09:29")
    assert chase("2026-12-08 09:30") == {"respond_escalate": 1}
    assert told(boss)[-1][1] == f"工单 {friday_leak.number} 超过 12-07 09:30 已满一天，仍未响应"


def test_it_prompts_the_clerk_after_eight_working_hours_without_progress(
    site_a, friday_leak, clerk, engineer
):
    handling.case_accept(site=site_a, user=engineer, case=friday_leak, now=at("2026-12-07 08:40"))
    # Accepting is progress: 480 working minutes from Monday 08:40.
    # Monday's resolution went by unchased: its warning is moot by now.
    assert chase("2026-12-08 09:09") == {"resolve_overdue": 1}
    assert told(clerk) == []
    assert chase("2026-12-08 09:10") == {"idle": 1}
    assert told(clerk) == [("case_idle", f"工单 {friday_leak.number} 自 12-07 08:40 起没有进展")]
    # Progress starts the count again: a prompt for the new stretch, once.
    handling.case_note(
        site=site_a,
        user=engineer,
        case=fresh(friday_leak),
        note="已联系厂家",
        now=at("2026-12-08 10:00"),
    )
    # 480 working minutes from Tuesday 10:00: 360 that day, 120 from Wednesday 08:30.
    assert chase("2026-12-09 10:29") == {"resolve_escalate": 1}
    assert chase("2026-12-09 10:30") == {"idle": 1}
    assert chase("2026-12-09 10:30") == {}
    assert len(told(clerk)) == 2


def test_the_sites_own_warn_percent(site_a, clerk, engineer, house_a):
    CaseSettings.objects.create(site=site_a, warn_percent=50)
    factories.make_category(site_a, deadlines={Urgency.NORMAL: (120, 450)})
    factories.make_case(site_a, clerk, house=house_a, now=at("2026-12-07 08:30"))
    assert chase("2026-12-07 09:29") == {}
    assert chase("2026-12-07 09:30") == {"respond_warn": 1}


def test_a_case_at_the_desk_warns_the_clerk_who_recorded_it(site_a, clerk, house_a):
    factories.make_category(site_a, "新分类", deadlines={Urgency.NORMAL: (120, 450)})
    case = factories.make_case(
        site_a, clerk, category="新分类", house=house_a, now=at("2026-12-07 08:30")
    )
    assert case.department is None
    assert chase("2026-12-07 10:00") == {"respond_warn": 1}
    assert told(clerk) == [("case_due_soon", f"工单 {case.number} 请于 12-07 10:30 前响应")]


def test_an_emergency_is_chased_in_calendar_time(site_a, clerk, engineer, house_a, boss):
    factories.make_category(site_a, deadlines={Urgency.EMERGENCY: (15, 240)})
    case = factories.make_case(
        site_a, clerk, house=house_a, urgency=Urgency.EMERGENCY, now=at("2026-12-05 20:00")
    )
    assert chase("2026-12-05 20:11") == {"respond_warn": 1}
    assert chase("2026-12-05 20:15") == {"respond_overdue": 1}
    assert told(boss) == [("case_overdue", f"工单 {case.number} 超过 12-05 20:15 未响应")]


# --- Once ---------------------------------------------------------------------------------


def test_each_reminder_is_sent_once_however_often_the_beat_runs(friday_leak, engineer, boss):
    for _ in range(3):
        chase("2026-12-07 09:00")
        chase("2026-12-07 09:45")
    assert [p for p, _ in told(engineer)] == ["case_due_soon"]
    assert [p for p, _ in told(boss)] == ["case_overdue"]
    assert reminders(friday_leak) == [
        ("reminder_sent", "respond_warn"),
        ("escalated", "respond_overdue"),
    ]


def test_a_warning_found_past_its_deadline_gives_way_to_the_overdue_message(
    friday_leak, engineer, boss
):
    # The beat was down all Monday morning.
    assert chase("2026-12-07 10:00") == {"respond_overdue": 1}
    assert told(engineer) == []
    assert [p for p, _ in told(boss)] == ["case_overdue"]
    stored = fresh(friday_leak)
    assert set(stored.reminders_sent) == {"respond_warn", "respond_overdue"}
    assert chase("2026-12-07 10:00") == {}


def test_a_case_someone_is_changing_waits_for_the_next_tick(
    transactional_db, site_a, clerk, engineer
):
    house = factories.make_house(site_a)
    factories.make_category(site_a, deadlines={Urgency.NORMAL: (120, 450)})
    case = factories.make_case(site_a, clerk, house=house, now=at("2026-12-04 16:30"))
    locked, release = threading.Event(), threading.Event()

    def hold_the_row():
        try:
            with transaction.atomic():
                Case.objects.select_for_update().get(pk=case.pk)
                locked.set()
                release.wait(10)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_the_row)
    holder.start()
    try:
        assert locked.wait(10)
        assert chase("2026-12-07 09:00") == {}
    finally:
        release.set()
        holder.join()
    assert chase("2026-12-07 09:00") == {"respond_warn": 1}
    assert chase("2026-12-07 09:00") == {}


def test_a_new_deadline_is_chased_again(site_a, clerk, friday_leak, engineer):
    chase("2026-12-07 09:00")
    handling.case_deadline_change(
        site=site_a,
        user=clerk,
        case=fresh(friday_leak),
        respond_due=at("2026-12-07 11:00"),
        resolve_due=at("2026-12-08 16:30"),
        reason="住户要求下午上门",
        now=at("2026-12-07 09:10"),
    )
    assert "respond_warn" not in fresh(friday_leak).reminders_sent
    # 75% of the 110 minutes from 09:10 to 11:00.
    assert chase("2026-12-07 10:31") == {}
    assert chase("2026-12-07 10:32") == {"respond_warn": 1}
    assert [p for p, _ in told(engineer)].count("case_due_soon") == 2
    assert chase("2026-12-07 11:00") == {"respond_overdue": 1}


# --- None while the clock is stopped ------------------------------------------------------


def test_nothing_is_sent_for_a_paused_case(site_a, friday_leak, engineer, clerk, boss):
    handling.case_accept(site=site_a, user=engineer, case=friday_leak, now=at("2026-12-07 08:40"))
    handling.case_pause(
        site=site_a,
        user=engineer,
        case=friday_leak,
        kind="waiting_parts",
        reason="等配件",
        now=at("2026-12-07 08:50"),
    )
    assert chase("2026-12-10 12:00") == {}
    assert told(engineer) == told(clerk) == told(boss) == []
    # Resumed a week later: the clock goes on from where it stopped.
    handling.case_resume(site=site_a, user=engineer, case=friday_leak, now=at("2026-12-14 08:30"))
    assert chase("2026-12-14 12:00") == {}
    assert chase("2026-12-14 14:17") == {"resolve_warn": 1}


@pytest.mark.parametrize("how", ["resolved", "closed", "withdrawn"])
def test_nothing_is_sent_for_a_case_no_longer_open(site_a, friday_leak, engineer, clerk, how):
    if how == "withdrawn":
        handling.case_withdraw(site=site_a, user=clerk, case=friday_leak, reason="住户自行修好")
    else:
        handling.case_accept(site=site_a, user=engineer, case=friday_leak)
        handling.case_resolve(site=site_a, user=engineer, case=friday_leak, note="修好了")
    if how == "closed":
        callbacks.case_callback(
            site=site_a, user=clerk, case=friday_leak, reached=True, rating=5, solved=True
        )
    assert fresh(friday_leak).next_due is None
    assert chase("2026-12-31 12:00") == {}
    assert reminders(friday_leak) == []


# --- The scan -------------------------------------------------------------------------------


def test_nothing_due_is_one_query(friday_leak):
    with CaptureQueriesContext(connection) as queries:
        assert cases_chase(at("2026-12-07 08:59")).cases == 0
    # The range scan of case_next_due, and nothing else.
    assert len(queries) == 1, [q["sql"] for q in queries]


def test_the_scan_reads_the_partial_index_among_many_cases(friday_leak):
    """The one query of a beat tick, planned against 30,000 cases of which one is running:
    the planner picks the partial index on its own (no setting forces it)."""
    table = Case._meta.db_table
    columns = [f.column for f in Case._meta.concrete_fields if f.column != "id"]
    override = {
        "number": "'X' || g",
        "state": "'closed'",
        "next_due": "NULL",
        "closed_at": "created_at",
        "close_reason": "'desk'",
        "inquiry_id": "NULL",
        "feedback_token": "''",
    }
    select = ", ".join(override.get(c, c) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) "
            f"SELECT {select} FROM {table}, generate_series(1, 30000) AS g WHERE id = %s",
            [friday_leak.pk],
        )
        cursor.execute(f"ANALYZE {table}")
        sql, params = (
            Case.objects.filter(next_due__lte=at("2026-12-07 09:00"))
            .order_by("next_due")
            .values_list("id", flat=True)[:501]
            .query.sql_with_params()
        )
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "case_next_due" in plan, plan
    assert "Seq Scan" not in plan, plan
    assert cases_due(at("2026-12-07 09:00")) == [friday_leak.pk]


def test_a_run_takes_a_batch_and_says_more_are_due(site_a, clerk, engineer, house_a):
    factories.make_category(site_a, deadlines={Urgency.NORMAL: (120, 450)})
    cases = [
        factories.make_case(site_a, clerk, house=house_a, now=at("2026-12-07 08:30"))
        for _ in range(3)
    ]
    first = cases_chase(at("2026-12-07 10:00"), limit=2)
    assert (first.cases, first.more) == (2, True)
    second = cases_chase(at("2026-12-07 10:00"), limit=2)
    assert (second.cases, second.more) == (1, False)
    assert all(fresh(c).reminders_sent == ["respond_warn"] for c in cases)


def chased_with_queries(site, clerk, house, count: int) -> tuple[int, int]:
    """(reminders sent, statements run) by one run over ``count`` cases come due."""
    for _ in range(count):
        factories.make_case(site, clerk, house=house, now=at("2026-12-07 08:30"))
    with CaptureQueriesContext(connection) as queries:
        report = cases_chase(at("2026-12-07 10:00"))
    return report.total, len(queries)


def test_a_run_writes_its_cases_in_a_fixed_number_of_statements(
    site_a, site_b, clerk, clerk_b, engineer, house_a
):
    """The cases due are locked, their deliveries written, their timelines and their keys
    stored a statement each, however many they are (one case at a time, ten cases took
    88 round trips)."""
    factories.make_category(site_a, deadlines={Urgency.NORMAL: (120, 450)})
    factories.make_category(site_b, deadlines={Urgency.NORMAL: (120, 450)})
    house_b = factories.make_house(site_b)
    engineer_b = factories.make_user(
        site_b, role=roles.DEPARTMENT_STAFF, username="eng_b", department="工程部"
    )
    sent, few = chased_with_queries(site_a, clerk, house_a, 2)
    assert sent == 2
    Case.objects.update(next_due=None)  # the first two off the beat's list
    sent, many = chased_with_queries(site_a, clerk, house_a, 6)
    assert sent == 6
    assert many == few
    # Another site's cases in the same run add only that site's rules and clock.
    for _ in range(3):
        factories.make_case(site_b, clerk_b, house=house_b, now=at("2026-12-07 08:30"))
    assert cases_chase(at("2026-12-07 10:00")).total == 3
    assert [p for p, _ in told(engineer_b)] == ["case_due_soon"] * 3
    assert [c.reminders_sent for c in Case.objects.filter(site=site_b)] == [["respond_warn"]] * 3


def test_a_run_larger_than_a_chunk_chases_every_case(site_a, clerk, engineer, house_a):
    factories.make_category(site_a, deadlines={Urgency.NORMAL: (120, 450)})
    cases = [
        factories.make_case(site_a, clerk, house=house_a, now=at("2026-12-07 08:30"))
        for _ in range(3)
    ]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(chasing, "CHUNK", 2)
        report = cases_chase(at("2026-12-07 10:00"))
    assert (report.cases, report.total) == (3, 3)
    assert all(fresh(c).reminders_sent == ["respond_warn"] for c in cases)
    assert CaseEvent.objects.filter(kind="reminder_sent").count() == 3


def test_the_task_runs_the_chase(friday_leak, engineer):
    Case.objects.filter(pk=friday_leak.pk).update(
        respond_warn_at=at("2020-01-01 09:00"), next_due=at("2020-01-01 09:00")
    )
    assert chase_due.apply().get() == {"cases": 1, "sent": 1}
    assert [p for p, _ in told(engineer)] == ["case_due_soon"]
    assert deadlines.RESPOND_WARN in fresh(friday_leak).reminders_sent
