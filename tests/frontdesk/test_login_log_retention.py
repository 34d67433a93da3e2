"""Login, logout and failure logs are kept for the company's period (default 180 days) and
deleted daily after it; the lock-out state is not a log and stays."""

from datetime import timedelta

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from frontdesk import services
from frontdesk.models import CompanySettings, User


def log_entries(days_ago: int, username: str = "clerk_a") -> None:
    at = timezone.now() - timedelta(days=days_ago)
    AccessLog.objects.create(username=username, ip_address="10.0.0.1", user_agent="desk")
    AccessFailureLog.objects.create(username=username, ip_address="10.0.0.1", user_agent="desk")
    # attempt_time is set on insert: the age is given afterwards.
    AccessLog.objects.filter(attempt_time__gt=at).update(attempt_time=at)
    AccessFailureLog.objects.filter(attempt_time__gt=at).update(attempt_time=at)


def test_it_deletes_entries_past_the_period_and_keeps_the_rest(db):
    log_entries(200)
    assert services.login_logs_purge() == 2
    log_entries(10)
    assert services.login_logs_purge() == 0
    assert AccessLog.objects.count() == AccessFailureLog.objects.count() == 1


def test_the_period_is_the_companys(db):
    log_entries(100)
    assert services.login_logs_purge() == 0
    CompanySettings.objects.update_or_create(pk=1, defaults={"login_log_days": 90})
    assert services.login_logs_purge() == 2


def test_it_leaves_the_lock_out_state_alone(db):
    AccessAttempt.objects.create(
        username="clerk_a", ip_address="10.0.0.1", user_agent="desk", failures_since_start=5
    )
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(days=400))
    services.login_logs_purge()
    assert AccessAttempt.objects.count() == 1


def test_it_runs_daily_from_beat(db):
    task = PeriodicTask.objects.get(task="frontdesk.purge_login_logs")
    assert task.enabled and task.interval.every == 24 * 60 * 60


def test_only_company_administrators_set_the_period(client, supervisor):
    url = reverse("admin:frontdesk_companysettings_changelist")
    client.force_login(supervisor)
    assert client.get(url).status_code == 403
    admin = User.objects.create_superuser("company_admin", password="x" * 12)
    client.force_login(admin)
    assert client.get(url).status_code == 200
    settings = CompanySettings.current()
    change = reverse("admin:frontdesk_companysettings_change", args=[settings.pk])
    response = client.post(change, {"login_log_days": "10"})
    assert response.status_code == 200  # refused beside the field: at least 30 days
    assert "30" in response.content.decode()
    client.post(change, {"login_log_days": "365"})
    assert CompanySettings.current().login_log_days == 365
