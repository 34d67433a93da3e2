"""Django admin for supervisors: open to them, scoped to their sites like the desk."""

import pytest
from django.urls import reverse

from frontdesk.admin import RecordTypeFilter
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


def test_it_lets_supervisors_change_when_a_task_runs_but_not_what_runs(client, local_supervisor):
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    task = PeriodicTask.objects.get(task="frontdesk.heartbeat")
    every_two_minutes, _ = IntervalSchedule.objects.get_or_create(every=120, period="seconds")
    client.force_login(local_supervisor)
    url = reverse("admin:django_celery_beat_periodictask_change", args=[task.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "enabled": "on",
            "description": "",
            "interval": every_two_minutes.pk,
            "task": "frontdesk.evil",
            "regtask": "frontdesk.evil",
            "args": '["x"]',
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    task.refresh_from_db()
    assert task.interval == every_two_minutes
    assert (task.task, task.args) == ("frontdesk.heartbeat", "[]")


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
