"""Demo and benchmark data of reception: visits (some on site now, a few left over from
yesterday for the handover), inquiries with their referrals, and parcels at the desk.

One generator serves both scales, as in residents.demo: rows are written with COPY under
ids reserved up front (frontdesk.bulk). The demo sites get two months of a busy desk; company
scale gets a year of visits, inquiries and parcels across the further sites, proportional
to their houses.

Personal data follows the policy the retention task enforces: visits and inquiries older
than the site's retention period come without phone or ID number, already erased, so the
demo never shows what the real system would no longer hold.
"""

from __future__ import annotations

import bisect
import itertools
import random
import string
import time as timer
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import accumulate

from django.db import transaction
from django.utils import timezone

from frontdesk.bulk import copy_rows, reserve_ids
from frontdesk.demo import (
    BENCH_HOUSES,
    DEMO_SITES,
    BenchTally,
    SeedContext,
    bench_clerk,
    bench_transaction,
    id_number,
    mobile,
    person_name,
    share_out,
)
from frontdesk.models import Department, Site, User
from residents.demo import plate as random_plate
from residents.models import Occupancy
from visitors.models import (
    PASS_ALPHABET,
    PASS_LENGTH,
    Inquiry,
    Parcel,
    ReceptionSettings,
    Visit,
    VisitPurpose,
    WatchEntry,
)

# Company scale, for every 100,000 houses (frontdesk.demo.BENCH_HOUSES): a year of a
# busy company's desks.
BENCH_VISITS = 1_000_000
BENCH_INQUIRIES = 50_000
BENCH_PARCELS = 100_000
BENCH_DAYS = 365

# Two months of a busy desk: 20-60 visits, 2-5 inquiries (about 200 in all) and 3-7
# parcels (about 300) a day, at each demo site.
DEMO_DAYS = 60

# Arrivals by hour of the day: the morning peak 9-11 and the afternoon one 14-18.
VISIT_HOURS = (
    0.2, 0.1, 0.1, 0.1, 0.1, 0.3, 0.6, 1.5, 3, 8, 9, 7,
    3, 4, 7, 8, 8, 7, 5, 4, 3, 2, 1, 0.4,
)  # fmt: skip
# The desk's own hours: inquiries and parcels come while it is staffed.
DESK_HOURS = (
    0, 0, 0, 0, 0, 0, 0, 0.5, 3, 6, 7, 6,
    3, 4, 6, 6, 6, 5, 3, 2, 1, 0.3, 0, 0,
)  # fmt: skip
WEEKEND = 1.35  # weekends are busier than weekdays by this much


@dataclass(frozen=True)
class PurposeShape:
    """How the visits of one purpose look: how common, how long, who comes and with what."""

    weight: float
    stay: tuple[int, int]  # minutes actually stayed, low and high
    expected: tuple[int, ...]  # minutes the clerk puts down as the expected stay
    house: float  # share that visit a house
    resident: float  # share that name the resident they visit
    plate: float  # share that come by car
    id_number: float  # share that leave an ID number
    party: tuple[int, ...]  # party sizes, one drawn


PURPOSE_SHAPES = {
    "走亲访友": PurposeShape(
        35, (30, 240), (60, 120, 180, 240), 0.98, 0.9, 0.35, 0.05, (1, 1, 1, 2, 2, 3, 4)
    ),
    "快递外卖": PurposeShape(30, (3, 15), (15, 30), 0.95, 0.5, 0.1, 0, (1,)),
    "装修施工": PurposeShape(8, (120, 540), (240, 480, 600), 1, 0.7, 0.45, 0.6, (1, 2, 3, 4)),
    "看房": PurposeShape(5, (20, 60), (60,), 0.9, 0.4, 0.4, 0.1, (1, 2, 2, 3)),
    "维修服务": PurposeShape(10, (30, 150), (60, 120), 1, 0.8, 0.5, 0.2, (1, 1, 2)),
    "政府/社区工作": PurposeShape(3, (20, 90), (60, 120), 0.6, 0.3, 0.3, 0.3, (1, 2)),
    "其他": PurposeShape(9, (10, 90), (30, 60, 120), 0.7, 0.5, 0.25, 0.1, (1, 1, 2)),
}
# A purpose a supervisor added or renamed.
OTHER_SHAPE = PurposeShape(3, (10, 90), (30, 60), 0.7, 0.5, 0.25, 0.1, (1, 1, 2))

