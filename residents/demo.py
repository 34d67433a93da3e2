"""Demo and benchmark records: buildings, houses, residents, vehicles, 12 months of bills
and the payments finance reported, with some arrears.

One generator serves both scales: it writes a site's rows with COPY (frontdesk.bulk), so
the two demo sites load in a second and company scale in minutes.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction

from frontdesk.bulk import copy_rows, reserve_ids
from frontdesk.demo import (
    DEMO_SITES,
    BenchTally,
    SeedContext,
    bench_transaction,
    id_number,
    mobile,
    person_name,
)
from frontdesk.models import Site
from residents.models import (
    Bill,
    Building,
    FeeKind,
    House,
    Occupancy,
    Payment,
    Resident,
    SearchTerm,
    Vehicle,
)
from residents.search import name_search_keys, terms_for

PROVINCE_PLATES = "浙浙浙浙沪苏皖赣闽"
PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
PROPERTY_FEE_PER_M2 = Decimal("2.80")
PARKING_FEE = Decimal("300.00")


@dataclass(frozen=True)
class SiteShape:
    buildings: int
    units: int  # 0: buildings without entrances (单元)
    floors: int
    rooms_per_floor: int


@dataclass(frozen=True)
class Households:
    """How many people live in a house besides its owner: one of each tuple is drawn."""

    family: tuple[int, ...]  # of an owner-occupied house
    tenants: tuple[int, ...]  # of a rented one


DEMO_HOUSEHOLDS = Households(family=(0, 1, 1, 2, 3), tenants=(1, 1, 2))
# The company's roll has about 2.5 people a house (250,000 for 100,000 houses): families
# of three or four are the rule, and rentals are often shared.
BENCH_HOUSEHOLDS = Households(family=(0, 1, 2, 2, 3, 3), tenants=(1, 2, 2))


def months_back(today: date, count: int) -> list[date]:
    """The first days of the last ``count`` months, oldest first, this month last."""
    months, year, month = [], today.year, today.month
    for _ in range(count):
        months.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def month_end(first: date) -> date:
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


@transaction.atomic
def seed_demo(context: SeedContext) -> None:
    for site, spec in zip(context.sites, DEMO_SITES, strict=True):
        # Already seeded: the data is deterministic, so there is nothing to redo.
        if not Building.objects.filter(site=site).exists():
            shape = SiteShape(spec.buildings, spec.units, spec.floors, spec.rooms_per_floor)
            seed_site(site, shape, context.rng("residents", site.name), context.today)


def seed_bench(context: SeedContext) -> dict[str, int]:
    """Company scale: the records of every site in context.bench.

    One transaction per site: an interrupted load keeps the sites it finished and a rerun
    goes on from there, while a site that already has buildings is left alone, so running
    it twice never doubles the data."""
    tally = BenchTally(context, "records")
    for site, spec in context.bench:
        if Building.objects.filter(site=site).exists():
            tally.skipped += 1
            continue
        started = time.perf_counter()
        shape = SiteShape(spec.buildings, spec.units, spec.floors, spec.rooms_per_floor)
        rng = context.rng("residents", site.name)
        with bench_transaction():
            counts = seed_site(site, shape, rng, context.today, BENCH_HOUSEHOLDS)
        tally.loaded(
            site,
            counts,
            started,
            f"{counts['houses']:,} houses, {counts['residents']:,} residents,"
            f" {counts['bills']:,} bills",
        )
    return tally.done()


def plate(rng: random.Random) -> str:
    tail = "".join(rng.choice("0123456789" + PLATE_LETTERS[:8]) for _ in range(5))
    return rng.choice(PROVINCE_PLATES) + rng.choice(PLATE_LETTERS[:6]) + tail


def seed_site(
    site: Site,
    shape: SiteShape,
    rng: random.Random,
    today: date,
    households: Households = DEMO_HOUSEHOLDS,
) -> dict[str, int]:
    """Write one site's records; returns how many rows of each kind."""
    statuses = list(House.Status)
    # Buildings and houses.
    building_ids = reserve_ids(Building, shape.buildings)
    copy_rows(
        Building,
        ["id", "site_id", "number", "name", "floors"],
        ((bid, site.pk, n + 1, "", shape.floors) for n, bid in enumerate(building_ids)),
    )
    houses = []  # (building_id, unit, floor, room, area, status)
    for building_id in building_ids:
        for unit in range(1, shape.units + 1) if shape.units else (0,):
            for floor in range(1, shape.floors + 1):
                for position in range(1, shape.rooms_per_floor + 1):
                    status = rng.choices(statuses, weights=(70, 16, 9, 5))[0]
                    area = (
                        Decimal(rng.choice((89, 96, 118, 126, 143)))
                        + Decimal(rng.randrange(100)) / 100
                    )
                    houses.append(
                        (building_id, unit, floor, f"{floor}{position:02d}", area, status)
                    )
    house_ids = reserve_ids(House, len(houses))
    copy_rows(
        House,
        [
            "id",
            "site_id",
            "building_id",
            "unit",
            "floor",
            "room",
            "floor_area",
            "use",
            "status",
            "notes",
        ],
        (
            (hid, site.pk, b, u, f, r, a, House.Use.RESIDENTIAL, s, "")
            for hid, (b, u, f, r, a, s) in zip(house_ids, houses, strict=True)
        ),
    )

    # Residents: an owner per house (one in twenty owns a second house), family members
    # of owner-occupied houses, tenants of rented ones.
    people: list[tuple[str, str, str]] = []  # (name, phone, id_number)
    ties: list[tuple[int, int, str]] = []  # (house index, person index, relation)
    owners: list[int] = []

    def person(owner: bool = False) -> int:
        # A few people left no phone: the data-quality page lists them.
        phone = "" if rng.random() < 0.03 else mobile(rng)
        ident = id_number(rng) if owner and rng.random() < 0.4 else ""
        people.append((person_name(rng), phone, ident))
        return len(people) - 1

    for index, (_b, _u, _f, _r, _a, status) in enumerate(houses):
        if owners and rng.random() < 0.05:
            owner = rng.choice(owners)
        else:
            owner = person(owner=True)
            owners.append(owner)
        ties.append((index, owner, Occupancy.Relation.OWNER))
        if status == House.Status.OWNER_OCCUPIED:
            ties.extend(
                (index, person(), Occupancy.Relation.FAMILY)
                for _ in range(rng.choice(households.family))
            )
        elif status == House.Status.RENTED:
            ties.extend(
                (index, person(), Occupancy.Relation.TENANT)
                for _ in range(rng.choice(households.tenants))
            )

    resident_ids = reserve_ids(Resident, len(people))
    copy_rows(
        Resident,
        [
            "id",
            "site_id",
            "name",
            "name_pinyin",
            "name_initials",
            "phone",
            "phone2",
            "id_number",
            "notes",
        ],
        (
            (rid, site.pk, name, *name_search_keys(name), phone, "", ident, "")
            for rid, (name, phone, ident) in zip(resident_ids, people, strict=True)
        ),
    )
    occupancy_ids = reserve_ids(Occupancy, len(ties))
    copy_rows(
        Occupancy,
        ["id", "house_id", "resident_id", "relation", "moved_in", "moved_out"],
        (
            (
                oid,
                house_ids[h],
                resident_ids[p],
                rel,
                today - timedelta(days=rng.randrange(30, 3650)),
                None,
            )
            for oid, (h, p, rel) in zip(occupancy_ids, ties, strict=True)
        ),
    )

    # Vehicles: a third of the owners have a car.
    cars = [(p, plate(rng)) for p in dict.fromkeys(owners) if rng.random() < 0.33]
    cars = list({number: (p, number) for p, number in cars}.values())  # plates are unique
    vehicle_ids = reserve_ids(Vehicle, len(cars))
    copy_rows(
        Vehicle,
        ["id", "site_id", "resident_id", "plate", "parking_space_id"],
        (
            (vid, site.pk, resident_ids[p], number, None)
            for vid, (p, number) in zip(vehicle_ids, cars, strict=True)
        ),
    )
    plates_of: dict[int, list[str]] = {}
    for p, number in cars:
        plates_of.setdefault(p, []).append(number)
    terms = copy_rows(
        SearchTerm,
        ["site_id", "resident_id", "term", "kind", "offset"],
        (
            (site.pk, resident_ids[p], term, kind, offset)
            for p, (name, phone, _i) in enumerate(people)
            for term, kind, offset in terms_for(name, [phone], plates_of.get(p, []))
        ),
    )

    bills, payments = _seed_fees(site, houses, house_ids, ties, plates_of, rng, today)
    return {
        "houses": len(houses),
        "residents": len(people),
        "vehicles": len(cars),
        "search_terms": terms,
        "bills": bills,
        "payments": payments,
    }


