"""Reception's demo data (visitors.demo.seed_demo, run by `manage.py seed_demo`)."""

from collections import Counter
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db.models import Count, F
from django.utils import timezone

from frontdesk.filters import start_of
from frontdesk.models import Site, User
from frontdesk.personal import is_valid_id_number, is_valid_phone, is_valid_plate
from residents.models import Occupancy
from visitors.models import Inquiry, Parcel, ReceptionSettings, Visit, WatchEntry
from visitors.services.retention import personal_data_purge

# Every test loads the whole demo.
pytestmark = pytest.mark.slow


@pytest.fixture
def seeded(db):
    call_command("seed_demo", verbosity=0)
    return list(Site.objects.order_by("id"))


def per_site(model, sites):
    counts = dict(model.objects.values_list("site").annotate(n=Count("id")))
    return [counts.get(site.pk, 0) for site in sites]


def test_it_loads_two_months_of_a_busy_desk(seeded):
    today = timezone.localdate()
    for site in seeded:
        visits = Visit.objects.filter(site=site)
        assert 60 * 20 < visits.count() < 61 * 60
        first = timezone.localtime(visits.order_by("checked_in_at").first().checked_in_at)
        assert first.date() == today - timedelta(days=60)
        days = Counter(
            timezone.localtime(v).date() for v in visits.values_list("checked_in_at", flat=True)
        )
        past = [n for day, n in days.items() if day < today - timedelta(days=1)]
        assert min(past) >= 20 and max(past) <= 60
        weekend = [n for day, n in days.items() if day.weekday() >= 5 and day < today]
        weekday = [
            n for day, n in days.items() if day.weekday() < 5 and day < today - timedelta(days=1)
        ]
        assert sum(weekend) / len(weekend) > sum(weekday) / len(weekday)


def test_visits_come_at_the_busy_hours_and_mostly_for_family_or_deliveries(seeded):
    hours = Counter(
        timezone.localtime(t).hour for t in Visit.objects.values_list("checked_in_at", flat=True)
    )
    busy = sum(hours[h] for h in (9, 10, 11, 14, 15, 16, 17, 18))
    assert busy > 0.55 * sum(hours.values())
    assert hours[10] > 5 * hours[3]
    purposes = Counter(Visit.objects.values_list("purpose__name", flat=True))
    assert [name for name, _ in purposes.most_common(2)] == ["走亲访友", "快递外卖"]


def test_visitors_look_real(seeded):
    visits = list(Visit.objects.select_related("house"))
    assert all(2 <= len(v.visitor_name) <= 3 for v in visits)
    kept = [v for v in visits if v.personal_data_erased_at is None]
    assert all(is_valid_phone(v.visitor_phone) for v in kept)
    ids = [v.id_number for v in kept if v.id_number]
    assert 0.03 < len(ids) / len(kept) < 0.25
    assert all(is_valid_id_number(n) for n in ids)
    plates = [v.plate for v in visits if v.plate]
    assert 0.2 < len(plates) / len(visits) < 0.4
    assert all(is_valid_plate(p) for p in plates)
    with_house = [v for v in visits if v.house_id]
    assert len(with_house) > 0.85 * len(visits)
    assert all(v.house.site_id == v.site_id for v in with_house)
    # The resident visited lives at the house visited.
    ties = set(Occupancy.objects.filter(moved_out__isnull=True).values_list("house", "resident"))
    named = [(v.house_id, v.resident_id) for v in with_house if v.resident_id]
    assert len(named) > 0.5 * len(with_house)
    assert set(named) <= ties
    assert len({v.pass_token for v in visits}) == len(visits)


def test_some_visitors_come_again(seeded):
    recent = Visit.objects.exclude(visitor_phone="")
    again = recent.values("site", "visitor_phone").annotate(n=Count("id")).filter(n__gte=3)
    assert again.count() >= 5


def test_some_are_on_site_now_and_two_were_left_from_yesterday(seeded):
    now = timezone.now()
    today = start_of(timezone.localdate())
    for site, clerk in zip(seeded, ("clerk", "clerk2"), strict=True):
        on_site = Visit.objects.filter(site=site).on_site()
        now_here = on_site.filter(checked_in_at__gte=today)
        assert 5 <= now_here.count() <= 8
        assert now_here.filter(expected_out_at__lt=now).count() == 1
        left = on_site.filter(checked_in_at__lt=today)
        assert left.count() == 2
        assert left.filter(checked_in_at__gte=today - timedelta(days=1)).count() == 2
        gone = Visit.objects.filter(site=site, checked_out_at__isnull=False)
        assert set(gone.values_list("checked_in_by__username", "checked_out_by__username")) == {
            (clerk, clerk)
        }
        assert set(gone.values_list("exit", flat=True)) == {"desk", "pass", "handover"}


