"""manage.py bench_channels on a small scale: a real worker process sends a few hundred
deliveries to the local fake providers, and a burst to one robot keeps to the limit
within a window of seconds instead of a minute."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import timezone

from frontdesk.channels.management.commands.bench_channels import SCRATCH_SITE, max_in_window
from frontdesk.channels.models import Delivery, Robot
from frontdesk.models import Site
from tests import factories

pytestmark = pytest.mark.slow  # a Celery worker process, and a few windows of a robot


@pytest.fixture
def waiting(transactional_db):
    """A text of a real site, due, that the run must leave for the site's own sender."""
    site = factories.make_site("翠湖花园")
    return Delivery.objects.create(
        site=site,
        channel=Delivery.Channel.SMS,
        audience=Delivery.Audience.RESIDENT,
        purpose="notice",
        subject="停水通知",
        text="明日停水。",
        phone="13800138000",
        not_before=timezone.now() - timedelta(minutes=1),
    )


def run(*args: str) -> str:
    out = StringIO()
    call_command(
        "bench_channels",
        "--allow-small",
        "--redis-url",
        settings.CELERY_BROKER_URL,
        *args,
        stdout=out,
    )
    return out.getvalue()


def test_it_sends_with_a_worker_and_keeps_a_robot_to_its_limit(waiting, tmp_path):
    path = tmp_path / "channels.json"
    out = run(
        *("--recipients", "300", "--robots", "2"),
        *("--robot-minutes", "2", "--robot-window", "3", "--json", str(path)),
    )
    assert "All 6 figures within target." in out, out
    figures = {figure["name"]: figure for figure in json.loads(path.read_text())}
    create = figures["create 302 deliveries (one message_send)"]
    assert create["ok"] and 0 < create["value"] <= 5
    send = figures["send them (1 worker): 302 sent"]
    assert send["ok"] and send["value"] > 0
    assert "sent 302" in send["note"] and "2 SMS requests" in send["note"]
    # 40 messages to one robot, 20 a window: all of them, two windows apart.
    assert figures["robot burst: 40 of 40 at the webhook"]["value"] >= 2
    assert figures["most in any 2 s at the webhook"]["value"] == 20
    assert figures["WeCom's 'too many' (45009) answers"]["value"] == 0
    # The scratch site is gone, and the real site's text was left to its own sender.
    assert not Site.objects.filter(name=SCRATCH_SITE).exists()
    assert not Robot.objects.filter(key__startswith="benchch-").exists()
    waiting.refresh_from_db()
    assert waiting.state == Delivery.State.PENDING
    assert waiting.lease_until is None and waiting.claim is None


def test_it_refuses_a_database_without_company_scale(transactional_db):
    with pytest.raises(CommandError) as raised:
        call_command("bench_channels", stdout=StringIO())
    assert raised.value.returncode == 2


def test_it_counts_the_most_in_any_window():
    assert max_in_window([], 60) == 0
    assert max_in_window([0, 1, 2, 61, 62], 60) == 3
    # 60 s apart is another window, as WeCom counts it.
    assert max_in_window([0, 60, 120], 60) == 1
    assert max_in_window([0, 0.5, 59.9, 60, 60.1], 60) == 4
