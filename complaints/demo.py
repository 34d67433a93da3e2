"""Demo and company-scale data of complaints: each site's category tree, and cases.

The demo sites get some thirty cases made through the services, back-dated step by step
(every service takes ``now``), so their numbers, deadlines, timelines, call-backs and
messages are the real ones: cases in every state, some near their deadline, some overdue,
one paused for parts, one reopened by an unhappy resident, 12345 cases, a public place.

Company scale adds 100,000 cases (for 100,000 houses) over the last twelve months across
the further sites, with their timelines (about six entries a case), written with COPY
under ids reserved up front (frontdesk.bulk), and each site's day counters set to the
last number given out, so that the next case recorded continues the day's numbering.
Its deadlines are counted in calendar time, close enough for lists and benchmarks.
"""

from __future__ import annotations

import bisect
import json
import random
import time as timer
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import accumulate

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from complaints.deadlines import DEFAULT_ALLOWANCES, Clock
from complaints.models import (
    FEEDBACK_DAYS,
    CallbackAttempt,
    Case,
    CaseCounter,
    CaseEvent,
    CaseSettings,
    Category,
)
from complaints.services import callbacks, cases, handling
from complaints.services.categories import categories_create_defaults
from frontdesk.bulk import copy_rows, reserve_ids
from frontdesk.demo import BENCH_HOUSES, DEMO_SITES, BenchTally, SeedContext, bench_transaction
from frontdesk.models import Department, Site, User
from residents.models import Building, Occupancy

# Company scale, for every 100,000 houses (frontdesk.demo.BENCH_HOUSES): a year of cases.
BENCH_CASES = 100_000
BENCH_DAYS = 365
# The last days, where cases are still being worked on; older ones are mostly closed.
RECENT_DAYS = 10

PLACES = ("地下车库", "小区南门", "中心花园", "垃圾分类亭", "电梯厅", "消防通道")

# What residents report, by category: (category path, kind, description).
REPORTS = [
    ("工程维修/漏水", "repair", "卫生间天花板漏水，楼上疑似防水层破损"),
    ("工程维修/漏水", "repair", "厨房水槽下水管接口渗水"),
    ("工程维修/电梯故障", "repair", "电梯运行时异响，偶尔停顿"),
    ("工程维修/水电维修", "repair", "楼道声控灯不亮"),
    ("工程维修/水电维修", "repair", "家中跳闸，总开关合不上"),
    ("环境卫生/垃圾清运", "complaint", "楼下垃圾桶满溢两天未清运，气味很大"),
    ("环境卫生/绿化养护", "suggestion", "中心花园草坪斑秃，建议补种"),
    ("秩序安全/噪音", "complaint", "楼上夜间装修噪音，影响休息"),
    ("秩序安全/停车", "complaint", "固定车位被外来车辆占用"),
    ("收费争议", "complaint", "物业费账单金额与面积不符"),
    ("服务态度", "praise", "维修师傅上门及时、态度很好，特此表扬"),
    ("其他", "suggestion", "建议在快递柜旁加装遮雨棚"),
]
RESOLUTIONS = {
    "工程维修": "已上门检修，更换损坏部件，试用正常",
    "环境卫生": "已安排保洁清理，并调整清运时间",
    "秩序安全": "已上门沟通劝导，并加强巡查",
    "收费争议": "已核对房屋面积并更正账单",
    "服务态度": "已转达相关员工，予以表扬",
    "其他": "已采纳建议并安排实施",
}
NOTES = ("已联系业主约定上门时间", "师傅已到现场查看", "配件已下单", "已与楼上业主沟通")
COMMENTS = ("师傅很专业", "处理及时，谢谢", "", "还可以", "希望以后更快一些")


# --- Demo: the services, back-dated -------------------------------------------------------


@dataclass
class Desk:
    """Who does what at one demo site: the clerk, and whoever acts for each department."""

    site: Site
    clerk: User
    staff: dict[int, User]  # department id → the user who accepts and resolves its cases
    fallback: User
    ties: list[tuple]  # (house, resident) pairs of occupied houses
    rng: random.Random
    now: datetime

    def member(self, case: Case) -> User:
        return self.staff.get(case.department_id, self.fallback)

    def category(self, path: str) -> Category:
        parent = None
        for name in path.split("/"):
            parent = Category.objects.get(site=self.site, parent=parent, name=name)
        return parent