VISIT_NOTES = (
    "业主电话确认放行",
    "送餐上门",
    "搬运家具，走货梯",
    "临时停车 2 小时",
    "业主不在家，已电话联系",
    "带宠物，已提醒牵绳",
    "装修队，已查验施工证",
    "送老人回家",
)

# (question, answer, department referred to or "", the department's reply)
INQUIRIES = (
    ("小区停车月卡怎么办理？", "带行驶证和房产证到前台办理，月卡 300 元。", "", ""),
    (
        "家里厨房水管漏水，能派人来看看吗？",
        "已登记，转工程部上门查看。",
        "工程部",
        "已上门更换三角阀，业主确认不漏。",
    ),
    ("楼道灯不亮了。", "已转工程部维修。", "工程部", "已更换 LED 灯泡。"),
    ("晚上楼下有人大声喧哗。", "已通知秩序部巡查。", "秩序部", "已到场劝离，恢复安静。"),
    ("门禁卡丢了怎么补办？", "带身份证到前台补办，工本费 20 元。", "", ""),
    ("物业费可以按年交吗？有没有优惠？", "可以按年交，一次交清享 95 折。", "", ""),
    ("装修需要办什么手续？", "提交装修申请表、施工方资质和押金，审批后发放施工证。", "", ""),
    ("我的快递到前台了吗？", "已帮您查询，在货架上，请凭取件码领取。", "", ""),
    ("电梯有异响。", "已转工程部检查。", "工程部", "维保单位已检修，异响消除。"),
    ("有陌生人在地库徘徊。", "已通知秩序部。", "秩序部", "已核实为访客，已引导离开。"),
    ("小区什么时候停水？", "本周四 9:00–15:00 清洗二次供水水箱，公告已张贴。", "", ""),
    ("宠物狗需要登记吗？", "需到社区办理犬证，并在前台登记。", "", ""),
    ("车位地锁打不开了。", "已通知秩序部。", "秩序部", "已协助业主开锁。"),
    (
        "家里跳闸了，能来看看吗？",
        "转工程部。",
        "工程部",
        "已上门排查，为热水器漏电，建议联系厂家。",
    ),
    ("垃圾分类投放时间是几点？", "早 7:00–9:00，晚 18:00–20:00。", "", ""),
    ("我的车被别人的车挡住了。", "已联系秩序部查找车主。", "秩序部", "已联系车主挪车。"),
    ("物业费发票怎么开？", "缴费后凭收据到前台开具电子发票。", "", ""),
    ("空调外机支架松动了。", "转工程部查看。", "工程部", "已加固支架。"),
    ("租户入住需要登记吗？", "带租赁合同和租户身份证到前台登记。", "", ""),
    ("公共活动室可以预约吗？", "可以，周末 9:00–21:00 开放，前台登记即可。", "", ""),
    ("下水道堵了。", "转工程部疏通。", "工程部", "已疏通，建议勿倒油污。"),
    ("小区有没有充电桩？", "地库 B2 有 20 个充电桩，扫码使用。", "", ""),
)

COURIERS = (
    (Parcel.Courier.ZTO, 22, "75", 12),
    (Parcel.Courier.YTO, 18, "YT", 13),
    (Parcel.Courier.YUNDA, 15, "43", 11),
    (Parcel.Courier.JT, 12, "JT", 13),
    (Parcel.Courier.STO, 10, "77", 11),
    (Parcel.Courier.JD, 10, "JD", 13),
    (Parcel.Courier.SF, 8, "SF", 13),
    (Parcel.Courier.EMS, 4, "98", 11),
    (Parcel.Courier.OTHER, 1, "", 12),
)
NOTICE_METHODS = (
    Parcel.NoticeMethod.PHONE,
    Parcel.NoticeMethod.SMS,
    Parcel.NoticeMethod.SMS,
    Parcel.NoticeMethod.WECHAT,
    Parcel.NoticeMethod.WECHAT,
    Parcel.NoticeMethod.NOTE,
)

