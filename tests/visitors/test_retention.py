"""The retention of visitors' personal data (visitors.services.retention)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import make_inquiry, make_visit
from visitors.models import Inquiry, ReceptionSettings, Visit
from visitors.services import retention
from visitors.services.retention import personal_data_purge

ID_NUMBER = "11010519491231002X"


def days_ago(days: float):
    return timezone.now() - timedelta(days=days)


def test_it_erases_phone_and_id_number_after_30_days_by_default(site_a, clerk):
    old = make_visit(
        site_a,
        clerk,
        at=days_ago(31),
        stay=timedelta(hours=1),
        id_number=ID_NUMBER,
        plate="浙A12345",
        party_size=3,
    )
    recent = make_visit(site_a, clerk, at=days_ago(29), id_number=ID_NUMBER)
    now = timezone.now()

    assert personal_data_purge(now=now) == 1

    old.refresh_from_db()
    assert (old.visitor_phone, old.id_number, old.personal_data_erased_at) == ("", "", now)
    # The visit itself stays for the statistics, as it was.
    assert (old.visitor_name, old.plate, old.party_size, old.purpose.name) == (
        "李四",
        "浙A12345",
        3,
        "走亲访友",
    )
    assert old.checked_out_at == old.checked_in_at + timedelta(hours=1)
    recent.refresh_from_db()
    assert (recent.visitor_phone, recent.id_number) == ("13912345678", ID_NUMBER)
    assert recent.personal_data_erased_at is None


def test_it_keeps_each_sites_own_period(site_a, site_b, clerk, clerk_b):
    ReceptionSettings.objects.create(site=site_a, retention_days=7)
    a_old = make_visit(site_a, clerk, at=days_ago(10))
    a_new = make_visit(site_a, clerk, at=days_ago(6))
    b_kept = make_visit(site_b, clerk_b, at=days_ago(10))
    b_old = make_visit(site_b, clerk_b, at=days_ago(31))

    assert personal_data_purge() == 2

    erased = set(Visit.objects.filter(visitor_phone="").values_list("pk", flat=True))
    assert erased == {a_old.pk, b_old.pk}
    assert {a_new.pk, b_kept.pk}.isdisjoint(erased)


def test_it_keeps_numbers_longer_where_the_site_says_so(site_a, clerk):
    ReceptionSettings.objects.create(site=site_a, retention_days=90)
    kept = make_visit(site_a, clerk, at=days_ago(60))
    gone = make_visit(site_a, clerk, at=days_ago(91))
    personal_data_purge()
    kept.refresh_from_db()
    gone.refresh_from_db()
    assert kept.visitor_phone and not gone.visitor_phone


def test_settings_at_the_default_period_count_as_the_default(site_a, clerk):
    ReceptionSettings.objects.create(site=site_a, retention_days=30)
    visit = make_visit(site_a, clerk, at=days_ago(31))
    assert personal_data_purge() == 1
    visit.refresh_from_db()
    assert visit.visitor_phone == ""


def test_it_erases_inquirers_phones_after_the_same_period(site_a, site_b, clerk, clerk_b):
    ReceptionSettings.objects.create(site=site_a, retention_days=7)
    a_old = make_inquiry(site_a, clerk, at=days_ago(8))
    b_kept = make_inquiry(site_b, clerk_b, at=days_ago(8))
    now = timezone.now()

    assert personal_data_purge(now=now) == 1

    a_old.refresh_from_db()
    assert (a_old.asker_phone, a_old.personal_data_erased_at) == ("", now)
    assert a_old.question == "小区停车月卡怎么办理？" and a_old.asker_name == "陈女士"
    assert Inquiry.objects.get(pk=b_kept.pk).asker_phone == "13712345678"


def test_a_second_run_erases_nothing_more(site_a, clerk):
    make_visit(site_a, clerk, at=days_ago(40), id_number=ID_NUMBER)
    make_inquiry(site_a, clerk, at=days_ago(40))
    first = timezone.now()
    assert personal_data_purge(now=first) == 2
    assert personal_data_purge() == 0
    assert set(Visit.objects.values_list("personal_data_erased_at", flat=True)) == {first}


def test_it_leaves_visits_without_numbers_unmarked(site_a, clerk):
    visit = make_visit(site_a, clerk, at=days_ago(40), phone="")
    assert personal_data_purge() == 0
    visit.refresh_from_db()
    assert visit.personal_data_erased_at is None


def test_it_erases_a_visit_that_left_only_its_id_number(site_a, clerk):
    visit = make_visit(site_a, clerk, at=days_ago(40), phone="", id_number=ID_NUMBER)
    assert personal_data_purge() == 1
    visit.refresh_from_db()
    assert visit.id_number == "" and visit.personal_data_erased_at is not None


@pytest.mark.parametrize("count", [5, 4])
def test_it_erases_a_backlog_in_batches(site_a, clerk, monkeypatch, count):
    monkeypatch.setattr(retention, "BATCH", 2)
    for n in range(count):
        make_visit(site_a, clerk, at=days_ago(40 + n))
    with CaptureQueriesContext(connection) as queries:
        assert personal_data_purge() == count
    updates = [
        q["sql"] for q in queries.captured_queries if q["sql"].startswith('UPDATE "visitors_visit"')
    ]
    # 2 + 2 + 1, or 2 + 2 + 0: one statement a batch, each limited to the batch's size.
    assert len(updates) == 3
    assert all("LIMIT 2" in sql for sql in updates)
    assert not Visit.objects.exclude(visitor_phone="").exists()