def seed_demo(context: SeedContext) -> None:
    supervisor = context.users.get("supervisor")
    clerks = [context.users.get("clerk"), context.users.get("clerk2")]
    engineer = context.users.get("engineer")
    for index, site in enumerate(context.sites):
        with transaction.atomic():
            categories_create_defaults(site=site)
            # Already seeded (or cases recorded there since): nothing is redone.
            if Case.objects.filter(site=site).exists():
                continue
            if index == 0 and supervisor is not None:
                # The first site shows a supervisor's settings; the second the defaults.
                CaseSettings.objects.get_or_create(site=site, defaults={"manager": supervisor})
            clerk = (clerks[index] if index < len(clerks) else None) or supervisor
            if clerk is None:
                continue
            staff = {}
            if (
                engineer is not None
                and Department.objects.filter(pk=engineer.department_id, site=site).exists()
            ):
                staff[engineer.department_id] = engineer
            ties = list(
                Occupancy.objects.filter(house__site=site, moved_out__isnull=True)
                .select_related("house__building", "resident")
                .order_by("house_id", "id")[:400]
            )
            desk = Desk(
                site=site,
                clerk=clerk,
                staff=staff,
                fallback=supervisor or clerk,
                ties=[(o.house, o.resident) for o in ties],
                rng=context.rng("complaints", site.name),
                now=timezone.now(),
            )
            made = _seed_site(desk)
            context.log(f"    {site.name}: {made} cases")