VISIT_COLUMNS = [
    "id",
    "site_id",
    "visitor_name",
    "visitor_phone",
    "id_number",
    "party_size",
    "purpose_id",
    "house_id",
    "resident_id",
    "plate",
    "expected_out_at",
    "notes",
    "pass_token",
    "checked_in_at",
    "checked_in_by_id",
    "checked_out_at",
    "checked_out_by_id",
    "exit",
    "personal_data_erased_at",
]


@dataclass
class Desk:
    """What one site's generator needs to know: its houses, purposes, people and clock."""

    site: Site
    clerk_id: int
    now: datetime
    retention: timedelta
    # (house id, [(resident id, name), ...]) of every house with someone living in it.
    houses: list[tuple[int, list[tuple[int, str]]]]
    purposes: list[tuple[int, PurposeShape]]
    departments: dict[str, int]
    # Who handles a department's referrals (by department name); the clerk otherwise.
    handlers: dict[str, int]
    seed: str = ""

    def rng(self, *parts: object) -> random.Random:
        """The generator of one part of the site's data (a day's visits, say): a day's rows
        are the same whenever they are loaded, whatever the time or the other days."""
        return random.Random("/".join(str(p) for p in (self.seed, *parts)))

    def erased(self, moment: datetime) -> datetime | None:
        """When the daily retention scan erased the phone of something recorded then, or
        None while it is kept."""
        if moment >= self.now - self.retention:
            return None
        return min(moment + self.retention + timedelta(days=1), self.now)


@dataclass(frozen=True)
class Volume:
    """How much a site gets; the demo and company scale differ only in these."""

    days: int
    # In all (company scale), or None for a number a day within the range (the demo).
    visits: int | None
    inquiries: int | None
    parcels: int | None
    on_site: int
    leftovers: int  # from yesterday, never checked out: the next handover's list
    regulars: int  # visitors who come again and again (same phone)
    parcels_waiting: int  # in all, overdue ones included
    parcels_overdue: int  # at least
    visits_a_day: tuple[int, int] = (20, 60)
    inquiries_a_day: tuple[int, int] = (2, 5)
    parcels_a_day: tuple[int, int] = (3, 7)
    bench_tokens: bool = False


# --- Demo ---------------------------------------------------------------------------


@transaction.atomic
def seed_demo(context: SeedContext) -> None:
    clerks = [context.users.get("clerk"), context.users.get("clerk2")]
    for index, site in enumerate(context.sites):
        # Already seeded: the data is deterministic, so there is nothing to redo.
        if Visit.objects.filter(site=site).exists():
            continue
        rng = context.rng("visitors", site.name)
        clerk = clerks[index] if index < len(clerks) and clerks[index] else None
        clerk = clerk or context.users["supervisor"]
        if index == 0:
            # The first site shows a supervisor's settings; the second runs on the defaults.
            ReceptionSettings.objects.get_or_create(site=site)
            _seed_watch_list(site, context.users.get("supervisor"))
        handlers = {}
        engineer = context.users.get("engineer")
        if engineer is not None and engineer.department_id:
            department = Department.objects.filter(pk=engineer.department_id, site=site).first()
            if department is not None:
                handlers[department.name] = engineer.pk
        desk = _desk(site, clerk.pk, handlers, context.users.get("supervisor"))
        desk.seed = f"visitors/{site.name}"
        volume = Volume(
            days=DEMO_DAYS,
            visits=None,
            inquiries=None,
            parcels=None,
            on_site=rng.randint(5, 8),
            leftovers=2,
            regulars=12,
            parcels_waiting=15,
            parcels_overdue=4,
        )
        seed_site(desk, volume, rng)


