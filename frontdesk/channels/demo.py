"""Demo and company-scale data of the channels: group robots, SMS templates and deliveries.

The demo (``make run``) gets a residents' group robot for each building of the first site
and a staff group for its 工程部, the SMS templates of the parcel text and of the test
message at both sites, and a handful of deliveries, so that a supervisor finds something
in admin and the staff something in their inbox.

Company scale (``seed_demo --scale bench``) adds a year of messages: 1,000,000 deliveries
across the further sites (in proportion to their houses, for every 100,000 houses),
mostly notices to residents by SMS and to the buildings' groups, and parcel texts; each
site's robots and templates; and an inbox of a few thousand messages, some unread, for
the demo logins and for the benchmark's (``frontdesk.bench.BENCH_USERS``), so that the
inbox is measured as a long-serving member of staff sees it. Rows are written with one
COPY, in the order a live log has them (see seed_bench); a site that already has
deliveries is left as it is.

The core knows nothing of houses or residents (the areas own them): recipients are made
from each site's plan (``DemoSite``: buildings, entrances, floors) with the demo's own
generators of names and phones, so they read like the site's households without reading
an area's tables.
"""

from __future__ import annotations

import hashlib
import heapq
import json
import logging
import random
import time as timer
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import accumulate

import requests
from django.apps import apps
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from frontdesk import bench
from frontdesk.bulk import copy_rows
from frontdesk.channels.adapters.tencent_sms import meaning_of
from frontdesk.channels.adapters.wecom import outcome_of
from frontdesk.channels.models import Delivery, Robot, SmsTemplate
from frontdesk.channels.purposes import ROBOT_BROKEN, TEST_MESSAGE
from frontdesk.channels.quiet import next_allowed
from frontdesk.demo import (
    BENCH_HOUSES,
    DEMO_SITES,
    BenchTally,
    DemoSite,
    SeedContext,
    bench_transaction,
    mobile,
    person_name,
    share_out,
)
from frontdesk.models import Department, Site, User

# The purposes the rows are about: reception's parcel text (visitors' message_purposes) and
# the notices area's notice, by the key it is to declare.
PARCEL = "parcel_waiting"
NOTICE = "notice"

# Company scale, for every 100,000 houses (frontdesk.demo.BENCH_HOUSES).
BENCH_DELIVERIES = 1_000_000
BENCH_DAYS = 365
# Inbox messages at company scale (a year of a busy desk's notices, alerts and reminders)
# and how many of them are still unread: the demo logins', by username …
DEMO_INBOX = {"supervisor": (4_000, 120), "clerk": (3_000, 35), "engineer": (2_500, 18)}
# … and the benchmark's, by their key in frontdesk.bench.BENCH_USERS, at the busiest site.
BENCH_INBOX = {"supervisor": (4_000, 120), "clerk": (3_000, 35)}
MIN_INBOX = 40  # at the smallest trial scales, still more than a page

# Shares of a site's rows: parcel texts and the staff groups' messages; notices take the
# rest, and the last few minutes' parcels are still waiting to be sent.
PARCEL_SHARE = 0.12
STAFF_GROUP_SHARE = 0.005
PENDING_SHARE = 0.001

# What each household's phone on record is, for a text (weights): a mobile, none, a
# landline, or a resident who asked for no texts.
PHONE_KINDS = (("mobile", 945), ("none", 30), ("landline", 10), ("opted_out", 15))
# What became of a text to a mobile (weights, per 10,000).
SMS_FATES = (
    ("sent", 9_700),
    ("retried", 60),  # sent on a later try
    ("blacklist", 90),
    ("daily_limit", 80),
    ("gave_up", 50),  # failed after every try
    ("uncertain", 20),
)
COURIERS = ("顺丰", "中通", "圆通", "韵达", "申通", "京东", "邮政EMS", "极兔")
# The desk's hours: notices and parcels are sent while it is staffed.
DESK_HOURS = (
    0, 0, 0, 0, 0, 0, 0, 0.5, 3, 6, 7, 6,
    3, 4, 6, 6, 6, 5, 3, 2, 1, 0.3, 0, 0,
)  # fmt: skip
CUM_DESK_HOURS = list(accumulate(DESK_HOURS))

