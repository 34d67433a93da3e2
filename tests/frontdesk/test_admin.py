"""Django admin for supervisors: open to them, scoped to their sites like the desk."""

import re

import pytest
from django.urls import reverse

from frontdesk.admin import RecordTypeFilter
from frontdesk.admin_site import DeskAdminSite
from frontdesk.models import Department
from tests import factories


@pytest.fixture
def site_c(db):
    return factories.make_site("远方小区")


def test_it_is_closed_to_clerks(clerk_client):
    response = clerk_client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_it_opens_to_supervisors_in_chinese(client, local_supervisor):
    client.force_login(local_supervisor)
    html = client.get(reverse("admin:index")).content.decode()
    assert "物业客服前台 · 管理后台" in html
    assert "部门" in html


def test_it_lists_only_the_supervisors_sites_departments(client, local_supervisor, site_a, site_c):
    client.force_login(local_supervisor)
    response = client.get(reverse("admin:frontdesk_department_changelist"))
    assert response.status_code == 200
    shown = {d.site_id for d in response.context["cl"].result_list}
    assert shown == {site_a.pk}


def test_it_answers_404_for_another_sites_department(client, local_supervisor, site_c):
    client.force_login(local_supervisor)
    other = Department.objects.filter(site=site_c).first()
    url = reverse("admin:frontdesk_department_change", args=[other.pk])
    # Django admin redirects to its index with a "does not exist" message.
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")


def test_it_offers_only_the_supervisors_sites_for_a_new_department(
    client, local_supervisor, site_a, site_c
):
    client.force_login(local_supervisor)
    response = client.get(reverse("admin:frontdesk_department_add"))
    choices = list(response.context["adminform"].form.fields["site"].queryset)
    assert choices == [site_a]
    response = client.post(
        reverse("admin:frontdesk_department_add"),
        {"site": site_c.pk, "name": "绿化部", "kind": "other", "sort_order": 9, "is_active": "on"},
    )
    assert response.status_code == 200
    assert not Department.objects.filter(name="绿化部").exists()


def test_it_lists_only_staff_of_the_supervisors_sites(client, local_supervisor, clerk, clerk_b):
    client.force_login(local_supervisor)
    response = client.get(reverse("admin:frontdesk_user_changelist"))
    usernames = {u.username for u in response.context["cl"].result_list}
    assert clerk.username in usernames
    assert clerk_b.username not in usernames


def test_it_lets_supervisors_edit_the_beat_schedule(client, local_supervisor):
    client.force_login(local_supervisor)
    response = client.get(reverse("admin:django_celery_beat_periodictask_changelist"))
    assert response.status_code == 200


def test_it_keeps_superusers_and_wider_staff_out_of_a_site_supervisors_reach(
    client, local_supervisor, site_a, site_b
):
    root = factories.make_user(site_a, username="root")
    root.is_superuser = True
    root.save()
    both = factories.make_user(site_a, site_b, username="both_sites")
    client.force_login(local_supervisor)
    listed = {
        u.username
        for u in client.get(reverse("admin:frontdesk_user_changelist")).context["cl"].result_list
    }
    assert "root" not in listed and "both_sites" not in listed
    for user in (root, both):
        response = client.post(
            f"/admin/frontdesk/user/{user.pk}/password/",
            {"password1": "Taken-over-2026!", "password2": "Taken-over-2026!"},
        )
        assert response.status_code in (302, 404)
        user.refresh_from_db()
        assert not user.check_password("Taken-over-2026!")


def text_of(response) -> str:
    """What the page says (its links' query strings may name codes)."""
    assert response.status_code == 200
    return re.sub(r"<[^>]*>", " ", response.content.decode())


@pytest.fixture
def purge_task(db):
    from django_celery_beat.models import PeriodicTask

    return PeriodicTask.objects.get(task="visitors.purge_personal_data")