def _seed_watch_list(site: Site, supervisor: User | None) -> None:
    if WatchEntry.objects.filter(site=site).exists():
        return  # the supervisor's own list, or the demo's from an earlier load
    entries = [
        WatchEntry(
            site=site,
            plate="浙A8K3M7",
            action=WatchEntry.Action.REFUSE,
            reason="多次强行冲卡进入地库，业委会决议禁止该车辆入内。",
            created_by=supervisor,
        ),
        WatchEntry(
            site=site,
            name="赵某",
            phone="13598765432",
            action=WatchEntry.Action.ESCALATE,
            reason="冒充物业人员上门推销净水器，业主投诉；来访先联系秩序部。",
            created_by=supervisor,
        ),
    ]
    WatchEntry.objects.bulk_create(entries)


# --- Company scale --------------------------------------------------------------------


def seed_bench(context: SeedContext) -> dict[str, int]:
    """Company scale: a year of reception at every site of context.bench, proportional to
    its houses (1,000,000 visits, 50,000 inquiries and 100,000 parcels at full scale).

    One transaction per site, as residents.demo: an interrupted load keeps the sites it
    finished, and a site that already has visits is left alone."""
    sizes = [spec.houses for _site, spec in context.bench]
    # Scaled like the records, so a trial with fewer houses gets as busy a desk per house.
    all_houses = sum(sizes) + sum(spec.houses for spec in DEMO_SITES)
    scale = all_houses / BENCH_HOUSES
    visits = share_out(round(BENCH_VISITS * scale), sizes)
    inquiries = share_out(round(BENCH_INQUIRIES * scale), sizes)
    parcels = share_out(round(BENCH_PARCELS * scale), sizes)
    clerk = bench_clerk()
    busiest = max(sizes, default=1)
    tally = BenchTally(context, "visits")
    # Loaded in an order unrelated to the sites' ids. A live register interleaves every
    # site's visits as they come, so a table's physical order says nothing of its site_id;
    # loaded site after site in id order, site_id would look perfectly clustered, and the
    # planner would read a whole site through the bare site_id index rather than walk
    # the (site, time) index for a month: plans the real tables never get.
    order = list(range(len(context.bench)))
    random.Random("visitors/bench-order").shuffle(order)
    for index in order:
        site, spec = context.bench[index]
        if Visit.objects.filter(site=site).exists():
            tally.skipped += 1
            continue
        started = timer.perf_counter()
        rng = context.rng("visitors", site.name)
        volume = Volume(
            days=BENCH_DAYS,
            visits=visits[index],
            # About 20 at a small estate's gate, 60 at the busiest.
            on_site=20 + round(40 * spec.houses / busiest),
            leftovers=rng.randint(1, 3),
            regulars=max(5, spec.houses // 40),
            inquiries=inquiries[index],
            parcels=parcels[index],
            parcels_waiting=round(parcels[index] * 0.02),
            parcels_overdue=round(parcels[index] * 0.004),
            bench_tokens=True,
        )
        with bench_transaction():
            desk = _desk(site, clerk.pk, {}, None)
            desk.seed = f"visitors/{site.name}"
            counts = seed_site(desk, volume, rng)
        tally.loaded(
            site,
            counts,
            started,
            f"{counts['visits']:,} visits, {counts['inquiries']:,} inquiries,"
            f" {counts['parcels']:,} parcels",
        )
    return tally.done()


# --- The generator --------------------------------------------------------------------


def _desk(site: Site, clerk_id: int, handlers: dict[str, int], supervisor: User | None) -> Desk:
    houses: dict[int, list[tuple[int, str]]] = {}
    for house_id, resident_id, name in (
        Occupancy.objects.filter(house__site=site, moved_out__isnull=True)
        .order_by("house_id", "id")
        .values_list("house_id", "resident_id", "resident__name")
    ):
        houses.setdefault(house_id, []).append((resident_id, name))
    purposes = [
        (pk, PURPOSE_SHAPES.get(name, OTHER_SHAPE))
        for pk, name in VisitPurpose.objects.filter(is_active=True).values_list("pk", "name")
    ]
    departments = dict(
        Department.objects.filter(site=site, name__in=["工程部", "秩序部"]).values_list(
            "name", "pk"
        )
    )
    if supervisor is not None:
        handlers = dict.fromkeys(departments, supervisor.pk) | handlers
    return Desk(
        site=site,
        clerk_id=clerk_id,
        now=timezone.localtime(),
        retention=timedelta(days=ReceptionSettings.of(site).retention_days),
        houses=list(houses.items()),
        purposes=purposes,
        departments=departments,
        handlers=handlers,
    )


def seed_site(desk: Desk, volume: Volume, rng: random.Random) -> dict[str, int]:
    """Write one site's visits, inquiries and parcels; returns how many of each."""
    if not desk.houses or not desk.purposes:
        return {"visits": 0, "inquiries": 0, "parcels": 0}
    return {
        "visits": _seed_visits(desk, volume, rng),
        "inquiries": _seed_inquiries(desk, volume),
        "parcels": _seed_parcels(desk, volume, rng),
    }


@dataclass(frozen=True)
class Day:
    start: datetime  # midnight
    count: int
    until: datetime | None = None  # today: the moments end here


def _days(
    desk: Desk,
    kind: str,
    days: int,
    hour_weights: tuple[float, ...],
    total: int | None,
    a_day: tuple[int, int],
    until: datetime,
) -> list[Day]:
    """The last ``days`` days and today up to ``until``, oldest first, with how many of
    ``kind`` each gets: ``total`` in all when given, else a number within ``a_day`` (more
    on weekends). A past day's number depends on its date alone (the demo's), so a day
    loaded again is the same day."""
    midnight = until.replace(hour=0, minute=0, second=0, microsecond=0)
    # Today is the part of a day already gone, by the hours' weights.
    gone = sum(hour_weights[: until.hour]) + hour_weights[until.hour] * until.minute / 60
    today_share = gone / sum(hour_weights)
    starts = [midnight - timedelta(days=back) for back in range(days, -1, -1)]
    busy = [start.weekday() >= 5 for start in starts]
    if total is None:
        low, high = a_day
        counts = []
        for start, weekend in zip(starts, busy, strict=True):
            pick = desk.rng(kind, "count", start.date())
            if weekend:
                counts.append(pick.randint((low + high) // 2, high))
            else:
                counts.append(pick.randint(low, (low + 3 * high) // 4))
        counts[-1] = round(counts[-1] * today_share)
    else:
        weights = [WEEKEND if weekend else 1.0 for weekend in busy]
        today = round(total * weights[-1] * today_share / (sum(weights[:-1]) + today_share))
        counts = share_out(total - today, [round(w * 100) for w in weights[:-1]]) + [today]
    return [
        Day(start, count, until if start == midnight else None)
        for start, count in zip(starts, counts, strict=True)
    ]


def _moments(
    rng: random.Random, day: Day, cum_hours: list[float], hour_weights: tuple[float, ...]
) -> list[datetime]:
    """``day.count`` moments of the day by the hours' weights, in order (today's before
    its ``until``)."""
    if not day.count:
        return []
    if day.until is None:
        hours = rng.choices(range(24), cum_weights=cum_hours, k=day.count)
        return sorted(day.start + timedelta(hours=h, seconds=rng.randrange(3600)) for h in hours)
    gone = max((day.until - day.start).total_seconds(), 1)
    hour, seconds = divmod(int(gone), 3600)
    cum_today = cum_hours[:hour] + [
        (cum_hours[hour - 1] if hour else 0) + hour_weights[hour] * seconds / 3600
    ]
    if cum_today[-1] <= 0:
        return sorted(day.start + timedelta(seconds=gone * rng.random()) for _ in range(day.count))
    hours = rng.choices(range(hour + 1), cum_weights=cum_today, k=day.count)
    return sorted(
        day.start + timedelta(hours=h, seconds=rng.randrange(3600 if h < hour else seconds or 1))
        for h in hours
    )


def _seed_visits(desk: Desk, volume: Volume, rng: random.Random) -> int:
    now = desk.now
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    extra = volume.on_site + volume.leftovers
    total = None if volume.visits is None else max(volume.visits - extra, 0)
    # Those checked out today left a moment ago at the latest.
    until = max(now - timedelta(minutes=2), midnight)
    days = _days(desk, "visits", volume.days, VISIT_HOURS, total, volume.visits_a_day, until)
    # On site now ("on"; the first one "late": past its expected time) and left over from
    # yesterday evening, never checked out ("left").
    extras: list[tuple[datetime, str]] = []
    since_midnight = max((now - midnight).total_seconds() / 60 - 1, 1)
    for n in range(volume.on_site):
        if n == 0:
            extras.append((now - timedelta(minutes=min(since_midnight, 150)), "late"))
        else:
            minutes = rng.random() * min(since_midnight, 300)
            extras.append((now - timedelta(minutes=minutes), "on"))
    for _ in range(volume.leftovers):
        extras.append((midnight - timedelta(hours=6, minutes=-rng.randrange(180)), "left"))
    extras.sort(key=lambda extra: extra[0])
    ids = reserve_ids(Visit, sum(day.count for day in days) + len(extras))
    return copy_rows(Visit, VISIT_COLUMNS, _visit_rows(desk, volume, rng, ids, days, extras))


def _visit_rows(
    desk: Desk,
    volume: Volume,
    rng: random.Random,
    ids: list[int],
    days: list[Day],
    extras: list[tuple[datetime, str]],
) -> Iterator[tuple]:
    now, site_id, clerk = desk.now, desk.site.pk, desk.clerk_id
    keep_from = now - desk.retention
    houses = desk.houses
    purposes = desk.purposes
    cum_purposes = list(accumulate(shape.weight for _pk, shape in purposes))
    cum_hours = list(accumulate(VISIT_HOURS))
    # Visitors who come again and again: family, a cleaner, a carer; the same phone each time.
    regulars = []
    for _ in range(volume.regulars):
        house_id, people = rng.choice(houses)
        purpose = rng.choice(purposes[:1] + purposes)  # mostly family visits
        regulars.append(
            (
                person_name(rng),
                mobile(rng),
                random_plate(rng) if rng.random() < 0.3 else "",
                house_id,
                rng.choice(people)[0],
                purpose,
            )
        )
    slots = (
        (day_rng, arrived, "")
        for day in days
        for day_rng in [desk.rng("visits", day.start.date())]
        for arrived in _moments(day_rng, day, cum_hours, VISIT_HOURS)
    )
    now_rng = desk.rng("visits", "now", now)
    slots = itertools.chain(slots, ((now_rng, arrived, kind) for arrived, kind in extras))
    for visit_id, (r, arrived, kind) in zip(ids, slots, strict=True):
        draw = r.random
        kept = arrived >= keep_from
        if regulars and draw() < 0.08:
            name, phone, plate, house_id, resident_id, (purpose_id, shape) = r.choice(regulars)
            ident = ""
        else:
            purpose_id, shape = purposes[bisect.bisect(cum_purposes, draw() * cum_purposes[-1])]
            name = person_name(r)
            # Drawn whether kept or not, so that a day's visitors stay the same whenever
            # the retention period ends.
            phone = mobile(r)
            ident = id_number(r, 1960, 2005) if draw() < shape.id_number else ""
            plate = random_plate(r) if draw() < shape.plate else ""
            house_id = resident_id = None
            if draw() < shape.house:
                house_id, people = houses[int(draw() * len(houses))]
                if draw() < shape.resident:
                    resident_id = people[int(draw() * len(people))][0]
        if not kept:
            phone = ident = ""
        party = shape.party[int(draw() * len(shape.party))]
        expected = shape.expected[int(draw() * len(shape.expected))]
        low, high = shape.stay
        stay = timedelta(minutes=low + draw() * (high - low))
        expected_out = arrived + timedelta(minutes=expected)
        by_pass, not_seen, share = draw() < 0.28, draw() < 0.02, draw()
        note = VISIT_NOTES[int(draw() * len(VISIT_NOTES))] if draw() < 0.08 else ""
        out = out_by = None
        exit_ = ""
        if kind == "":
            out = arrived + stay
            if out > now:
                out = arrived + (now - arrived) * share
            out_by = clerk
            exit_ = Visit.Exit.PASS if by_pass else Visit.Exit.DESK
            if not_seen:
                # Never seen leaving: closed at the next morning's handover.
                handover = arrived.replace(hour=8, minute=30, second=0) + timedelta(days=1)
                if handover <= now:
                    out, exit_ = handover, Visit.Exit.HANDOVER
        elif kind == "on":
            expected_out = now + timedelta(minutes=30 + int(draw() * 150))
        elif kind == "late":
            expected_out = arrived + (now - arrived) * 0.6
        elif kind == "left":
            expected_out = arrived + timedelta(minutes=120)
        if volume.bench_tokens:
            # Unique by the id and ascending with it: the token's unique index is written
            # in order rather than at random places, which a million rows notice.
            token = f"bench-{visit_id:010d}"
        else:
            token = "".join(r.choices(PASS_ALPHABET, k=PASS_LENGTH))
        yield (
            visit_id,
            site_id,
            name,
            phone,
            ident,
            party,
            purpose_id,
            house_id,
            resident_id,
            plate,
            expected_out,
            note,
            token,
            arrived,
            clerk,
            out,
            out_by,
            exit_,
            None if kept else desk.erased(arrived),
        )


def _seed_inquiries(desk: Desk, volume: Volume) -> int:
    now = desk.now
    days = _days(
        desk, "inquiries", volume.days, DESK_HOURS, volume.inquiries, volume.inquiries_a_day, now
    )
    cum_hours = list(accumulate(DESK_HOURS))
    houses = desk.houses
    clerk = desk.clerk_id
    # Most questions are answered at the desk; about one in five goes on to a department.
    answered = [entry for entry in INQUIRIES if not entry[2]]
    referrals = [entry for entry in INQUIRIES if entry[2]]
    rows = []
    for day in days:
        r = desk.rng("inquiries", day.start.date())
        for created in _moments(r, day, cum_hours, DESK_HOURS):
            question, answer, department, reply = r.choice(
                referrals if r.random() < 0.2 else answered
            )
            channel = Inquiry.Channel.PHONE if r.random() < 0.45 else Inquiry.Channel.WALK_IN
            house_id = None
            name = ""
            if r.random() < 0.65:
                house_id, people = r.choice(houses)
                name = r.choice(people)[1]
            elif r.random() < 0.8:
                name = person_name(r)
            wants_phone = 0.9 if channel == Inquiry.Channel.PHONE else 0.3
            phone = mobile(r) if r.random() < wants_phone else ""
            erased = desk.erased(created) if phone else None
            if erased:
                phone = ""
            handled, took = r.random(), timedelta(minutes=r.randrange(30, 2880))
            referred = desk.departments.get(department) if department else None
            done_at = done_by = None
            reply_text = ""
            # The last fortnight's referrals are partly still open: the department's list.
            if referred is not None and (now - created > timedelta(days=14) or handled < 0.5):
                done_at = min(created + took, now)
                done_by = desk.handlers.get(department, clerk)
                reply_text = reply
            rows.append(
                (
                    desk.site.pk,
                    channel,
                    name,
                    phone,
                    house_id,
                    question,
                    answer,
                    referred,
                    reply_text,
                    done_at,
                    done_by,
                    clerk,
                    created,
                    erased,
                )
            )
    ids = reserve_ids(Inquiry, len(rows))
    return copy_rows(
        Inquiry,
        [
            "id",
            "site_id",
            "channel",
            "asker_name",
            "asker_phone",
            "house_id",
            "question",
            "answer",
            "referred_to_id",
            "referral_reply",
            "referral_done_at",
            "referral_done_by_id",
            "created_by_id",
            "created_at",
            "personal_data_erased_at",
        ],
        ((inquiry_id, *row) for inquiry_id, row in zip(ids, rows, strict=True)),
    )


def _seed_parcels(desk: Desk, volume: Volume, rng: random.Random) -> int:
    now = desk.now
    overdue_after = timedelta(days=ReceptionSettings.of(desk.site).parcel_overdue_days)
    days = _days(
        desk, "parcels", volume.days, DESK_HOURS, volume.parcels, volume.parcels_a_day, now
    )
    cum_hours = list(accumulate(DESK_HOURS))
    cum_couriers = list(accumulate(weight for _c, weight, _p, _n in COURIERS))
    drawn = []  # (received, every value drawn for it), a day's from that day's generator
    for day in days:
        r = desk.rng("parcels", day.start.date())
        for received in _moments(r, day, cum_hours, DESK_HOURS):
            courier, _w, prefix, digits = COURIERS[
                bisect.bisect(cum_couriers, r.random() * cum_couriers[-1])
            ]
            house_id, people = r.choice(desk.houses)
            recipient = r.choice(people)[1] if r.random() < 0.9 else person_name(r)
            drawn.append(
                (
                    received,
                    courier,
                    house_id,
                    recipient,
                    prefix + "".join(r.choices(string.digits, k=digits)),
                    f"{r.choice('ABCDE')}-{r.randint(1, 20):02d}",
                    timedelta(minutes=r.randrange(5, 90)),  # until the household is told
                    r.choice(NOTICE_METHODS),
                    r.random() < 0.7,  # told, if still waiting
                    timedelta(minutes=r.randrange(60, 3 * 24 * 60)),  # until collected
                    r.random(),
                    r.choice(people)[1] if r.random() < 0.85 else recipient,
                )
            )
    # Waiting at the desk: the newest ones (not overdue yet), and some older ones nobody
    # came for, at least ``parcels_overdue`` of them.
    fresh = [i for i, parcel in enumerate(drawn) if now - parcel[0] < overdue_after]
    fresh = fresh[max(len(fresh) - (volume.parcels_waiting - volume.parcels_overdue), 0) :]
    older = [
        i
        for i, parcel in enumerate(drawn)
        if overdue_after + timedelta(days=1) < now - parcel[0] < overdue_after + timedelta(days=12)
    ]
    overdue = min(volume.parcels_waiting - len(fresh), len(older))
    waiting = set(fresh) | set(rng.sample(older, overdue))
    clerk = desk.clerk_id
    rows = []
    for index, parcel in enumerate(drawn):
        received, courier, house_id, recipient, tracking, shelf = parcel[:6]
        to_notice, method, told, to_collect, share, collector = parcel[6:]
        notified_at = notified_by = collected_at = handed_by = None
        if index not in waiting or told:
            notified_at, notified_by = min(received + to_notice, now), clerk
        if index not in waiting:
            collected_at = received + to_collect
            if collected_at > now:
                collected_at = received + (now - received) * share
            if notified_at and collected_at < notified_at:
                notified_at = collected_at
            handed_by = clerk
        rows.append(
            (
                desk.site.pk,
                house_id,
                recipient,
                courier,
                tracking,
                shelf,
                "",
                received,
                clerk,
                notified_at,
                notified_by,
                method if notified_at else "",
                collected_at,
                collector if collected_at else "",
                handed_by,
            )
        )
    ids = reserve_ids(Parcel, len(rows))
    return copy_rows(
        Parcel,
        [
            "id",
            "site_id",
            "house_id",
            "recipient_name",
            "courier",
            "tracking_number",
            "shelf",
            "photo",
            "received_at",
            "received_by_id",
            "notified_at",
            "notified_by_id",
            "notice_method",
            "collected_at",
            "collected_by_name",
            "handed_over_by_id",
        ],
        ((parcel_id, *row) for parcel_id, row in zip(ids, rows, strict=True)),
    )
