"""seed_demo --scale bench: the plan of company scale (without writing it) and a tiny
real load through the same machinery."""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from frontdesk import demo
from frontdesk.demo import BENCH_CLERK
from frontdesk.filters import start_of
from frontdesk.models import Site, User
from residents.models import (
    Bill,
    Building,
    House,
    Occupancy,
    Payment,
    Resident,
    SearchTerm,
    Vehicle,
)
from visitors.models import Inquiry, Parcel, Visit

DEMO_HOUSES = sum(spec.houses for spec in demo.DEMO_SITES)
ADDRESS = re.compile(r"^\w+市\w+(区|街|路|道)\S* \d+ 号$")


def test_it_plans_fifty_sites_and_exactly_100000_houses():
    specs = demo.bench_site_specs()
    assert len(specs) + len(demo.DEMO_SITES) == 50
    assert sum(spec.houses for spec in specs) + DEMO_HOUSES == 100_000
    names = [spec.name for spec in specs]
    assert len(set(names)) == len(names)
    assert not set(names) & {spec.name for spec in demo.DEMO_SITES}
    assert "阳光城·丽景湾" in names and "金色家园" in names
    for spec in specs:
        assert ADDRESS.match(spec.address), spec.address
        assert re.fullmatch(r"0\d{2,3}-[2-8]\d{7}", spec.service_phone), spec.service_phone
    assert demo.bench_site_specs() == specs  # deterministic


def test_it_skews_the_houses_to_a_few_busy_sites():
    houses = [spec.houses for spec in demo.bench_site_specs()]
    busy, tail = houses[:3], houses[3:]
    assert all(8_000 <= n <= 10_000 for n in busy)
    assert max(tail) < min(busy)
    # A long tail: most sites are small estates.
    assert sum(n < 1_500 for n in tail) > len(tail) / 2
    assert min(tail) < 500


def test_the_busiest_site_answers_every_form_of_house_code():
    busiest = demo.bench_site_specs()[0]
    # 3-2-1201, 3栋2单元1201, 3-1201 and 1201 all name a house there.
    assert busiest.buildings >= 3 and busiest.units >= 2 and busiest.floors >= 12


@pytest.mark.parametrize(("houses", "sites"), [(1_500, 4), (2_000, 5), (5_000, 10), (1_200, 3)])
def test_it_plans_small_scales_exactly(houses, sites):
    specs = demo.bench_site_specs(total_houses=houses, site_count=sites)
    assert len(specs) == sites - len(demo.DEMO_SITES)
    assert sum(spec.houses for spec in specs) + DEMO_HOUSES == houses


def test_it_refuses_a_scale_smaller_than_the_demo():
    with pytest.raises(ValueError):
        demo.bench_site_specs(total_houses=DEMO_HOUSES, site_count=4)


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            Site,
            Building,
            House,
            Resident,
            Occupancy,
            Vehicle,
            SearchTerm,
            Bill,
            Payment,
            Visit,
            Inquiry,
            Parcel,
        )
    }


def orphans() -> int:
    """Rows whose foreign key points nowhere (the load skips checking them one by one)."""
    references = [
        ("residents_house", "building_id", "residents_building"),
        ("residents_house", "site_id", "frontdesk_site"),
        ("residents_resident", "site_id", "frontdesk_site"),
        ("residents_occupancy", "house_id", "residents_house"),
        ("residents_occupancy", "resident_id", "residents_resident"),
        ("residents_vehicle", "resident_id", "residents_resident"),
        ("residents_searchterm", "resident_id", "residents_resident"),
        ("residents_bill", "house_id", "residents_house"),
        ("residents_payment", "house_id", "residents_house"),
        ("visitors_visit", "site_id", "frontdesk_site"),
        ("visitors_visit", "purpose_id", "visitors_visitpurpose"),
        ("visitors_visit", "checked_in_by_id", "frontdesk_user"),
        ("visitors_inquiry", "site_id", "frontdesk_site"),
        ("visitors_inquiry", "created_by_id", "frontdesk_user"),
        ("visitors_parcel", "house_id", "residents_house"),
        ("visitors_parcel", "received_by_id", "frontdesk_user"),
    ]
    # Optional references: only those set must point somewhere.
    optional = [
        ("visitors_visit", "house_id", "residents_house"),
        ("visitors_visit", "resident_id", "residents_resident"),
        ("visitors_inquiry", "house_id", "residents_house"),
        ("visitors_inquiry", "referred_to_id", "frontdesk_department"),
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            " UNION ALL ".join(
                f"SELECT count(*) FROM {table} t LEFT JOIN {target} r ON r.id = t.{column}"
                " WHERE r.id IS NULL"
                for table, column, target in references
            )
            + "".join(
                f" UNION ALL SELECT count(*) FROM {table} t LEFT JOIN {target} r"
                f" ON r.id = t.{column} WHERE t.{column} IS NOT NULL AND r.id IS NULL"
                for table, column, target in optional
            )
        )
        return sum(row[0] for row in cursor.fetchall())