def test_it_keeps_to_the_retention_policy(seeded):
    for site in seeded:
        days = ReceptionSettings.of(site).retention_days
        old = Visit.objects.filter(
            site=site, checked_in_at__lt=timezone.now() - timedelta(days=days)
        )
        assert old.exists()
        assert not old.exclude(visitor_phone="", id_number="").exists()
        assert not old.filter(personal_data_erased_at__isnull=True).exists()
        assert not old.filter(
            personal_data_erased_at__lt=timezone.now() - timedelta(days=60)
        ).exists()
    # The retention task finds nothing the demo left behind (a minute of slack for the load).
    assert personal_data_purge(now=timezone.now() - timedelta(minutes=1)) == 0


def test_it_logs_inquiries_with_referrals_some_still_open(seeded):
    assert all(170 < n < 240 for n in per_site(Inquiry, seeded))
    referred = Inquiry.objects.filter(referred_to__isnull=False)
    assert set(referred.values_list("referred_to__name", flat=True)) == {"工程部", "秩序部"}
    assert 0.1 < referred.count() / Inquiry.objects.count() < 0.3
    engineer = User.objects.get(username="engineer")
    open_for_engineer = referred.filter(
        referred_to=engineer.department, referral_done_at__isnull=True
    )
    assert 1 <= open_for_engineer.count() <= 10
    assert referred.filter(referred_to=engineer.department, referral_done_by=engineer).exists()
    assert (
        not Inquiry.objects.filter(created_at__lt=timezone.now() - timedelta(days=31))
        .exclude(asker_phone="")
        .exists()
    )


def test_it_holds_parcels_some_waiting_and_a_few_overdue(seeded):
    assert all(250 < n < 350 for n in per_site(Parcel, seeded))
    now = timezone.now()
    for site in seeded:
        waiting = Parcel.objects.filter(site=site, collected_at__isnull=True)
        assert waiting.count() == 15
        overdue_after = timedelta(days=ReceptionSettings.of(site).parcel_overdue_days)
        assert waiting.filter(received_at__lt=now - overdue_after).count() == 4
        collected = Parcel.objects.filter(site=site, collected_at__isnull=False)
        assert not collected.filter(collected_by_name="").exists()
        assert not collected.filter(collected_at__lt=F("received_at")).exists()


def test_it_puts_two_entries_on_the_first_sites_watch_list(seeded):
    first, second = seeded
    entries = WatchEntry.objects.filter(site=first)
    assert sorted(bool(e.plate) for e in entries) == [False, True]
    assert all(e.reason and e.created_by.username == "supervisor" for e in entries)
    assert entries.exclude(phone="").count() == 1
    assert not WatchEntry.objects.filter(site=second).exists()


def snapshot(before) -> list:
    return list(
        Visit.objects.filter(checked_in_at__lt=before)
        .order_by("site__name", "checked_in_at", "visitor_name")
        .values_list(
            "site__name", "visitor_name", "purpose__name", "plate", "party_size", "checked_in_at"
        )
    )


def test_it_is_idempotent_and_deterministic(seeded):
    before = start_of(timezone.localdate() - timedelta(days=1))
    first = snapshot(before)
    counts = [Visit.objects.count(), Inquiry.objects.count(), Parcel.objects.count()]
    call_command("seed_demo", verbosity=0)
    assert [Visit.objects.count(), Inquiry.objects.count(), Parcel.objects.count()] == counts
    assert WatchEntry.objects.count() == 2
    # Loaded again from nothing: the same visits (until yesterday: today depends on the
    # hour of loading, yesterday's on its handover).
    Visit.objects.all().delete()
    Inquiry.objects.all().delete()
    Parcel.objects.all().delete()
    WatchEntry.objects.all().delete()
    call_command("seed_demo", verbosity=0)
    assert snapshot(before) == first
    assert WatchEntry.objects.count() == 2
