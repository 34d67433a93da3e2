"""Demo and benchmark records: buildings, houses, residents, vehicles, 12 months of bills
and the payments finance reported, with some arrears.

One generator serves both scales: it writes a site's rows with COPY (frontdesk.bulk), so
the two demo sites load in a second and company scale in minutes.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as time_of_day
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from frontdesk.bench import busiest_site
from frontdesk.bulk import copy_rows, reserve_ids
from frontdesk.channels.models import Delivery, SmsTemplate
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
from residents.allocation import Money, OpenBill, plan
from residents.models import (
    ArrearsReminder,
    Bill,
    Building,
    FeeKind,
    House,
    Occupancy,
    Payment,
    PaymentAllocation,
    RecordsSettings,
    Resident,
    SearchTerm,
    Vehicle,
)
from residents.search import name_search_keys, terms_for
from residents.selectors.arrears import arrears_totals, houses_owing
from residents.selectors.reminders import (
    MAX_HOUSES,
    finance_phone,
    reminder_plan,
    reminder_text,
    reminder_values,
)
from residents.selectors.reminders import PURPOSE as REMINDER

PROVINCE_PLATES = "浙浙浙浙沪苏皖赣闽"
PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
PROPERTY_FEE_PER_M2 = Decimal("2.80")
PARKING_FEE = Decimal("300.00")
CENT = Decimal("0.01")
# When the demo's payments were allocated: the day paid (or the bill's month), at ten.
ALLOCATED_AT = time_of_day(10)


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
        reminder_template(site)
    clerk = context.users.get("clerk")
    if context.sites and clerk is not None:
        seed_reminders(context.sites[0], clerk, context.rng("reminders"))


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
    # Every site can text payment reminders (the arrears pages' figures include that).
    for site, _spec in context.bench:
        reminder_template(site)
    busiest = busiest_site() if context.bench else None
    if busiest is not None:
        added = seed_reminder_run(busiest, context.rng("arrears-run", busiest.name), context.today)
        if added:
            context.log(f"    {busiest.name}: {added:,} more houses owe (a full reminder run)")
    return tally.done()


# The busiest site's houses left owing last month's shared utilities, at most: a bad year's
# share of late payers, so that a small trial load is not all debtors.
RUN_SHARE = 0.25
# What a house's share of last month's shared utilities (公摊水电) comes to, in cents.
SHARED_CENTS = (3000, 12000)


def seed_reminder_run(site: Site, rng: random.Random, today: date) -> int:
    """Make enough houses of the site owe for a full payment-reminder run (MAX_HOUSES, the
    size the issue budgets the reminders' confirmation for; a quarter of the houses at
    most); returns how many were added.

    As seeded, one house in twelve owes (about 760 of the busiest site's 9,504): the others
    needed are houses that owed nothing, chosen the same way on every load, now owing last
    month's shared utilities (公摊水电), a bill of a kind the load gives nobody else, never
    paid. Houses holding credit are left alone (credit pays a bill as it comes). Run on
    every load, as it must reach a database loaded before it: a site owing enough already
    (a rerun) is left as it is, so nothing doubles."""
    houses = House.objects.filter(site=site).count()
    wanted = min(MAX_HOUSES, int(houses * RUN_SHARE))
    owing = set(arrears_totals(site, today).values_list("house", flat=True))
    if len(owing) >= wanted:
        return 0
    period = months_back(today, 2)[0]  # last month: its bills are past due today
    credit = Payment.objects.filter(site=site, unallocated__gt=0).values_list("house", flat=True)
    shared = Bill.objects.filter(site=site, kind=FeeKind.SHARED, period=period)
    candidates = sorted(
        set(House.objects.filter(site=site).values_list("pk", flat=True))
        - owing
        - set(credit)
        - set(shared.values_list("house", flat=True))
    )
    chosen = sorted(rng.sample(candidates, min(wanted - len(owing), len(candidates))))
    Bill.objects.bulk_create(
        [
            Bill(
                site=site,
                house_id=house_id,
                kind=FeeKind.SHARED,
                period=period,
                amount=Decimal(rng.randrange(*SHARED_CENTS)) / 100,
                due_date=month_end(period),
                paid_amount=Decimal(0),
            )
            for house_id in chosen
        ],
        batch_size=2000,
    )
    return len(chosen)


def reminder_template(site: Site) -> None:
    """The site's approved payment-reminder text (residents/area.py names its parameters),
    unless it has one."""
    if SmsTemplate.objects.filter(site=site, purpose=REMINDER, is_active=True).exists():
        return
    sign = site.name[:2] + "物业"
    SmsTemplate.objects.create(
        site=site,
        purpose=REMINDER,
        template_id="2318004",
        sign_name=sign,
        params="site,house,amount,months,phone",
        text=f"【{sign}】尊敬的{{2}}业主，截至目前您家已欠缴物业服务等费用{{4}}个月，共计{{3}}元，"
        "请尽快缴纳，如已缴纳请忽略。咨询电话{5}（{1}物业服务中心）。",
    )


# (days ago, channel) of the demo's past reminders, given to the first site's largest
# debts: a few within the 30-day interval (the confirmation page leaves them out, saying
# when), some long enough ago to be reminded again, door slips among them.
DEMO_REMINDERS = [
    (3, "sms"),
    (3, "sms"),
    (3, "slip"),
    (12, "sms"),
    (12, "slip"),
    (45, "sms"),
    (45, "slip"),
    (70, "sms"),
]


def seed_reminders(site: Site, clerk, rng: random.Random) -> None:
    """Payment reminders given at the first demo site, with their text messages as sent
    (the channels' rows, as the channels' own demo writes its past messages)."""
    if ArrearsReminder.objects.filter(site=site).exists():
        return
    RecordsSettings.objects.get_or_create(
        site=site,
        defaults={
            "how_to_pay": "请到物业服务中心财务室（1栋1单元101）缴纳，工作日 8:30–17:30；"
            "也可在服务台扫码，用微信或支付宝缴纳。"
        },
    )
    rows = list(arrears_totals(site)[: 3 * len(DEMO_REMINDERS)])
    owing = houses_owing(site, [r["house"] for r in rows])
    settings = RecordsSettings.of(site)
    targets = reminder_plan(site, owing, channel="sms", settings=settings).targets
    phone = finance_phone(site, settings)
    about_type = ContentType.objects.get_for_model(ArrearsReminder)
    now = timezone.now()
    deliveries = []
    with translation.override("zh-hans"):
        for days, channel in DEMO_REMINDERS:
            # A text message only where an owner can be texted, as the service would.
            target = next((t for t in targets if channel == "slip" or t.texted), None)
            if target is None:
                break
            targets.remove(target)
            at = now - timedelta(days=days, minutes=rng.randrange(0, 240))
            texted = target.texted if channel == "sms" else []
            reminder = ArrearsReminder.objects.create(
                site=site,
                house_id=target.house_id,
                channel=channel,
                amount=target.arrears.total,
                months=target.arrears.months,
                messages=len(texted),
                sent_by=clerk,
                sent_at=at,
                sent_on=timezone.localdate(at),
            )
            values = reminder_values(site, target, phone)
            deliveries += [
                Delivery(
                    site=site,
                    channel=Delivery.Channel.SMS,
                    audience=Delivery.Audience.RESIDENT,
                    state=Delivery.State.SENT,
                    purpose=REMINDER,
                    subject=gettext("Payment reminder"),
                    text=reminder_text(values),
                    params=values,
                    phone=owner.phone,
                    recipient_name=f"{owner.name}（{target.label}）",
                    about_type=about_type,
                    about_id=str(reminder.pk),
                    created_by=clerk,
                    not_before=at,
                    sent_at=at + timedelta(seconds=3),
                    backend="tencent",
                    code="Ok",
                )
                for owner in texted
            ]
    Delivery.objects.bulk_create(deliveries)


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

    fees = _seed_fees(site, houses, house_ids, ties, plates_of, rng, today)
    return {
        "houses": len(houses),
        "residents": len(people),
        "vehicles": len(cars),
        "search_terms": terms,
        **fees,
    }


def _payments_of(rng, months, dues, totals, owing, today) -> list[tuple[date, Decimal]]:
    """When a house paid and how much: (paid on, amount), in the order paid.

    Most pay each month's bills in that month; one in ten pays a quarter at once; a house
    that owes three months or more has sometimes paid part of it lately (two and a half
    months, say); a few have paid ahead, which stays as credit for the next bills.
    """
    # This month's bills are not due yet; the owing months are the ones before it.
    paid = [m for m, due in enumerate(dues) if due < today and m < len(months) - 1 - owing]
    payments = []
    chunk = 3 if not owing and rng.random() < 0.1 else 1
    for start in range(0, len(paid), chunk):
        group = paid[start : start + chunk]
        paid_on = dues[group[0]] - timedelta(days=rng.randrange(0, 25))
        payments.append((paid_on, sum(totals[m] for m in group)))
    if owing >= 3 and rng.random() < 0.3:
        first = len(months) - 1 - owing
        part = totals[first] + totals[first + 1] + (totals[first + 2] / 2).quantize(CENT)
        payments.append((today - timedelta(days=rng.randrange(1, 10)), part))
    elif not owing and rng.random() < 0.02:
        payments.append((today - timedelta(days=rng.randrange(1, 20)), Decimal(1000)))
    return payments


def _seed_fees(site, houses, house_ids, ties, plates_of, rng, today) -> dict[str, int]:
    """12 months of bills per house and the payments finance reported, allocated by the
    desk's own rule (residents.allocation), so that every bill's paid figure is what
    payments were allocated to it, as the allocation service would have left it."""
    months = months_back(today, 12)
    dues = [month_end(period) for period in months]
    methods = list(Payment.Method)
    site_id = site.pk
    car_houses = {h for h, p, rel in ties if rel == Occupancy.Relation.OWNER and p in plates_of}
    # Rows refer to each other by their place in these lists until their ids are taken.
    bill_rows: list[list] = []  # site, house, kind, period, amount, due date, paid
    payment_rows: list[tuple] = []  # house, paid on, amount, method, receipt number
    allocation_rows: list[tuple] = []  # payment, bill, amount, day
    credit: dict[int, Decimal] = {}
    for index, (_b, _u, _f, _r, area, status) in enumerate(houses):
        house_id = house_ids[index]
        # About one house in twelve owes the last one to six months.
        owing = rng.choice((1, 1, 2, 3, 4, 6)) if rng.random() < 0.08 else 0
        bills, totals = [], []
        for period, due in zip(months, dues, strict=True):
            fees = [(FeeKind.PROPERTY, (area * PROPERTY_FEE_PER_M2).quantize(CENT))]
            if status != House.Status.VACANT:
                fees.append((FeeKind.WATER, Decimal(rng.randrange(2000, 15000)) / 100))
            if index in car_houses:
                fees.append((FeeKind.PARKING, PARKING_FEE))
            for kind, amount in fees:
                bill_rows.append([site_id, house_id, kind, period, amount, due, Decimal(0)])
                bills.append(OpenBill(len(bill_rows) - 1, house_id, period, amount, kind))
            totals.append(sum(amount for _k, amount in fees))
        money = []
        for paid_on, amount in _payments_of(rng, months, dues, totals, owing, today):
            payment_rows.append(
                (
                    house_id,
                    paid_on,
                    amount,
                    rng.choice(methods),
                    f"SK{site_id:03d}{len(payment_rows) + 1:07d}",
                )
            )
            money.append(Money(len(payment_rows) - 1, house_id, paid_on, amount))
        paid_on = {m.key: m.paid_on for m in money}
        for share in plan(bills, money):
            if share.bill is None:
                credit[share.key] = share.amount
            else:
                day = max(paid_on[share.key], share.bill.period)
                allocation_rows.append((share.key, share.bill.id, share.amount, day))
        for bill in bills:
            row = bill_rows[bill.id]
            row[6] = row[4] - bill.outstanding

    bill_ids = reserve_ids(Bill, len(bill_rows))
    payment_ids = reserve_ids(Payment, len(payment_rows))
    copy_rows(
        Bill,
        ["id", "site_id", "house_id", "kind", "period", "amount", "due_date", "paid_amount"],
        ((bill_id, *row) for bill_id, row in zip(bill_ids, bill_rows, strict=True)),
    )
    copy_rows(
        Payment,
        [
            "id",
            "site_id",
            "house_id",
            "bill_id",
            "paid_on",
            "amount",
            "method",
            "receipt_no",
            "unallocated",
        ],
        (
            (payment_id, site_id, house, None, paid_on, amount, method, receipt, credit.get(i, 0))
            for i, (payment_id, (house, paid_on, amount, method, receipt)) in enumerate(
                zip(payment_ids, payment_rows, strict=True)
            )
        ),
    )
    zone = timezone.get_current_timezone()
    allocations = copy_rows(
        PaymentAllocation,
        ["site_id", "payment_id", "bill_id", "amount", "created_at"],
        (
            (
                site_id,
                payment_ids[p],
                bill_ids[b],
                amount,
                datetime.combine(day, ALLOCATED_AT, tzinfo=zone),
            )
            for p, b, amount, day in allocation_rows
        ),
    )
    return {
        "bills": len(bill_rows),
        "payments": len(payment_rows),
        "allocations": allocations,
    }