def _seed_site(desk: Desk) -> int:
    site, rng, now = desk.site, desk.rng, desk.now
    clock = Clock.of(site)
    made = 0

    def record(path, kind, description, at, **extra) -> Case:
        nonlocal made
        if "house" not in extra and "building" not in extra and desk.ties:
            house, resident = rng.choice(desk.ties)
            extra.update(house=house, resident=resident)
        made += 1
        return cases.case_create(
            site=site,
            user=desk.clerk,
            kind=kind,
            source=extra.pop("source", rng.choice(["phone", "phone", "walk_in", "wecom"])),
            category=desk.category(path),
            description=description,
            now=at,
            **extra,
        ).case

    def past(at: datetime) -> datetime:
        # A step planned for later than now happens a minute ago (cases just recorded).
        return min(at, now - timedelta(minutes=1))

    def accept(case, at):
        handling.case_accept(site=site, user=desk.member(case), case=case, now=past(at))

    def note(case, at, text):
        handling.case_note(site=site, user=desk.member(case), case=case, note=text, now=past(at))

    def resolve(case, at, path):
        text = RESOLUTIONS[path.split("/")[0]]
        handling.case_resolve(site=site, user=desk.member(case), case=case, note=text, now=past(at))

    def call(case, at, rating, solved, comment=""):
        callbacks.case_callback(
            site=site,
            user=desk.clerk,
            case=case,
            reached=True,
            rating=rating,
            solved=solved,
            comment=comment,
            now=at,
        )

    def worked(path, kind, description, start, *, resolve_after=None, **extra) -> Case:
        case = record(path, kind, description, start, **extra)
        accept(case, start + timedelta(minutes=rng.randint(10, 80)))
        if rng.random() < 0.6:
            note(case, start + timedelta(hours=rng.randint(2, 5)), rng.choice(NOTES))
        if resolve_after is not None:
            resolve(case, start + resolve_after, path)
        return case

    # History: closed after a satisfied call-back (or the resident's own answer), over
    # the last seven weeks.
    for n in range(14):
        path, kind, description = REPORTS[n % len(REPORTS)]
        start = _desk_hours(now - timedelta(days=50 - 3 * n, hours=rng.randint(0, 6)))
        case = worked(path, kind, description, start, resolve_after=timedelta(days=1, hours=3))
        if kind == "praise":
            callbacks.case_close(
                site=site, user=desk.clerk, case=case, now=start + timedelta(days=2)
            )
        elif n % 4 == 3:
            callbacks.case_feedback_from_link(
                token=case.feedback_token,
                rating=5,
                solved=True,
                comment="很满意",
                now=start + timedelta(days=1, hours=20),
            )
        else:
            call(
                case,
                start + timedelta(days=2, hours=1),
                rng.choice([4, 5, 5]),
                True,
                rng.choice(COMMENTS),
            )

    # Closed as unreachable: three calls not answered.
    start = _desk_hours(now - timedelta(days=12))
    case = worked(*REPORTS[3], start, resolve_after=timedelta(hours=6))
    for attempt in range(3):
        callbacks.case_callback(
            site=site,
            user=desk.clerk,
            case=case,
            reached=False,
            note="无人接听",
            now=start + timedelta(days=1 + attempt, hours=2),
        )
    # Withdrawn: the resident sorted it out themselves.
    start = _desk_hours(now - timedelta(days=9))
    case = record(*REPORTS[4], start)
    handling.case_withdraw(
        site=site,
        user=desk.clerk,
        case=case,
        reason="业主来电：已自行处理，无需上门",
        now=start + timedelta(hours=1),
    )
    # Dealt with at the desk: handed back by the department, then closed by the clerk.
    start = _desk_hours(now - timedelta(days=6))
    case = record("收费争议", "complaint", "对上月停车费有疑问", start)
    handling.case_hand_back(
        site=site,
        user=desk.member(case),
        case=case,
        reason="属前台可解答的问题",
        now=start + timedelta(minutes=40),
    )
    callbacks.case_close(
        site=site,
        user=desk.clerk,
        case=case,
        note="已当面解释收费标准，业主认可",
        now=start + timedelta(hours=1),
    )

    # Waiting at the desk: handed back, to be sent on.
    start = _back(clock, now, 90)
    case = record("工程维修", "repair", "阳台推拉门轨道变形，关不严", start)
    handling.case_hand_back(
        site=site,
        user=desk.member(case),
        case=case,
        reason="属开发商保修范围，请前台联系开发商",
        now=start + timedelta(minutes=30),
    )
    # Just recorded, not accepted yet; and an urgent lift waiting past its response time.
    record(*REPORTS[5], now - timedelta(minutes=20))
    record(
        "工程维修/电梯故障",
        "repair",
        "2号电梯困人报警后已放出，需检修",
        _back(clock, now, 60),
        urgency="urgent",
    )
    # A burst pipe, counted in calendar time, being worked on.
    case = record(
        "工程维修/漏水",
        "repair",
        "地下室主水管爆裂，大量积水",
        now - timedelta(hours=1),
        urgency="emergency",
    )
    accept(case, now - timedelta(minutes=50))
    # In progress: on time, near the deadline (over 75 % of it used), and overdue.
    normal_resolve = DEFAULT_ALLOWANCES["normal"][1]
    worked(*REPORTS[7], _back(clock, now, 200))
    worked(*REPORTS[1], _back(clock, now, normal_resolve * 85 // 100))
    worked(*REPORTS[8], _back(clock, now, normal_resolve + 500))
    # Public places: the garage's rubbish, with no house; and a transfer between departments.
    building = Building.objects.filter(site=site).order_by("number").first()
    worked(
        "环境卫生/垃圾清运",
        "complaint",
        "地下车库入口堆放建筑垃圾",
        _back(clock, now, 120),
        building=building,
        place="地下车库",
    )
    start = _back(clock, now, 150)
    case = record("工程维修/水电维修", "complaint", "隔壁空调外机噪音大，夜间尤甚", start)
    security = Department.objects.filter(site=site, kind=Department.Kind.SECURITY).first()
    if security is not None:
        handling.case_transfer(
            site=site,
            user=desk.clerk,
            case=case,
            department=security,
            reason="属噪音扰民，转秩序部协调",
            now=start + timedelta(minutes=30),
        )
    # Paused waiting for parts, expected back in three days.
    start = _back(clock, now, 400)
    case = worked("工程维修/电梯故障", "repair", "电梯门机故障，需更换门机板", start)
    handling.case_pause(
        site=site,
        user=desk.member(case),
        case=case,
        kind=Case.PauseKind.WAITING_PARTS,
        reason="门机板需向厂家订货",
        resume_expected=timezone.localdate(now) + timedelta(days=3),
        now=start + timedelta(hours=5),
    )
    # Resolved, waiting for the call-back: one overdue, one due today, one just resolved.
    for days, path_index in ((3, 0), (1, 6), (0, 9)):
        start = _desk_hours(now - timedelta(days=days + 1, hours=4))
        case = worked(*REPORTS[path_index], start)
        resolve(
            case,
            min(start + timedelta(days=1), now - timedelta(minutes=30)),
            REPORTS[path_index][0],
        )
    # Reopened: the resident was not satisfied at the call-back.
    start = _desk_hours(now - timedelta(days=4))
    case = worked(*REPORTS[0], start, resolve_after=timedelta(hours=7))
    call(case, start + timedelta(days=1, hours=2), 2, False, "天花板还在滴水")
    # 12345: one being worked on against the hotline's deadline, one called back and
    # waiting for the reply to the hotline, one closed with the hotline's verdict.
    hotline = {"source": "hotline"}
    start = _back(clock, now, 240)
    worked(
        *REPORTS[5],
        start,
        hotline_ref=f"GD{start:%Y%m%d}0137",
        hotline_deadline=start + timedelta(days=3),
        **hotline,
    )
    start = _desk_hours(now - timedelta(days=5))
    case = worked(
        *REPORTS[7],
        start,
        resolve_after=timedelta(days=1),
        hotline_ref=f"GD{start:%Y%m%d}0522",
        hotline_deadline=start + timedelta(days=5),
        **hotline,
    )
    call(case, start + timedelta(days=2), 4, True, "已不再施工")
    start = _desk_hours(now - timedelta(days=20))
    case = worked(
        *REPORTS[8],
        start,
        resolve_after=timedelta(days=1),
        hotline_ref=f"GD{start:%Y%m%d}0911",
        hotline_deadline=start + timedelta(days=5),
        **hotline,
    )
    call(case, start + timedelta(days=2), 5, True)
    callbacks.case_close(
        site=site,
        user=desk.clerk,
        case=case,
        now=start + timedelta(days=2, hours=1),
        hotline_reply="经核实，占用车位车辆已挪走，并在车库加装提示牌，业主表示满意。",
        hotline_result=Case.HotlineResult.SATISFIED,
    )
    return made


def _desk_hours(moment: datetime) -> datetime:
    """The same day at a time the desk is open (09:00-16:00), for cases of the past."""
    local = timezone.localtime(moment)
    hour = min(max(local.hour, 9), 16)
    return local.replace(hour=hour)


def _back(clock: Clock, now: datetime, minutes: int) -> datetime:
    """A moment at which ``minutes`` of the site's working time lie between it and now."""
    moment = now
    step = timedelta(minutes=30)
    while clock.between(moment, now) < minutes:
        moment -= step
    return moment


# --- Company scale: COPY ------------------------------------------------------------------

CASE_FIELDS = list(Case._meta.concrete_fields)
CASE_COLUMNS = [f.column for f in CASE_FIELDS]
EVENT_COLUMNS = [
    "id",
    "case_id",
    "at",
    "by_id",
    "kind",
    "from_state",
    "to_state",
    "department_id",
    "note",
    "data",
]
ATTEMPT_COLUMNS = ["id", "case_id", "at", "by_id", "reached", "note"]
# (kind, weight) of all cases; praise is closed without a call-back.
KINDS = (("repair", 55), ("complaint", 30), ("suggestion", 10), ("praise", 5))
URGENCIES = (("normal", 85), ("urgent", 12), ("emergency", 3))
SOURCES = (("phone", 45), ("walk_in", 30), ("wecom", 15), ("patrol", 7), ("hotline", 3))
# Cases of the last RECENT_DAYS days, by state; older ones are mostly closed.
RECENT_STATES = (
    ("registered", 3),
    ("assigned", 15),
    ("in_progress", 25),
    ("paused", 5),
    ("resolved", 20),
    ("called_back", 2),
    ("closed", 27),
    ("reopened", 2),
    ("withdrawn", 1),
)
OLD_STATES = (("closed", 94), ("withdrawn", 3), ("in_progress", 2), ("resolved", 1))
CALENDAR = {"normal": (120, 3 * 24 * 60), "urgent": (30, 24 * 60), "emergency": (15, 4 * 60)}
RUNNING_STATES = {"registered", "assigned", "in_progress", "reopened"}


def _pick(options):
    values = [value for value, _ in options]
    cum = list(accumulate(weight for _, weight in options))
    return lambda r: values[bisect.bisect(cum, r.random() * cum[-1])]


PICK_KIND, PICK_URGENCY, PICK_SOURCE = _pick(KINDS), _pick(URGENCIES), _pick(SOURCES)
PICK_RECENT, PICK_OLD = _pick(RECENT_STATES), _pick(OLD_STATES)


def seed_bench(context: SeedContext) -> dict[str, int]:
    """Company scale: a year of cases at every site of context.bench, proportional to its
    houses (100,000 cases with about 600,000 timeline entries at full scale). One
    transaction per site; a site that already has cases is left as it is."""
    from frontdesk.demo import bench_clerk, share_out

    sizes = [spec.houses for _site, spec in context.bench]
    all_houses = sum(sizes) + sum(spec.houses for spec in DEMO_SITES)
    counts = share_out(round(BENCH_CASES * all_houses / BENCH_HOUSES), sizes)
    clerk = bench_clerk()
    tally = BenchTally(context, "cases")
    order = list(range(len(context.bench)))
    # Not in id order: a live table interleaves the sites (see visitors.demo).
    random.Random("complaints/bench-order").shuffle(order)
    now = timezone.now()
    for index in order:
        site, _spec = context.bench[index]
        with transaction.atomic():
            categories_create_defaults(site=site)
        if Case.objects.filter(site=site).exists():
            tally.skipped += 1
            continue
        started = timer.perf_counter()
        with bench_transaction():
            written = seed_site_bench(
                site, counts[index], clerk, context.rng("complaints", site.name), now
            )
        tally.loaded(
            site,
            written,
            started,
            f"{written['cases']:,} cases, {written['case events']:,} timeline entries",
        )
    return tally.done()


def seed_site_bench(
    site: Site, total: int, clerk: User, rng: random.Random, now: datetime
) -> dict[str, int]:
    """Write ``total`` cases of the site over the last BENCH_DAYS days, with their
    timelines, call-back attempts and day counters."""
    # A case names a sub-category or a top-level one; it goes to the routed department.
    categories = [
        (c.pk, c.department_id or (c.parent.department_id if c.parent_id else None))
        for c in Category.objects.filter(site=site).select_related("parent").order_by("id")
    ]
    ties = list(
        Occupancy.objects.filter(house__site=site, moved_out__isnull=True)
        .order_by("house_id", "id")
        .values_list("house_id", "resident_id")
    )
    buildings = list(Building.objects.filter(site=site).values_list("pk", flat=True))
    if not total or not categories:
        return {"cases": 0, "case events": 0}
    start = now - timedelta(days=BENCH_DAYS)
    moments = sorted(
        start + timedelta(seconds=rng.random() * BENCH_DAYS * 86400) for _ in range(total)
    )
    case_ids = reserve_ids(Case, total)
    rows, events, attempts = [], [], []
    numbers: dict[date, int] = {}
    for case_id, created in zip(case_ids, moments, strict=True):
        day = timezone.localdate(created)
        numbers[day] = numbers.get(day, 0) + 1
        row, case_events, case_attempts = _bench_case(
            case_id,
            f"TS{day:%Y%m%d}-{numbers[day]:04d}",
            created,
            now,
            site,
            clerk.pk,
            categories,
            ties,
            buildings,
            rng,
        )
        rows.append(row)
        events += case_events
        attempts += case_attempts
    copy_rows(Case, CASE_COLUMNS, rows)
    event_ids = reserve_ids(CaseEvent, len(events))
    copy_rows(CaseEvent, EVENT_COLUMNS, ((i, *e) for i, e in zip(event_ids, events, strict=True)))
    attempt_ids = reserve_ids(CallbackAttempt, len(attempts))
    copy_rows(
        CallbackAttempt,
        ATTEMPT_COLUMNS,
        ((i, *a) for i, a in zip(attempt_ids, attempts, strict=True)),
    )
    # The next case recorded on one of these days continues the day's numbering.
    CaseCounter.objects.bulk_create(
        [CaseCounter(site=site, day=day, last=last) for day, last in numbers.items()],
        update_conflicts=True,
        unique_fields=["site", "day"],
        update_fields=["last"],
    )
    return {"cases": len(rows), "case events": len(events)}


def _bench_case(case_id, number, created, now, site, clerk_id, categories, ties, buildings, r):
    """One case's row (in CASE_COLUMNS order), its timeline entries and call-back attempts."""
    age = now - created
    kind = PICK_KIND(r)
    state = PICK_RECENT(r) if age < timedelta(days=RECENT_DAYS) else PICK_OLD(r)
    if kind == "praise" and state not in ("closed", "withdrawn"):
        state = "closed"
    category_id, department_id = categories[int(r.random() * len(categories))]
    urgency = PICK_URGENCY(r)
    source = PICK_SOURCE(r)
    v = {f.attname: f.get_default() for f in CASE_FIELDS}
    v.update(
        id=case_id,
        site_id=site.pk,
        number=number,
        kind=kind,
        source=source,
        category_id=category_id,
        urgency=urgency,
        state=state,
        created_at=created,
        created_by_id=clerk_id,
        updated_by_id=clerk_id,
        description=_description(r, kind),
    )
    if ties and r.random() < 0.85:
        v["house_id"], v["resident_id"] = ties[int(r.random() * len(ties))]
    elif buildings:
        v["building_id"], v["place"] = r.choice(buildings), r.choice(PLACES)
    else:
        v["place"] = r.choice(PLACES)
    respond, resolve = CALENDAR[urgency]
    if kind != "praise":
        v["respond_due"] = created + timedelta(minutes=respond)
        v["resolve_due"] = created + timedelta(minutes=resolve)
        v["respond_warn_at"] = created + timedelta(minutes=respond * 3 // 4)
        v["resolve_warn_at"] = created + timedelta(minutes=resolve * 3 // 4)
    if source == "hotline":
        v["hotline_ref"] = f"GD{timezone.localdate(created):%Y%m%d}{case_id % 10000:04d}"
        v["hotline_deadline"] = created + timedelta(days=5)
    # The steps that led to the state, each a moment later.
    events: list[tuple] = []
    attempts: list[tuple] = []
    t = created
    span = min(age, timedelta(days=6)) / 8

    def step(event, from_state, to_state, note="", data=None, department=None, by=clerk_id):
        nonlocal t
        t = min(t + span * (0.5 + r.random()), now)
        events.append(
            (
                case_id,
                t,
                by,
                event,
                from_state,
                to_state,
                department,
                note,
                json.dumps(data or {}, cls=DjangoJSONEncoder),
            )
        )
        return t

    events.append(
        (
            case_id,
            created,
            clerk_id,
            "created",
            "",
            "registered",
            None,
            v["description"],
            json.dumps({"number": number}, ensure_ascii=False),
        )
    )
    path = ["registered"]
    if state != "registered" and department_id is not None:
        step("assigned", "registered", "assigned", department=department_id)
        v["department_id"] = department_id
        path.append("assigned")
    worked_on = ("in_progress", "paused", "resolved", "called_back", "closed", "reopened")
    if state in worked_on and path[-1] == "assigned":
        v["responded_at"] = step("accepted", "assigned", "in_progress", department=department_id)
        v["handler_id"] = clerk_id
        path.append("in_progress")
        if r.random() < 0.5:
            step("note", "in_progress", "in_progress", r.choice(NOTES))
    if state == "paused" and path[-1] == "in_progress":
        v["paused_since"] = step("paused", "in_progress", "paused", "配件需订货")
        v["pause_kind"], v["pause_reason"] = Case.PauseKind.WAITING_PARTS, "配件需订货"
        v["resume_expected"] = timezone.localdate(now) + timedelta(days=3)
        path.append("paused")
    resolved_states = ("resolved", "called_back", "closed", "reopened")
    if state in resolved_states and path[-1] == "in_progress":
        resolution = RESOLUTIONS.get("工程维修")
        v["resolved_at"] = step(
            "resolved", "in_progress", "resolved", resolution, department=department_id
        )
        v["resolution"] = resolution
        v["callback_due"] = v["resolved_at"] + timedelta(days=1)
        v["feedback_token"] = f"bench{case_id:020d}"
        v["feedback_expires_at"] = v["resolved_at"] + timedelta(days=FEEDBACK_DAYS)
        path.append("resolved")
        if kind != "praise" and state in ("called_back", "closed", "reopened"):
            unhappy = state == "reopened"
            rating = r.choice([1, 2]) if unhappy else r.choice([3, 4, 4, 5, 5, 5])
            solved = not unhappy
            via = "link" if r.random() < 0.25 else "phone"
            at = step(
                "called_back",
                "resolved",
                "called_back",
                data={"rating": rating, "solved": solved, "via": via},
                by=None if via == "link" else clerk_id,
            )
            if via == "phone":
                attempts.append((case_id, at, clerk_id, True, ""))
            v.update(
                rating=rating,
                solved=solved,
                feedback_via=via,
                feedback_at=at,
                satisfaction_comment=r.choice(COMMENTS),
            )
            path.append("called_back")
            if unhappy:
                step("reopened", "called_back", "reopened", "住户不满意", department=department_id)
                v["reopen_count"] = 1
                v["resolved_at"] = v["responded_at"] = v["callback_due"] = None
                path.append("reopened")
    if state == "closed":
        last = path[-1]
        if kind == "praise" and last == "resolved":
            v["close_reason"] = Case.CloseReason.NO_CALLBACK  # praise needs no call-back
        elif last == "called_back":
            v["close_reason"] = Case.CloseReason.SATISFIED
            if source == "hotline":
                v["hotline_reply"] = "已处理完毕，业主满意。"
                v["hotline_result"] = Case.HotlineResult.SATISFIED
        elif last == "registered":
            v["close_reason"] = Case.CloseReason.DESK
        else:
            state = v["state"] = last  # cannot close from here: stays where it got to
        if v["state"] == "closed":
            v["closed_at"] = step("closed", last, "closed")
    elif state == "withdrawn":
        v["closed_at"] = step("withdrawn", path[-1], "withdrawn", "业主撤销")
    elif state != path[-1]:
        state = v["state"] = path[-1]
    v["last_progress_at"] = t
    v["updated_at"] = t
    v["version"] = len(events)
    if state in RUNNING_STATES:
        _bench_chase(v, now)
    else:
        v["reminders_sent"] = []
    v["reminders_sent"] = json.dumps(v["reminders_sent"])
    return tuple(v[f.attname] for f in CASE_FIELDS), events, attempts


def _bench_chase(v: dict, now: datetime) -> None:
    """Reminders long past are taken as sent; next_due is the earliest one left."""
    schedule = {"idle": v["last_progress_at"] + timedelta(days=1)}
    if v["resolve_due"] is not None:
        schedule.update(
            resolve_warn=v["resolve_warn_at"],
            resolve_overdue=v["resolve_due"],
            resolve_escalate=v["resolve_due"] + timedelta(days=1),
        )
    if v["responded_at"] is None and v["respond_due"] is not None:
        schedule.update(
            respond_warn=v["respond_warn_at"],
            respond_overdue=v["respond_due"],
            respond_escalate=v["respond_due"] + timedelta(days=1),
        )
    sent_before = now - timedelta(minutes=10)
    v["reminders_sent"] = sorted(key for key, at in schedule.items() if at <= sent_before)
    pending = [at for key, at in schedule.items() if at > sent_before]
    v["next_due"] = min(pending, default=None)


def _description(r: random.Random, kind: str) -> str:
    matching = [d for _p, k, d in REPORTS if k == kind] or [REPORTS[0][2]]
    return r.choice(matching)