def _seed_fees(site, houses, house_ids, ties, plates_of, rng, today) -> tuple[int, int]:
    """12 months of bills per house; most are paid (one receipt a month), some owe."""
    months = months_back(today, 12)
    dues = [month_end(period) for period in months]
    methods = list(Payment.Method)
    site_id = site.pk
    car_houses = {h for h, p, rel in ties if rel == Occupancy.Relation.OWNER and p in plates_of}
    bill_rows, payment_rows = [], []
    receipt = 0
    for index, (_b, _u, _f, _r, area, status) in enumerate(houses):
        house_id = house_ids[index]
        # About one house in twelve owes the last one to six months.
        owing = rng.choice((1, 1, 2, 3, 4, 6)) if rng.random() < 0.08 else 0
        for m, (period, due) in enumerate(zip(months, dues, strict=True)):
            fees = [(FeeKind.PROPERTY, (area * PROPERTY_FEE_PER_M2).quantize(Decimal("0.01")))]
            if status != House.Status.VACANT:
                fees.append((FeeKind.WATER, Decimal(rng.randrange(2000, 15000)) / 100))
            if index in car_houses:
                fees.append((FeeKind.PARKING, PARKING_FEE))
            # This month's bills are not due yet; the owing months are the ones before it.
            unpaid = due >= today or len(months) - 1 - owing <= m
            month_total = Decimal(0)
            for kind, amount in fees:
                paid = Decimal(0) if unpaid else amount
                bill_rows.append((site_id, house_id, kind, period, amount, due, paid))
                month_total += paid
            if month_total:
                receipt += 1
                paid_on = due - timedelta(days=rng.randrange(0, 25))
                method = rng.choice(methods)
                payment_rows.append(
                    (
                        site_id,
                        house_id,
                        None,
                        paid_on,
                        month_total,
                        method,
                        f"SK{site_id:03d}{receipt:07d}",
                    )
                )
    bills = copy_rows(
        Bill,
        ["site_id", "house_id", "kind", "period", "amount", "due_date", "paid_amount"],
        bill_rows,
    )
    payments = copy_rows(
        Payment,
        ["site_id", "house_id", "bill_id", "paid_on", "amount", "method", "receipt_no"],
        payment_rows,
    )
    return bills, payments