# (subject, text): {scope} is who it is for, {date} the day it happens.
NOTICES = (
    (
        "停水通知",
        "因市政供水管网维修，{scope}将于{date} 9:00—17:00 暂停供水，请提前储水。"
        "给您带来不便，敬请谅解。",
    ),
    (
        "停电通知",
        "因供电线路检修，{scope}将于{date} 8:30—12:00 停电，电梯同时暂停运行，请合理安排出行。",
    ),
    ("电梯维保通知", "{scope}电梯将于{date}进行年度维护保养，期间分时段停运，请走楼梯并注意安全。"),
    (
        "消防演练通知",
        "小区将于{date} 15:00 举行消防疏散演练，{scope}听到警铃请按工作人员指引有序疏散。",
    ),
    (
        "二次供水水箱清洗",
        "{scope}二次供水水箱将于{date}清洗消毒，当日 9:00—15:00 水压偏低，请提前储水。",
    ),
    (
        "燃气安全检查",
        "燃气公司将于{date}起入户安全检查，请{scope}留人在家配合，检查人员均佩戴工作证。",
    ),
    (
        "台风防范提示",
        "受台风影响，{date}起有强风暴雨，请{scope}关好门窗、收好阳台物品，车辆勿停低洼处。",
    ),
    ("外墙清洗通知", "{scope}将于{date}起清洗外墙，请关好窗户，勿在阳台晾晒衣物。"),
    (
        "物业费缴纳提醒",
        "本年度物业服务费已开始收取，请{scope}到物业服务中心或通过线上渠道缴纳，谢谢配合。",
    ),
    ("绿化消杀通知", "小区将于{date}对绿化带病虫害消杀，请{scope}关好窗户，看护好儿童和宠物。"),
    ("地下车库清洗", "地下车库将于{date} 22:00 起分区冲洗，请{scope}按通知时间挪车。"),
    ("门禁系统升级", "{scope}门禁系统将于{date}升级，期间请刷卡进出，或联系秩序部开门。"),
)
# What reaches staff in their inbox, by kind: (subject, text); {title} is a notice's.
STAFF_MESSAGES = {
    "approve": ("公告待审批：{title}", "前台提交了公告“{title}”，请审批后发布。"),
    "published": ("公告已发布：{title}", "公告“{title}”已发布，短信与业主群消息已发出。"),
    "undelivered": (
        "短信未送达：{title}",
        "公告“{title}”有 {n} 户的短信未能送达，请电话或上门告知。",
    ),
    "duty": ("值班安排：{title}", "{title}期间的值班表已排好，请到交接班记录查看并确认。"),
    "task": ("工作安排：{title}", "“{title}”需要工程部配合，请按时到场并在完成后回复前台。"),
}
# Which kinds each role's inbox gets (weights): the supervisor approves and oversees, a
# clerk hears what went out and what did not, department staff get their tasks.
INBOX_KINDS = {
    "supervisor": (("approve", 45), ("published", 35), ("undelivered", 15), ("duty", 5)),
    "clerk": (("published", 55), ("undelivered", 25), ("duty", 20)),
    "engineer": (("task", 75), ("duty", 25)),
}
DUTY_TITLES = ("国庆假期", "春节假期", "五一假期", "台风天气", "中秋假期", "元旦假期")

COLUMNS = (
    "site_id",
    "channel",
    "audience",
    "state",
    "purpose",
    "urgent",
    "subject",
    "text",
    "link",
    "params",
    "robot_id",
    "user_id",
    "phone",
    "email",
    "recipient_name",
    "about_type_id",
    "about_id",
    "created_at",
    "created_by_id",
    "not_before",
    "attempts",
    "claim",
    "lease_until",
    "sent_at",
    "read_at",
    "backend",
    "code",
    "detail",
)

Channel, Audience, State = Delivery.Channel, Delivery.Audience, Delivery.State


# --- The demo -------------------------------------------------------------------------


def seed_demo(context: SeedContext) -> None:
    """Robots and templates for the demo sites and a few deliveries at the first one."""
    with transaction.atomic(), translation.override("zh-hans"):
        for index, site in enumerate(context.sites):
            sms_templates(site)
            if index == 0:
                robots = _demo_robots(site, DEMO_SITES[0])
                if not Delivery.objects.filter(site=site).exists():
                    _demo_deliveries(context, site, robots)


def sms_templates(site: Site) -> None:
    """The site's approved templates of the parcel text, the notice and the test message."""
    sign = site.name[:2] + "物业"
    templates = {
        PARCEL: (
            "2318001",
            "house,courier,tail,shelf",
            f"【{sign}】{{1}}的住户您好，您的{{2}}快递（尾号{{3}}）已到物业服务中心，"
            "存放于{4}，请及时领取。",
        ),
        NOTICE: (
            "2318002",
            "title,date",
            f"【{sign}】小区发布了“{{1}}”，请于{{2}}前留意，详见公告栏。",
        ),
        TEST_MESSAGE: ("2318003", "site", f"【{sign}】这是{{1}}的测试短信，收到请忽略。"),
    }
    for purpose, (template_id, params, text) in templates.items():
        if not SmsTemplate.objects.filter(site=site, purpose=purpose, is_active=True).exists():
            SmsTemplate.objects.create(
                site=site,
                purpose=purpose,
                template_id=template_id,
                sign_name=sign,
                params=params,
                text=text,
            )


def _demo_robots(site: Site, spec: DemoSite) -> list[Robot]:
    """A residents' group for each building (linked to it, where reception's buildings
    are), and the staff group of 工程部."""
    robots = []
    for number in range(1, spec.buildings + 1):
        robot, _created = Robot.objects.get_or_create(
            site=site,
            key=f"demo-building-{number:02d}-residents",
            defaults={"name": f"{number}栋业主群", "kind": Robot.Kind.RESIDENTS},
        )
        robots.append(robot)
    engineering = Department.objects.filter(site=site, name="工程部").first()
    if engineering is not None:
        Robot.objects.get_or_create(
            site=site,
            key="demo-engineering-staff",
            defaults={"name": "工程部工作群", "kind": Robot.Kind.STAFF, "department": engineering},
        )
    # The records area's buildings name their group; looked up by app label, so that the core
    # imports no area (and a database without that area simply has no link to make).
    if apps.is_installed("residents"):
        building = apps.get_model("residents", "Building")
        for number, robot in enumerate(robots, start=1):
            building.objects.filter(site=site, number=number, group_robot__isnull=True).update(
                group_robot=robot
            )
    return robots


