"""/healthz: what a load balancer or a supervisor's monitor asks, without logging in."""

import json
import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from frontdesk.models import Heartbeat
from frontdesk.selectors import HEARTBEAT_NAME

HEALTHZ = reverse("healthz")


def beat(age: timedelta) -> None:
    Heartbeat.objects.update_or_create(
        name=HEARTBEAT_NAME, defaults={"beat_at": timezone.now() - age, "hostname": "w@desk"}
    )


def test_it_answers_ok_when_database_and_broker_answer(client, db):
    beat(timedelta(seconds=5))
    response = client.get(HEALTHZ)
    assert response.status_code == 200
    body = response.json()
    assert body["db"] == "ok"
    assert body["broker"] == "ok"
    assert body["worker"] == "ok"
    assert "no-cache" in response["Cache-Control"]


def test_it_needs_no_login(client, db):
    Heartbeat.objects.all().delete()
    # A probe never logs in: a redirect to the login page would be a 302.
    response = client.get(HEALTHZ, follow=False)
    assert response.status_code == 200
    assert response.json()["worker"] == "no heartbeat yet"


def test_it_answers_the_same_to_a_logged_in_clerk(clerk_client):
    assert clerk_client.get(HEALTHZ).status_code == 200


def test_it_reports_a_stale_worker_without_failing(client, db):
    beat(timedelta(seconds=3 * settings.HEARTBEAT_INTERVAL_SECONDS + 60))
    response = client.get(HEALTHZ)
    # The desk works without the worker, so only the report changes.
    assert response.status_code == 200
    body = response.json()
    assert body["worker"] == "stale"
    assert body["heartbeat_at"]


def test_it_fails_when_the_broker_is_unreachable(client, db, unreachable_broker):
    response = client.get(HEALTHZ)
    assert response.status_code == 503
    body = response.json()
    assert body["broker"].startswith("error: ")
    assert body["db"] == "ok"


def test_it_fails_when_the_database_does_not_answer():
    # The test database cannot be switched off under this process, so a fresh one is
    # configured with a database on a port where nothing listens.
    script = (
        "import django, json; django.setup();"
        "from django.test import Client;"
        "r = Client(HTTP_HOST='localhost').get('/healthz');"
        "print(r.status_code, r.content.decode())"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:1/frontdesk",
        "TEST_REDIS_URL": settings.CELERY_BROKER_URL,
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    status, body = result.stdout.strip().splitlines()[-1].split(" ", 1)
    assert status == "503", result.stdout
    body = json.loads(body)
    assert body["db"].startswith("error: ")
    assert body["broker"] == "ok"
    assert body["worker"] == "unknown"


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_it_answers_only_get(client, db, method):
    assert getattr(client, method)(HEALTHZ).status_code == 405


def test_it_uses_a_fixed_number_of_queries(client, db, django_assert_num_queries):
    beat(timedelta(seconds=5))
    # SELECT 1, then the heartbeat.
    with django_assert_num_queries(2):
        client.get(HEALTHZ)
