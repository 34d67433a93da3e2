"""With the broker down the desk keeps working: pages load, forms save, nothing waits long."""

import time

from django.urls import reverse

from frontdesk.deferred import enqueue_on_commit
from frontdesk.middleware import SESSION_SITE_ID
from frontdesk.tasks import heartbeat
from tests.factories import PASSWORD


def test_it_logs_in_loads_pages_and_saves_forms(unreachable_broker, client, supervisor, site_b):
    started = time.monotonic()
    response = client.post(
        reverse("login"), {"username": supervisor.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    for path in ["/", "/residents/", "/visitors/", "/complaints/", "/notices/"]:
        assert client.get(path).status_code == 200
    client.post(reverse("site_switch"), {"site": site_b.pk})
    assert client.session[SESSION_SITE_ID] == site_b.pk
    assert time.monotonic() - started < 5


def test_it_reports_the_unreachable_broker_and_the_rest_up(unreachable_broker, client, db):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["db"] == "ok"
    assert response.json()["broker"].startswith("error")


def test_it_saves_work_whose_task_cannot_be_queued(
    unreachable_broker, db, django_capture_on_commit_callbacks, site_a
):
    from frontdesk.models import Department

    with django_capture_on_commit_callbacks(execute=True):
        Department.objects.create(site=site_a, name="绿化部")
        enqueue_on_commit(heartbeat)
    assert Department.objects.filter(name="绿化部").exists()