def _demo_deliveries(context: SeedContext, site: Site, robots: list[Robot]) -> None:
    """Yesterday's parcel texts (one failed, one not sent), this morning's notice to three
    buildings' groups, and a few messages in each demo login's inbox."""
    rng = context.rng("channels", site.name)
    now = timezone.now()
    clerk, supervisor = context.users.get("clerk"), context.users.get("supervisor")
    spec = DEMO_SITES[0]
    rows: list[Delivery] = []
    sent_outcome = _("Accepted by Tencent Cloud SMS (serial number %(serial)s).")
    yesterday = timezone.localtime(now).replace(hour=10, minute=5) - timedelta(days=1)
    fates = ("sent", "sent", "blacklist", "sent", "opted_out", "sent")
    for n, fate in enumerate(fates):
        at = yesterday + timedelta(minutes=37 * n)
        house = _house_label(spec, rng.randrange(spec.houses))
        values = {
            "house": house,
            "courier": rng.choice(COURIERS),
            "tail": f"{rng.randrange(10_000):04d}",
            "shelf": f"{rng.choice('ABC')}-{rng.randint(1, 6)}",
        }
        row = Delivery(
            site=site,
            channel=Channel.SMS,
            audience=Audience.RESIDENT,
            purpose=PARCEL,
            subject=_("Parcel waiting at the desk"),
            text=_parcel_text(values),
            params=values,
            phone=mobile(rng),
            recipient_name=person_name(rng),
            not_before=at,
            created_by=clerk,
            backend="tencent",
        )
        if fate == "sent":
            row.state, row.sent_at, row.code = State.SENT, at + timedelta(seconds=2), "Ok"
            row.detail = sent_outcome % {"serial": f"2019:{rng.randrange(10**16):016d}"}
        elif fate == "blacklist":
            row.state, row.code = State.FAILED, "FailedOperation.PhoneNumberInBlacklist"
            row.detail = _tencent_detail(row.code, "the mobile number is in the blacklist")
        else:
            row.state, row.code, row.backend = State.SKIPPED, "opted_out", ""
            row.detail = _("The resident asked not to receive text messages.")
        rows.append((at, row))
    morning = timezone.localtime(now).replace(hour=9, minute=12)
    if morning > now:
        morning -= timedelta(days=1)
    subject, template = NOTICES[0]
    date = f"{(morning + timedelta(days=2)):%-m月%-d日}"
    for robot in robots[2:5]:
        rows.append(
            (
                morning,
                Delivery(
                    site=site,
                    channel=Channel.ROBOT,
                    audience=Audience.RESIDENT,
                    state=State.SENT,
                    purpose=NOTICE,
                    subject=subject,
                    text=template.format(scope="3栋—5栋", date=date),
                    robot=robot,
                    recipient_name=robot.name,
                    not_before=morning,
                    sent_at=morning + timedelta(seconds=1),
                    created_by=supervisor,
                    backend="wecom",
                    code="0",
                ),
            )
        )
    for username, (_total, unread) in DEMO_INBOX.items():
        user = context.users.get(username)
        if user is None:
            continue
        kinds = [kind for kind, _weight in INBOX_KINDS[username]]
        for n, kind in enumerate(kinds[:3]):
            at = now - timedelta(hours=3 + 20 * n, minutes=rng.randrange(60))
            subject, text, link = _staff_message(kind, rng)
            row = _inbox_row(site, user, subject, text, link, at)
            # The newest is unread, the rest read an hour or so later.
            row.read_at = None if n == 0 and unread else at + timedelta(minutes=40 + 10 * n)
            rows.append((at, row))
    rows.sort(key=lambda pair: pair[0])
    created = Delivery.objects.bulk_create([row for _at, row in rows])
    # created_at is set on insert (auto_now_add): give each row its moment.
    for (at, _row), row in zip(rows, created, strict=True):
        Delivery.objects.filter(pk=row.pk).update(created_at=at)


def _inbox_row(site: Site, user: User, subject: str, text: str, link: str, at) -> Delivery:
    return Delivery(
        site=site,
        channel=Channel.INBOX,
        audience=Audience.STAFF,
        state=State.SENT,
        purpose=NOTICE,
        subject=subject,
        text=text,
        link=link,
        user=user,
        recipient_name=user.get_full_name(),
        not_before=at,
        sent_at=at,
        backend="inbox",
    )


def _staff_message(kind: str, rng: random.Random) -> tuple[str, str, str]:
    subject, text = STAFF_MESSAGES[kind]
    title = rng.choice(DUTY_TITLES) if kind == "duty" else rng.choice(NOTICES)[0]
    values = {"title": title, "n": rng.randint(2, 40)}
    link = "/coordination/" if kind in ("duty", "task") else "/notices/"
    return subject.format(**values), text.format(**values), link