@pytest.fixture
def bench(db, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-pass-for-test")
    out = StringIO()
    call_command(
        "seed_demo", "--scale", "bench", "--bench-sites", "4", "--bench-houses", "1500", stdout=out
    )
    return out.getvalue()


@pytest.mark.slow  # loads 1,500 houses
def test_it_loads_a_small_company_scale(bench):
    loaded = counts()
    assert loaded["Site"] == 4
    assert loaded["House"] == 1_500
    for site in Site.objects.all():
        assert Building.objects.filter(site=site).exists(), site.name
    # About 2.5 people a house at company scale, more than the demo's 2.1.
    bench_sites = Site.objects.exclude(name__in=[spec.name for spec in demo.DEMO_SITES])
    houses = House.objects.filter(site__in=bench_sites).count()
    residents = Resident.objects.filter(site__in=bench_sites).count()
    assert 2.3 < residents / houses < 2.7
    # Twelve months of bills for every house.
    assert Bill.objects.values("period").distinct().count() == 12
    assert Bill.objects.filter(house__site__in=bench_sites).count() >= 12 * houses
    assert loaded["SearchTerm"] > 5 * loaded["Resident"]
    assert orphans() == 0
    assert "Rows:" in bench and "residents_house" in bench and "1,500" in bench


@pytest.mark.slow  # loads 1,500 houses
def test_it_loads_a_year_of_reception_in_proportion_to_the_houses(bench):
    bench_sites = Site.objects.exclude(name__in=[spec.name for spec in demo.DEMO_SITES])
    # 1,000,000 visits, 50,000 inquiries and 100,000 parcels for 100,000 houses: here
    # 1,500 houses in all.
    assert Visit.objects.filter(site__in=bench_sites).count() == 15_000
    assert Inquiry.objects.filter(site__in=bench_sites).count() == 750
    assert Parcel.objects.filter(site__in=bench_sites).count() == 1_500
    today = start_of(timezone.localdate())
    clerk = User.objects.get(username=BENCH_CLERK)
    assert not clerk.is_active and not clerk.has_usable_password() and not clerk.sites.exists()
    for site in bench_sites:
        visits = Visit.objects.filter(site=site)
        assert visits.filter(checked_in_at__lt=timezone.now() - timedelta(days=360)).exists()
        assert 20 <= visits.on_site().filter(checked_in_at__gte=today).count() <= 60
        assert 1 <= visits.on_site().filter(checked_in_at__lt=today).count() <= 3
        assert set(visits.values_list("checked_in_by", flat=True)) == {clerk.pk}
        waiting = Parcel.objects.filter(site=site, collected_at__isnull=True).count()
        assert 0.01 < waiting / Parcel.objects.filter(site=site).count() <= 0.03
    # The retention period holds at company scale too.
    old = Visit.objects.filter(checked_in_at__lt=timezone.now() - timedelta(days=31))
    assert not old.exclude(visitor_phone="").exists()


@pytest.mark.slow  # loads 1,500 houses
def test_it_keeps_the_demo_logins_working(bench):
    assert Client().login(username="clerk", password="demo-pass-for-test")
    assert list(User.objects.get(username="clerk").sites.values_list("name", flat=True)) == [
        "翠湖花园"
    ]
    # The supervisor oversees every site.
    assert User.objects.get(username="supervisor").sites.count() == 4


@pytest.mark.slow  # loads 1,500 houses
def test_it_does_not_double_the_data_when_run_again(bench):
    loaded = counts()
    out = StringIO()
    call_command(
        "seed_demo", "--scale", "bench", "--bench-sites", "4", "--bench-houses", "1500", stdout=out
    )
    assert counts() == loaded
    assert "2 sites already had their records" in out.getvalue()
    assert User.objects.get(username="supervisor").sites.count() == 4


@pytest.mark.slow  # loads 1,500 houses
def test_the_load_checks_references_again_afterwards(bench):
    with connection.cursor() as cursor:
        cursor.execute("SHOW session_replication_role")
        assert cursor.fetchone()[0] == "origin"