def test_it_shows_a_site_supervisor_the_company_schedules_read_only(
    client, local_supervisor, purge_task
):
    from django_celery_beat.models import IntervalSchedule

    every_two_minutes, _ = IntervalSchedule.objects.get_or_create(every=120, period="seconds")
    client.force_login(local_supervisor)
    url = reverse("admin:django_celery_beat_periodictask_change", args=[purge_task.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    assert 'name="_save"' not in response.content.decode()
    # Disabling the daily purge would stop it for every site.
    response = client.post(url, {"interval": every_two_minutes.pk, "description": ""})
    assert response.status_code == 403
    purge_task.refresh_from_db()
    assert purge_task.enabled and purge_task.interval != every_two_minutes


@pytest.mark.parametrize("action", ["disable_tasks", "toggle_tasks", "run_tasks"])
def test_it_offers_a_site_supervisor_no_action_on_the_company_schedules(
    client, local_supervisor, purge_task, action
):
    client.force_login(local_supervisor)
    url = reverse("admin:django_celery_beat_periodictask_changelist")
    response = client.get(url)
    assert response.status_code == 200
    assert "action_form" not in response.context or not response.context["action_form"]
    client.post(url, {"action": action, "_selected_action": [purge_task.pk]})
    purge_task.refresh_from_db()
    assert purge_task.enabled and purge_task.total_run_count == 0


def test_it_lets_a_company_administrator_change_and_disable_a_schedule(client, site_a, purge_task):
    from django_celery_beat.models import IntervalSchedule

    root = factories.make_user(site_a, username="root")
    root.is_superuser = root.is_staff = True
    root.save()
    every_two_minutes, _ = IntervalSchedule.objects.get_or_create(every=120, period="seconds")
    client.force_login(root)
    url = reverse("admin:django_celery_beat_periodictask_change", args=[purge_task.pk])
    response = client.post(
        url,
        {
            "name": purge_task.name,
            "regtask": purge_task.task,
            "task": purge_task.task,
            "enabled": "on",
            "description": "",
            "interval": every_two_minutes.pk,
            "args": "[]",
            "kwargs": "{}",
            "headers": "{}",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == reverse("admin:django_celery_beat_periodictask_changelist")
    purge_task.refresh_from_db()
    assert purge_task.interval == every_two_minutes
    client.post(
        reverse("admin:django_celery_beat_periodictask_changelist"),
        {"action": "disable_tasks", "_selected_action": [purge_task.pk]},
    )
    purge_task.refresh_from_db()
    assert not purge_task.enabled


def test_it_names_the_periodic_tasks_in_chinese(client, local_supervisor, purge_task):
    client.force_login(local_supervisor)
    html = text_of(client.get(reverse("admin:django_celery_beat_periodictask_changelist")))
    assert "清除过期访客个人信息（每日）" in html and "任务名称" in html
    for english in ("Task Name", "SCHEDULER", "Scheduler", "visitors.purge_personal_data", "姓名"):
        assert english not in html
    url = reverse("admin:django_celery_beat_periodictask_change", args=[purge_task.pk])
    html = text_of(client.get(url))
    assert "清除过期访客个人信息（每日）" in html
    for english in ("Task Name", "visitors.purge_personal_data", "姓名"):
        assert english not in html


def test_it_masks_staff_phones_in_the_staff_list(client, local_supervisor, clerk):
    clerk.phone = "13800138000"
    clerk.save(update_fields=["phone"])
    client.force_login(local_supervisor)
    html = client.get(reverse("admin:frontdesk_user_changelist")).content.decode()
    assert "138****8000" in html
    assert "13800138000" not in html


def test_it_filters_the_personal_data_log_by_record_type_without_reading_it(
    client, local_supervisor, site_a
):
    from frontdesk.models import PersonalDataAccess
    from frontdesk.services import personal_data_access_log

    resident = factories.make_resident(site_a)
    personal_data_access_log(user=local_supervisor, site=site_a, obj=resident, field="phone")
    personal_data_access_log(user=local_supervisor, site=site_a, obj=None, field="phone")
    client.force_login(local_supervisor)
    url = reverse("admin:frontdesk_personaldataaccess_changelist")
    response = client.get(url)
    spec = next(f for f in response.context["cl"].filter_specs if isinstance(f, RecordTypeFilter))
    assert ("residents.resident", "住户") in [(k, str(v)) for k, v in spec.lookup_choices]
    response = client.get(url, {"model": "residents.resident"})
    assert [a.object_id for a in response.context["cl"].result_list] == [str(resident.pk)]
    assert PersonalDataAccess.objects.count() == 2


def test_it_names_record_types_and_fields_in_the_personal_data_log(
    client, local_supervisor, site_a
):
    from frontdesk.services import personal_data_access_log

    resident = factories.make_resident(site_a)
    access = personal_data_access_log(
        user=local_supervisor, site=site_a, obj=resident, field="phone,phone2,id_number"
    )
    client.force_login(local_supervisor)
    for url in (
        reverse("admin:frontdesk_personaldataaccess_changelist"),
        reverse("admin:frontdesk_personaldataaccess_change", args=[access.pk]),
    ):
        html = text_of(client.get(url))
        assert "住户" in html and "电话、备用电话、身份证号" in html
        assert "residents.resident" not in html and "phone,phone2" not in html


# --- Changelists at scale: the same queries for few rows or many -------------------------


def fill(site, supervisor, n: int) -> None:
    from axes.models import AccessFailureLog, AccessLog

    from frontdesk.services import personal_data_access_log

    for _ in range(n):
        staff = factories.make_user(site, department="工程部")
        staff.phone = "13800138000"
        staff.save(update_fields=["phone"])
        Department.objects.create(site=site, name=f"部门{staff.pk}", kind="other")
        resident = factories.make_resident(site, f"张{staff.pk}")
        personal_data_access_log(user=staff, site=site, obj=resident, field="phone")
        AccessLog.objects.create(username=staff.username, user_agent="x", path_info="/login/")
        AccessFailureLog.objects.create(username=staff.username, user_agent="x", path_info="/l/")


# Every changelist: session, user, the user's sites (3), then what the comment says.
@pytest.mark.parametrize(
    ("model", "queries"),
    [
        ("frontdesk_site", 6),  # the filtered and the total count, the page
        ("frontdesk_department", 7),  # the site filter's sites, both counts, the page
        ("frontdesk_user", 8),  # the role and site filters' choices, both counts, the page
        ("frontdesk_personaldataaccess", 7),  # site filter, the EXPLAIN estimate, count, page
        ("axes_accesslog", 6),  # the EXPLAIN estimate, the count, the page
        ("axes_accessfailurelog", 6),  # the EXPLAIN estimate, the count, the page
    ],
)
def test_it_lists_with_the_same_number_of_queries_for_few_or_many(
    client, local_supervisor, site_a, model, queries, django_assert_num_queries
):
    url = reverse(f"admin:{model}_changelist")
    client.force_login(local_supervisor)

    def get() -> None:
        client.get(url)  # the first request may renew the session
        with django_assert_num_queries(queries):
            response = client.get(url)
        assert response.status_code == 200
        assert response.context["cl"].result_list

    fill(site_a, local_supervisor, 1)
    get()
    fill(site_a, local_supervisor, 12)
    get()


def test_the_technical_sections_sit_apart_at_the_end(client, supervisor):
    client.force_login(supervisor)
    response = client.get(reverse("admin:index"))
    apps = response.context["app_list"]
    system = apps[-1]
    assert str(system["name"]) == "系统维护"
    technical = {m["object_name"] for m in system["models"]}
    assert {"PeriodicTask", "AccessAttempt", "Heartbeat"} <= technical
    daily = {m["object_name"] for app in apps[:-1] for m in app["models"]}
    assert "Heartbeat" not in daily and "PeriodicTask" not in daily
    assert {"Department", "Resident", "Visit"} <= daily
    assert "系统维护" in response.content.decode()


def test_an_app_page_still_lists_its_own_models(client, supervisor):
    client.force_login(supervisor)
    response = client.get(reverse("admin:app_list", args=["frontdesk"]))
    assert "Heartbeat" in {m["object_name"] for m in response.context["app_list"][0]["models"]}


def test_a_changelist_does_not_work_out_the_app_list(client, supervisor, monkeypatch):
    """Every admin page's context names the app list; only the index draws it (there is no
    sidebar): a changelist does not build it (~10 ms of a changelist at company scale)."""
    built = []
    original = DeskAdminSite._app_list
    monkeypatch.setattr(
        DeskAdminSite, "_app_list", lambda self, *a: built.append(a) or original(self, *a)
    )
    client.force_login(supervisor)
    response = client.get(reverse("admin:frontdesk_department_changelist"))
    assert response.status_code == 200
    assert 'id="nav-sidebar"' not in response.content.decode()
    assert built == []
    client.get(reverse("admin:index"))
    assert len(built) == 1