def _parcel_text(values: dict) -> str:
    text = _("%(house)s: your %(courier)s parcel is waiting at the property service desk.")
    text %= values
    if values["tail"]:
        text += _(" Tracking number ending %(tail)s.") % values
    return text


def _tencent_detail(code: str, message: str) -> str:
    return _("%(meaning)s (Tencent Cloud: %(code)s %(message)s)") % {
        "meaning": meaning_of(code),
        "code": code,
        "message": message,
    }


def _house_label(spec: DemoSite, index: int) -> str:
    """The label of a site's ``index``-th house (3栋2单元1201, or 3栋1201 without
    entrances), as the records area numbers them."""
    units = max(spec.units, 1)
    per_unit = spec.floors * spec.rooms_per_floor
    building, rest = divmod(index, units * per_unit)
    unit, rest = divmod(rest, per_unit)
    floor, room = divmod(rest, spec.rooms_per_floor)
    code = f"{floor + 1}{room + 1:02d}"
    if spec.units:
        return f"{building + 1}栋{unit + 1}单元{code}"
    return f"{building + 1}栋{code}"


# --- Company scale --------------------------------------------------------------------


def seed_bench(context: SeedContext) -> dict[str, int]:
    """A year of messages at every site of context.bench (BENCH_DELIVERIES for every
    BENCH_HOUSES houses, shared by houses), and the inboxes of the demo logins.

    One COPY in one transaction, every site's rows merged in the order they were
    written, as a live log has them: a site's newest rows are then among the log's newest,
    and its rows are spread over the whole table. (Loaded site after site, each site's
    rows would sit together, and the planner, walking the log newest first for one site,
    would read through every later site's.) A site that has its log is left as it is, and
    so is an inbox already that full; every site gets its templates."""
    sizes = [spec.houses for _site, spec in context.bench]
    all_houses = sum(sizes) + sum(spec.houses for spec in DEMO_SITES)
    scale = all_houses / BENCH_HOUSES
    totals = share_out(round(BENCH_DELIVERIES * scale), sizes)
    tally = BenchTally(context, "deliveries")
    busiest = bench.busiest_site() if context.bench else None
    supervisor = context.users.get("supervisor")
    started = timer.perf_counter()
    streams: list[tuple[str, Counted]] = []
    with translation.override("zh-hans"), bench_transaction():
        texts = Texts.make()
        for index, (site, spec) in enumerate(context.bench):
            sms_templates(site)
            # The log's rows are about nothing the core knows; an area's seeded messages
            # (a notice's texts, payment reminders) name what they are about, and do not
            # make the site's year of messages loaded.
            if Delivery.objects.filter(site=site, about_type__isnull=True).exists():
                tally.skipped += 1
                continue
            inboxes = []
            alerted = [supervisor] if supervisor is not None else []
            if busiest is not None and site.pk == busiest.pk:
                users = bench.bench_context(site).users
                for key, (count, unread) in BENCH_INBOX.items():
                    role = "supervisor" if key == "supervisor" else "clerk"
                    inboxes.append(Inbox(users[key], role, *_scaled(count, unread, scale)))
                alerted.append(users["supervisor"])
            plan = _plan(site, spec, context.rng("channels", site.name), texts)
            rows = Counted(_site_rows(plan, totals[index], inboxes, alerted))
            streams.append((site.name, rows))
        streams += _demo_inboxes(context, scale)
        created = COLUMNS.index("created_at")
        written = copy_rows(
            Delivery,
            COLUMNS,
            heapq.merge(*(rows for _name, rows in streams), key=lambda row: row[created]),
        )
    for name, rows in streams:
        context.log(f"    {name}: {rows.count:,} deliveries")
    if written:
        tally.totals["deliveries"] = written
        context.log(f"    {written:,} in all ({timer.perf_counter() - started:.1f} s)")
    return tally.done()


class Counted:
    """A stream of rows that counts what went through it."""

    def __init__(self, rows: Iterator[tuple]) -> None:
        self.rows, self.count = rows, 0

    def __iter__(self) -> Iterator[tuple]:
        for row in self.rows:
            self.count += 1
            yield row


def _scaled(count: int, unread: int, scale: float) -> tuple[int, int]:
    """An inbox's size at this scale (never below a couple of pages) and its unread."""
    rows = max(MIN_INBOX, round(count * scale))
    return rows, min(unread, rows // 4)


@dataclass(frozen=True)
class Texts:
    """The words the senders store, in Chinese as a request would have stored them."""

    parcel_subject: str
    sent_sms: str  # with %(serial)s
    skipped: dict[str, str]
    failed: dict[str, str]
    gave_up: str
    uncertain: str
    robot_gone: str
    broken_subject: str  # with %(name)s
    broken_text: str  # with %(name)s, %(code)s, %(detail)s

    @classmethod
    def make(cls) -> Texts:
        reply = requests.Response()
        reply.status_code = 200
        reply.headers["Content-Type"] = "application/json"
        reply._content = json.dumps({"errcode": 93000, "errmsg": "invalid webhook url"}).encode()
        # The adapter's own words for a removed robot, without its warning in the log.
        wecom_log = logging.getLogger(outcome_of.__module__)
        wecom_log.disabled, was = True, wecom_log.disabled
        try:
            robot_gone = outcome_of(reply, "").detail
        finally:
            wecom_log.disabled = was
        return cls(
            parcel_subject=_("Parcel waiting at the desk"),
            sent_sms=_("Accepted by Tencent Cloud SMS (serial number %(serial)s)."),
            skipped={
                "no_phone": _("No phone number on record."),
                "not_mobile": _("The phone number on record is not a mobile."),
                "opted_out": _("The resident asked not to receive text messages."),
            },
            failed={
                "FailedOperation.PhoneNumberInBlacklist": _tencent_detail(
                    "FailedOperation.PhoneNumberInBlacklist",
                    "the mobile number is in the blacklist",
                ),
                "LimitExceeded.PhoneNumberDailyLimit": _tencent_detail(
                    "LimitExceeded.PhoneNumberDailyLimit",
                    "the number of sms messages sent from a single mobile number every day "
                    "exceeds the upper limit",
                ),
            },
            gave_up=_("Failed after %(n)d tries: %(detail)s")
            % {"n": 4, "detail": _tencent_detail("InternalError.Timeout", "request timed out")},
            uncertain=_(
                "The provider did not answer in time: it may have arrived, so it is not sent "
                "again automatically. (%(detail)s)"
            )
            % {"detail": meaning_of("timeout")},
            robot_gone=robot_gone,
            broken_subject=_("Group robot “%(name)s” no longer works"),
            broken_text=_(
                "WeCom refused the robot of “%(name)s” (%(code)s): %(detail)s "
                "Its messages are not sent until the robot is fixed and saved again in admin."
            ),
        )


@dataclass
class Inbox:
    user: User
    role: str  # a key of INBOX_KINDS
    count: int
    unread: int


@dataclass
class Plan:
    """One site's households (a phone each, or why it cannot get a text), its groups."""

    site: Site
    spec: DemoSite
    rng: random.Random
    texts: Texts
    now: datetime
    # Per house: (label, name, phone, kind of phone) and its building (0-based).
    houses: list[tuple[str, str, str, str]]
    building_of: list[int]
    robots: list[Robot]  # one residents' group per building
    staff_robots: list[Robot]
    # The group whose robot WeCom stopped taking, and when: later messages are not sent.
    broken: tuple[int, datetime] | None = None
    created: list[int] = field(default_factory=list)


def _plan(site: Site, spec: DemoSite, rng: random.Random, texts: Texts) -> Plan:
    now = timezone.now()
    houses, building_of = [], []
    per_building = spec.houses // spec.buildings
    kinds = [kind for kind, _weight in PHONE_KINDS]
    cum = list(accumulate(weight for _kind, weight in PHONE_KINDS))
    for index in range(spec.houses):
        kind = rng.choices(kinds, cum_weights=cum)[0]
        if kind == "none":
            phone = ""
        elif kind == "landline":
            phone = f"0571{rng.randrange(8 * 10**7, 9 * 10**7)}"
        else:
            phone = mobile(rng)
        houses.append((_house_label(spec, index), person_name(rng), phone, kind))
        building_of.append(min(index // per_building, spec.buildings - 1))
    key = hashlib.sha1(site.name.encode()).hexdigest()[:10]
    residents = [
        Robot(
            site=site,
            name=f"{number}栋业主群",
            kind=Robot.Kind.RESIDENTS,
            key=f"bench-{key}-b{number:03d}",
        )
        for number in range(1, spec.buildings + 1)
    ]
    staff = [
        Robot(
            site=site,
            name=f"{department.name}工作群",
            kind=Robot.Kind.STAFF,
            department=department,
            key=f"bench-{key}-d{department.pk}",
        )
        for department in Department.objects.filter(
            site=site, name__in=["工程部", "秩序部"]
        ).order_by("name")
    ]
    # The site's robots of an earlier load are kept (the log of another load names them).
    existing = {
        robot.key: robot
        for robot in Robot.objects.filter(site=site, key__startswith=f"bench-{key}-")
    }
    Robot.objects.bulk_create(robot for robot in residents + staff if robot.key not in existing)
    robots = [existing.get(robot.key, robot) for robot in residents]
    staff_robots = [existing.get(robot.key, robot) for robot in staff]
    plan = Plan(site, spec, rng, texts, now, houses, building_of, robots, staff_robots)
    if len(robots) >= 6:
        # One group's robot was removed from its group some months ago and nobody has
        # entered a new key since: admin shows it broken, its messages not sent.
        robot = robots[rng.randrange(len(robots))]
        when = _moment(rng, now - timedelta(days=rng.randint(20, 150)))
        Robot.objects.filter(pk=robot.pk).update(broken_at=when, broken_reason=texts.robot_gone)
        plan.broken = (robot.pk, when)
    return plan


def _moment(rng: random.Random, day: datetime) -> datetime:
    """A moment of ``day`` within the desk's hours (site time)."""
    local = timezone.localtime(day).replace(hour=0, minute=0, second=0, microsecond=0)
    hour = rng.choices(range(24), cum_weights=CUM_DESK_HOURS)[0]
    return local + timedelta(hours=hour, seconds=rng.randrange(3600))


def _past_moment(rng: random.Random, now: datetime, days: int) -> datetime:
    while True:
        at = _moment(rng, now - timedelta(days=rng.randrange(days + 1)))
        if at < now:
            return at


def _site_rows(plan: Plan, total: int, inboxes: list[Inbox], alerted: list[User]) -> Iterator:
    """Exactly ``total`` rows of one site, oldest first: inboxes, alerts, staff groups,
    parcels, the last minutes' parcels still pending, and notices for the rest."""
    rng, now = plan.rng, plan.now
    events: list[tuple[datetime, int, object]] = []  # (moment, tie-breaker, what)
    budget = total
    for inbox in inboxes:
        inbox.count = min(inbox.count, budget)
        budget -= inbox.count
        events += _inbox_events(inbox, rng, now)
    if plan.broken is not None and budget > len(alerted):
        events.append((plan.broken[1], 0, ("alert", alerted)))
        budget -= 1 + len(alerted)
    pending = min(budget, max(1, round(total * PENDING_SHARE)))
    budget -= pending
    for _n in range(pending):
        events.append((now - timedelta(seconds=rng.randrange(15 * 60)), 0, ("parcel", "pending")))
    staff = min(budget, round(total * STAFF_GROUP_SHARE)) if plan.staff_robots else 0
    budget -= staff
    for _n in range(staff):
        events.append((_past_moment(rng, now, BENCH_DAYS), 0, ("staff", None)))
    parcels = min(budget, round(total * PARCEL_SHARE))
    budget -= parcels
    for _n in range(parcels):
        events.append((_past_moment(rng, now, BENCH_DAYS), 0, ("parcel", None)))
    # Notices, until the site's share is used: a third to the whole estate, the rest to
    # a few buildings (a water cut, a lift's service); the last one cut to fit.
    while budget > 0:
        buildings = plan.spec.buildings
        if rng.random() < 0.33 or buildings < 3:
            scope = (0, buildings)
        else:
            width = rng.randint(1, max(1, buildings // 4))
            first = rng.randrange(buildings - width + 1)
            scope = (first, first + width)
        size = _notice_size(plan, scope)
        events.append(
            (_past_moment(rng, now, BENCH_DAYS), 0, ("notice", (scope, min(size, budget))))
        )
        budget -= min(size, budget)
    for number, event in enumerate(events):
        events[number] = (event[0], number, event[2])
    events.sort(key=lambda event: (event[0], event[1]))
    for at, _number, (kind, detail) in events:
        if kind == "notice":
            yield from _notice_rows(plan, at, *detail)
        elif kind == "parcel":
            yield from _parcel_rows(plan, at, pending=detail == "pending")
        elif kind == "staff":
            yield _staff_group_row(plan, at)
        elif kind == "inbox":
            yield detail(plan.site.pk)
        else:
            yield from _alert_rows(plan, at, detail)


def _notice_size(plan: Plan, scope: tuple[int, int]) -> int:
    first, last = scope
    per_building = plan.spec.houses // plan.spec.buildings
    houses = per_building * (last - first)
    if last == plan.spec.buildings:
        houses = plan.spec.houses - per_building * first
    return houses + (last - first)


def delivery_row(
    site_id: int,
    channel: str,
    audience: str,
    state: str,
    purpose: str,
    subject: str,
    text: str,
    at: datetime,
    *,
    link: str = "",
    params: str = "{}",
    robot_id: int | None = None,
    user_id: int | None = None,
    phone: str = "",
    name: str = "",
    not_before: datetime | None = None,
    attempts: int = 0,
    sent_at: datetime | None = None,
    read_at: datetime | None = None,
    backend: str = "",
    code: str = "",
    detail: str = "",
    urgent: bool = False,
    about_type_id: int | None = None,
    about_id: str = "",
) -> tuple:
    """One row of COLUMNS (an area's bench messages are written with it too)."""
    return (
        site_id,
        channel,
        audience,
        state,
        purpose,
        urgent,
        subject,
        text,
        link,
        params,
        robot_id,
        user_id,
        phone,
        "",
        name,
        about_type_id,
        about_id,
        at,
        None,
        not_before or at,
        attempts,
        None,
        None,
        sent_at,
        read_at,
        backend,
        code,
        detail,
    )


def _sms_fate(plan: Plan, kind: str, at: datetime, offset: float) -> dict:
    """What became of a text to a household: its state, times, code and detail."""
    texts, rng = plan.texts, plan.rng
    if kind != "mobile":
        code = {"none": "no_phone", "landline": "not_mobile", "opted_out": "opted_out"}[kind]
        return {"state": State.SKIPPED, "code": code, "detail": texts.skipped[code]}
    fate = rng.choices(_FATES, cum_weights=_FATE_CUM)[0]
    if fate in ("sent", "retried"):
        # A retried one went a minute later, after Tencent's "try again".
        retried = fate == "retried"
        return {
            "state": State.SENT,
            "sent_at": at + timedelta(seconds=offset + rng.random() + (60 if retried else 0)),
            "attempts": 1 if retried else 0,
            "backend": "tencent",
            "code": "Ok",
            "detail": texts.sent_sms % {"serial": f"2019:{rng.getrandbits(52):016d}"},
        }
    if fate in ("blacklist", "daily_limit"):
        code = (
            "FailedOperation.PhoneNumberInBlacklist"
            if fate == "blacklist"
            else "LimitExceeded.PhoneNumberDailyLimit"
        )
        return {
            "state": State.FAILED,
            "backend": "tencent",
            "code": code,
            "detail": texts.failed[code],
        }
    if fate == "gave_up":
        return {
            "state": State.FAILED,
            "attempts": 4,
            "not_before": at + timedelta(minutes=36),
            "backend": "tencent",
            "code": "InternalError.Timeout",
            "detail": texts.gave_up,
        }
    return {
        "state": State.UNCERTAIN,
        "backend": "tencent",
        "code": "timeout",
        "detail": texts.uncertain,
    }


_FATES = [fate for fate, _weight in SMS_FATES]
_FATE_CUM = list(accumulate(weight for _fate, weight in SMS_FATES))


def _robot_fate(plan: Plan, robot: Robot, at: datetime, offset: float) -> dict:
    """Sent, unless the group's robot broke before (see _alert_rows): not sent then."""
    if plan.broken is not None and plan.broken[0] == robot.pk and at > plan.broken[1]:
        return {"state": State.SKIPPED, "code": "robot_broken", "detail": plan.texts.robot_gone}
    sent_at = at + timedelta(seconds=offset)
    return {"state": State.SENT, "sent_at": sent_at, "backend": "wecom", "code": "0"}


def _notice_rows(plan: Plan, at: datetime, scope: tuple[int, int], size: int) -> Iterator[tuple]:
    rng, site_id = plan.rng, plan.site.pk
    subject, template = rng.choice(NOTICES)
    first, last = scope
    whole = first == 0 and last == plan.spec.buildings
    if whole:
        who = "全体业主"
    elif last - first == 1:
        who = f"{first + 1}栋住户"
    else:
        who = f"{first + 1}栋—{last}栋住户"
    date = f"{(at + timedelta(days=rng.randint(1, 5))):%-m月%-d日}"
    text = template.format(scope=who, date=date)
    token = hashlib.sha1(f"{site_id}/{at.isoformat()}".encode()).hexdigest()[:22]
    link = f"/n/{token}/"
    params = json.dumps({"title": subject, "date": date}, ensure_ascii=False)
    written = 0
    for offset, robot in enumerate(plan.robots[first:last]):
        if written == size:
            return
        written += 1
        yield delivery_row(
            site_id,
            Channel.ROBOT,
            Audience.RESIDENT,
            purpose=NOTICE,
            subject=subject,
            text=text,
            at=at,
            link=link,
            params=params,
            robot_id=robot.pk,
            name=robot.name,
            **_robot_fate(plan, robot, at, 0.3 * offset),
        )
    for index in range(len(plan.houses)):
        if written == size:
            return
        if not first <= plan.building_of[index] < last:
            continue
        written += 1
        _label, name, phone, kind = plan.houses[index]
        yield delivery_row(
            site_id,
            Channel.SMS,
            Audience.RESIDENT,
            purpose=NOTICE,
            subject=subject,
            text=text,
            at=at,
            link=link,
            params=params,
            phone=phone,
            name=name,
            # Two hundred numbers a request, a request every few tenths of a second.
            **_sms_fate(plan, kind, at, 0.3 * (written // 200)),
        )


def _parcel_rows(plan: Plan, at: datetime, pending: bool = False) -> Iterator[tuple]:
    rng, site_id, texts = plan.rng, plan.site.pk, plan.texts
    index = rng.randrange(len(plan.houses))
    label, name, phone, kind = plan.houses[index]
    values = {
        "house": label,
        "courier": rng.choice(COURIERS),
        "tail": f"{rng.randrange(10_000):04d}",
        "shelf": f"{rng.choice('ABCD')}-{rng.randint(1, 8)}",
    }
    text = _parcel_text(values)
    params = json.dumps(values, ensure_ascii=False)
    common = {"purpose": PARCEL, "subject": texts.parcel_subject, "text": text, "params": params}
    if pending:
        # Written a moment ago: waiting for the sender (or, at night, for the morning).
        yield delivery_row(
            site_id,
            Channel.SMS,
            Audience.RESIDENT,
            State.PENDING,
            at=at,
            phone=phone or mobile(rng),
            name=name,
            not_before=next_allowed(at),
            **common,
        )
        return
    if rng.random() < 0.1:
        # Told in the building's group, the household @-ed by its mobile.
        robot = plan.robots[plan.building_of[index]]
        yield delivery_row(
            site_id,
            Channel.ROBOT,
            Audience.RESIDENT,
            at=at,
            robot_id=robot.pk,
            phone=phone if kind == "mobile" else "",
            name=robot.name,
            **common,
            **_robot_fate(plan, robot, at, 0.5),
        )
        return
    yield delivery_row(
        site_id,
        Channel.SMS,
        Audience.RESIDENT,
        at=at,
        phone=phone,
        name=name,
        **common,
        **_sms_fate(plan, kind, at, 1.0),
    )


def _staff_group_row(plan: Plan, at: datetime) -> tuple:
    rng = plan.rng
    robot = rng.choice(plan.staff_robots)
    kind = "task" if robot.name.startswith("工程部") else "duty"
    subject, text, link = _staff_message(kind, rng)
    return delivery_row(
        plan.site.pk,
        Channel.ROBOT,
        Audience.STAFF,
        purpose=NOTICE,
        subject=subject,
        text=text,
        at=at,
        link=link,
        robot_id=robot.pk,
        name=robot.name,
        **_robot_fate(plan, robot, at, 0.5),
    )


def _alert_rows(plan: Plan, at: datetime, users: list[User]) -> Iterator[tuple]:
    """The parcel message that found a group's robot gone (failed), and the supervisors
    told once that it stopped working."""
    texts, rng = plan.texts, plan.rng
    robot = next(r for r in plan.robots if r.pk == plan.broken[0])
    facts = {"name": robot.name, "code": "93000", "detail": texts.robot_gone}
    label, _name, phone, kind = rng.choice(
        [house for n, house in enumerate(plan.houses) if plan.robots[plan.building_of[n]] is robot]
    )
    values = {
        "house": label,
        "courier": rng.choice(COURIERS),
        "tail": f"{rng.randrange(10_000):04d}",
        "shelf": f"{rng.choice('ABCD')}-{rng.randint(1, 8)}",
    }
    yield delivery_row(
        plan.site.pk,
        Channel.ROBOT,
        Audience.RESIDENT,
        State.FAILED,
        PARCEL,
        texts.parcel_subject,
        _parcel_text(values),
        at,
        params=json.dumps(values, ensure_ascii=False),
        robot_id=robot.pk,
        phone=phone if kind == "mobile" else "",
        name=robot.name,
        backend="wecom",
        code="93000",
        detail=texts.robot_gone,
    )
    for user in users:
        yield delivery_row(
            plan.site.pk,
            Channel.INBOX,
            Audience.STAFF,
            State.SENT,
            ROBOT_BROKEN,
            texts.broken_subject % facts,
            texts.broken_text % facts,
            at,
            link=f"/admin/channels/robot/{robot.pk}/change/",
            user_id=user.pk,
            name=user.get_full_name(),
            sent_at=at,
            backend="inbox",
            # Supervisors open such an alert the same day.
            read_at=at + timedelta(hours=2),
        )


def _inbox_events(inbox: Inbox, rng: random.Random, now: datetime) -> list[tuple]:
    """A year of one member of staff's inbox: (moment, 0, ("inbox", row maker)); the
    newest ``unread`` are unread, as are a few older ones nobody opened."""
    moments = sorted(_past_moment(rng, now, BENCH_DAYS) for _n in range(inbox.count))
    kinds, weights = zip(*INBOX_KINDS[inbox.role], strict=True)
    user = inbox.user
    name = user.get_full_name()
    events = []
    for number, at in enumerate(moments):
        subject, text, link = _staff_message(rng.choices(kinds, weights)[0], rng)
        unread = number >= inbox.count - inbox.unread or rng.random() < 0.002
        read_at = None if unread else min(at + timedelta(minutes=rng.expovariate(1 / 90)), now)

        def make(site_id, s=subject, t=text, lk=link, a=at, r=read_at):
            return delivery_row(
                site_id,
                Channel.INBOX,
                Audience.STAFF,
                State.SENT,
                NOTICE,
                s,
                t,
                a,
                link=lk,
                user_id=user.pk,
                name=name,
                sent_at=a,
                read_at=r,
                backend="inbox",
            )

        events.append((at, 0, ("inbox", make)))
    return events


def _demo_inboxes(context: SeedContext, scale: float) -> list[tuple[str, Counted]]:
    """The demo logins' inboxes at company scale, at their first site (the supervisor's
    shared between both demo sites); a login whose inbox is already that full is left."""
    streams = []
    rng = context.rng("channels", "demo-inboxes")
    for username, (count, unread) in DEMO_INBOX.items():
        user = context.users.get(username)
        sites = list(user.sites.order_by("id")[:2]) if user is not None else []
        if not sites:
            continue
        count, unread = _scaled(count, unread, scale)
        if Delivery.objects.inbox_of(user).count() >= count:
            continue
        role = username if username in INBOX_KINDS else "clerk"
        events = _inbox_events(Inbox(user, role, count, unread), rng, timezone.now())
        streams.append((f"{username}'s inbox ({unread} unread)", Counted(_spread(events, sites))))
    return streams


def _spread(events: list[tuple], sites: list[Site]) -> Iterator[tuple]:
    """An inbox's rows, from its sites in turn."""
    for n, (_at, _z, (_kind, make)) in enumerate(events):
        yield make(sites[n % len(sites)].pk)
