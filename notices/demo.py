"""Demo data of notices: each demo site's templates, a request from management, and notices
in every state, made through the services and back-dated step by step (every service
takes ``now``), so their timelines are the real ones: a draft, one waiting for approval,
one sent back, one approved, published ones (one urgent, published directly by the
supervisor), one corrected by a second version, an expired one and a withdrawn one.

Company scale adds 2,000 notices (for 100,000 houses) over the last year across the
further sites, with their timelines (``seed_bench``), and where they were posted and how
often their QR codes were opened (notices.demo_postings); their deliveries come with that
step.

Posting: each demo site's locations, the copies of its notices on them with one board
still waiting for the fee notice, copies of ended notices still up, and opens
(notices.demo_postings).
"""

from __future__ import annotations

import random
import time
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from frontdesk.demo import SeedContext
from frontdesk.models import Department, Site, User
from notices import demo_postings
from notices.models import Notice, NoticeTemplate, NoticeType
from notices.rendering import SITE, fill_placeholders
from notices.services import drafts, versions, workflow
from notices.services.expiry import notices_expire
from notices.services.types import notice_types_create_defaults
from notices.states import State
from residents.models import Building

# (name, type, urgent, title, body): the common notices of a property desk.
TEMPLATES = [
    (
        "停水通知",
        "停水停电",
        False,
        "{小区}停水通知",
        "尊敬的各位业主、住户：\n\n因供水管道检修，{小区}**{楼栋}**将于 **{日期} {时间段}** "
        "暂停供水。\n\n请提前做好储水准备：\n\n- 停水期间请关闭家中水龙头，以免来水时跑水；\n"
        "- 恢复供水初期水质可能浑浊，请放水片刻后再使用。\n\n给您带来的不便，敬请谅解！",
    ),
    (
        "停电通知",
        "停水停电",
        False,
        "{小区}停电通知",
        "尊敬的各位业主、住户：\n\n因供电线路检修，{楼栋}将于 **{日期} {时间段}** 停电，"
        "电梯同时停运。\n\n1. 请提前关闭家用电器电源；\n2. 停电期间请勿乘坐电梯；\n"
        "3. 如有老人、病人需要帮助，请联系物业服务中心。\n\n感谢您的理解与支持！",
    ),
    (
        "电梯维保",
        "维修安排",
        False,
        "{楼栋}电梯维护保养通知",
        "尊敬的业主：\n\n为保障电梯安全运行，{楼栋}电梯将于 **{日期} {时间段}** 进行例行维护保养，"
        "期间暂停使用，请您合理安排出行。",
    ),
    (
        "物业费缴费提醒",
        "缴费通知",
        False,
        "{小区}物业费缴费通知",
        "尊敬的业主：\n\n本年度物业服务费已开始收取，请于 **{日期}** 前缴纳。\n\n"
        "| 缴费方式 | 说明 |\n|---|---|\n| 物业服务中心 | 现金、刷卡、扫码 |\n"
        "| 线上缴费 | 物业公众号“生活缴费” |\n\n逾期未缴将产生滞纳金，感谢您的配合！",
    ),
    (
        "社区活动",
        "社区活动",
        False,
        "{小区}社区活动通知",
        "亲爱的业主朋友们：\n\n{小区}将于 **{日期} {时间段}** 在中心花园举办社区活动，"
        "欢迎大家踊跃参加！\n\n- 活动现场设有亲子游戏和义诊服务\n- 请自带水杯，爱护环境",
    ),
]


def day(d) -> str:
    """12月5日, as notices say a date."""
    return f"{d.month}月{d.day}日"


def _type(site: Site, name: str) -> NoticeType:
    return NoticeType.objects.get(site=site, name=name)


def _templates(site: Site) -> None:
    rows = [
        NoticeTemplate(
            site=site,
            name=name,
            type=_type(site, type_name),
            urgent=urgent,
            title=title,
            body=body,
            sort_order=index,
        )
        for index, (name, type_name, urgent, title, body) in enumerate(TEMPLATES)
    ]
    NoticeTemplate.objects.bulk_create(rows, ignore_conflicts=True)


def _from_template(site: Site, name: str, **values: str) -> dict:
    template = NoticeTemplate.objects.get(site=site, name=name)
    filled = {SITE: site.name, **values}
    return {
        "type": template.type,
        "template": template,
        "urgent": template.urgent,
        "title": fill_placeholders(template.title, filled),
        "body": fill_placeholders(template.body, filled),
    }


def seed_demo(context: SeedContext) -> None:
    supervisor = context.users.get("supervisor")
    clerks = [context.users.get("clerk"), context.users.get("clerk2")]
    for index, site in enumerate(context.sites):
        with transaction.atomic():
            notice_types_create_defaults(site=site)
            _templates(site)
            # Already seeded (or notices drafted there since): nothing is redone.
            if Notice.objects.filter(site=site).exists():
                continue
            clerk = (clerks[index] if index < len(clerks) else None) or supervisor
            if clerk is None or supervisor is None:
                continue
            _seed_site(site, clerk, supervisor, timezone.now())
    # Whatever the demo left published past its last day.
    notices_expire()
    # Where they are posted (after the expiry: a copy goes up only on a notice in force).
    for index, site in enumerate(context.sites):
        clerk = (clerks[index] if index < len(clerks) else None) or supervisor
        if clerk is not None:
            with transaction.atomic():
                demo_postings.seed_site(
                    site, clerk, context.rng("notices", "postings", site.name), timezone.now()
                )


def _seed_site(site: Site, clerk: User, boss: User, now: datetime) -> None:
    today = timezone.localdate(now)
    buildings = list(Building.objects.for_site(site).order_by("number")[:3])
    issuer = f"{site.name}物业服务中心"

    def draft(ago: timedelta, starts: int, lasts: int, **fields):
        fields.setdefault("issuer", issuer)
        return drafts.notice_create(
            site=site,
            user=clerk,
            effective_from=today + timedelta(days=starts),
            expires_on=today + timedelta(days=starts + lasts),
            now=now - ago,
            **fields,
        )

    def approved(notice, ago: timedelta):
        workflow.notice_submit(site=site, user=clerk, notice=notice, now=now - ago)
        return workflow.notice_approve(
            site=site, user=boss, notice=notice, now=now - ago + timedelta(minutes=40)
        )

    engineering = Department.objects.filter(site=site, kind=Department.Kind.ENGINEERING).first()
    request = drafts.notice_request_create(
        site=site,
        user=clerk,
        requested_by="工程部 张经理",
        department=engineering,
        via="phone",
        content="下周二上午 9:00–12:00 3栋、5栋二次供水水箱清洗，需停水，请提前通知住户。",
        wanted_on=today + timedelta(days=2),
        now=now - timedelta(hours=3),
    )
    audience = (
        {"audience": Notice.Audience.BUILDINGS, "buildings": buildings[:2]} if buildings else {}
    )
    chosen = "、".join(b.label for b in buildings[:2]) or "全体楼栋"

    # A draft from management's request, still being written.
    draft(
        timedelta(hours=2),
        5,
        1,
        request=request,
        **_from_template(site, "停水通知", 楼栋=chosen, 日期=day(today + timedelta(days=5))),
        **audience,
    )
    # Waiting for the supervisor.
    lift = draft(
        timedelta(hours=5),
        3,
        1,
        **_from_template(
            site, "电梯维保", 楼栋=chosen, 日期=day(today + timedelta(days=3)), 时间段="14:00–16:00"
        ),
        **audience,
    )
    workflow.notice_submit(site=site, user=clerk, notice=lift, now=now - timedelta(hours=4))
    # Sent back: the time was missing.
    power = draft(
        timedelta(days=1),
        4,
        1,
        **_from_template(site, "停电通知", 楼栋=chosen, 日期=day(today + timedelta(days=4))),
    )
    workflow.notice_submit(site=site, user=clerk, notice=power, now=now - timedelta(hours=23))
    workflow.notice_send_back(
        site=site,
        user=boss,
        notice=power,
        comment="请补充具体停电时间段，并注明电梯停运。",
        now=now - timedelta(hours=22),
    )
    # Approved, waiting to be published.
    event = draft(
        timedelta(days=2),
        6,
        1,
        **_from_template(
            site, "社区活动", 日期=day(today + timedelta(days=6)), 时间段="9:00–11:30"
        ),
    )
    approved(event, timedelta(days=1, hours=20))
    # Published: the fee notice, in force for a month.
    fees = draft(
        timedelta(days=6),
        -5,
        30,
        **_from_template(site, "物业费缴费提醒", 日期=day(today + timedelta(days=25))),
    )
    approved(fees, timedelta(days=5, hours=23))
    workflow.notice_publish(site=site, user=clerk, notice=fees, now=now - timedelta(days=5))
    # Urgent, published directly by the supervisor.
    burst = draft(
        timedelta(hours=6),
        0,
        1,
        type=NoticeType.objects.get(site=site, name="紧急通知"),
        urgent=True,
        title="紧急停水通知",
        body=(
            "尊敬的业主：\n\n因小区主供水管突发爆裂，抢修期间**全小区停水**，"
            "预计今日 18:00 前恢复。\n\n给您带来不便，敬请谅解！"
        ),
    )
    workflow.notice_publish_now(
        site=site,
        user=boss,
        notice=burst,
        comment="情况紧急，直接发布。",
        now=now - timedelta(hours=5, minutes=50),
    )
    # Corrected: version 1 said the wrong day; version 2 replaces it.
    wrong = draft(
        timedelta(days=3),
        1,
        2,
        **_from_template(
            site, "电梯维保", 楼栋=chosen, 日期=day(today + timedelta(days=1)), 时间段="9:00–11:00"
        ),
        **audience,
    )
    approved(wrong, timedelta(days=2, hours=23))
    workflow.notice_publish(site=site, user=clerk, notice=wrong, now=now - timedelta(days=2))
    fixed = versions.notice_new_version(
        site=site, user=clerk, notice=wrong, now=now - timedelta(days=1, hours=3)
    )
    drafts.notice_update(
        site=site,
        user=clerk,
        notice=fixed,
        type=fixed.type,
        title=fixed.title,
        body=fixed.body.replace("9:00–11:00", "13:00–15:00"),
        issuer=fixed.issuer,
        effective_from=fixed.effective_from,
        expires_on=fixed.expires_on,
        urgent=fixed.urgent,
        **audience,
        now=now - timedelta(days=1, hours=2),
    )
    approved(fixed, timedelta(days=1, hours=1))
    workflow.notice_publish(site=site, user=clerk, notice=fixed, now=now - timedelta(days=1))
    # Expired last week.
    old = draft(
        timedelta(days=20),
        -20,
        10,
        **_from_template(site, "社区活动", 日期=day(today - timedelta(days=12)), 时间段="19:00"),
    )
    approved(old, timedelta(days=19, hours=22))
    workflow.notice_publish(site=site, user=clerk, notice=old, now=now - timedelta(days=19))
    # Withdrawn: the works were postponed.
    postponed = draft(
        timedelta(days=4),
        2,
        1,
        **_from_template(
            site, "停电通知", 楼栋=chosen, 日期=day(today + timedelta(days=2)), 时间段="8:00–12:00"
        ),
    )
    approved(postponed, timedelta(days=3, hours=22))
    workflow.notice_publish(site=site, user=clerk, notice=postponed, now=now - timedelta(days=3))
    workflow.notice_withdraw(
        site=site,
        user=boss,
        notice=postponed,
        reason="供电局通知检修延期，另行通知。",
        now=now - timedelta(days=1, hours=6),
    )


# --- Company scale ----------------------------------------------------------------------

# For every 100,000 houses (frontdesk.demo.BENCH_HOUSES): a year of notices.
BENCH_NOTICES = 2_000
BENCH_DAYS = 365
BENCH_TITLES = [
    (
        "停水停电",
        "{楼栋}停水通知",
        "因供水管道检修，{楼栋}将于{日期} 9:00–17:00 停水，请提前储水。",
    ),
    (
        "停水停电",
        "{楼栋}停电通知",
        "因供电线路检修，{楼栋}将于{日期} 8:00–12:00 停电，电梯同时停运。",
    ),
    ("维修安排", "{楼栋}电梯维护保养通知", "{楼栋}电梯将于{日期}进行例行维护保养，期间暂停使用。"),
    ("缴费通知", "物业费缴费通知", "本年度物业服务费已开始收取，请于{日期}前缴纳。"),
    ("社区活动", "社区活动通知", "{日期}在中心花园举办社区活动，欢迎踊跃参加！"),
    ("温馨提示", "防火安全温馨提示", "请勿在楼道堆放杂物，电动车请勿进楼充电。"),
]


def seed_bench(context: SeedContext) -> dict[str, int]:
    """Company scale: a year of notices at every site of context.bench, proportional to
    its houses (2,000 at full scale), with their timelines; most published then expired,
    some in force, a few withdrawn or still being written. One transaction per site; a
    site that already has notices is left as it is. Written with bulk inserts: the
    volume is small."""
    from frontdesk.demo import (
        BENCH_HOUSES,
        DEMO_SITES,
        BenchTally,
        bench_clerk,
        bench_transaction,
        share_out,
    )

    sizes = [spec.houses for _site, spec in context.bench]
    all_houses = sum(sizes) + sum(spec.houses for spec in DEMO_SITES)
    counts = share_out(round(BENCH_NOTICES * all_houses / BENCH_HOUSES), sizes)
    clerk = bench_clerk()
    tally = BenchTally(context, "notices")
    now = timezone.now()
    for index, (site, _spec) in enumerate(context.bench):
        if Notice.objects.filter(site=site).exists():
            tally.skipped += 1
            continue
        started = time.perf_counter()
        with bench_transaction():
            notice_types_create_defaults(site=site)
            written = seed_site_bench(
                site, counts[index], clerk, context.rng("notices", site.name), now
            )
        tally.loaded(
            site,
            written,
            started,
            f"{written['notices']:,} notices, {written['notice events']:,} timeline entries",
        )
    # Where they are posted: a pass of its own, so that a database loaded before posting
    # existed gets its boards too (a site that has locations is left as it is).
    for site, _spec in context.bench:
        started = time.perf_counter()
        with bench_transaction():
            written = demo_postings.seed_site_bench(
                site, clerk, context.rng("notices", "postings", site.name), now
            )
        if written["posting locations"]:
            tally.loaded(
                site,
                written,
                started,
                f"{written['posting locations']:,} posting locations, "
                f"{written['postings']:,} postings, {written['notice opens']:,} days of opens",
            )
    # Each published notice's messages to its buildings' groups: a pass of its own, so a
    # database loaded before they were seeded gets them (a site that has them is left).
    for site, _spec in context.bench:
        started = time.perf_counter()
        with bench_transaction():
            written = seed_groups_bench(site, context.rng("notices", "groups", site.name))
        if written["deliveries"]:
            tally.loaded(site, written, started, f"{written['deliveries']:,} group messages")
    # What the busiest site's outage reached (the reach panel's bench case): a pass of
    # its own too, so a database loaded before deliveries were seeded gets them.
    if context.bench:
        site, _spec = max(context.bench, key=lambda pair: pair[1].houses)
        started = time.perf_counter()
        with bench_transaction():
            written = seed_reach_bench(site, clerk, context.rng("notices", "reach", site.name))
        if written["deliveries"]:
            tally.loaded(
                site,
                written,
                started,
                f"{written['deliveries']:,} deliveries, {written['notice recipients']:,} "
                "recipients of one outage",
            )
    return tally.done()


def reach_bench_notice(site: Site) -> Notice | None:
    """The notice whose reach the bench measures: the site's latest published notice to
    the whole site of a type that is texted (an outage), else its latest to the site."""
    published = Notice.objects.for_site(site).filter(
        state=State.PUBLISHED, audience=Notice.Audience.SITE
    )
    return (
        published.filter(type__sms=True).order_by("-published_at", "-id").first()
        or published.order_by("-published_at", "-id").first()
    )


def seed_reach_bench(site: Site, clerk: User, rng: random.Random) -> dict[str, int]:
    """The deliveries and recipients of ``reach_bench_notice`` as publishing writes them
    (notices.services.delivery: one bulk write per channel), then what became of them:
    most groups and texts sent, a few failed, so nothing is left for a sender to send.
    The site's other notices get none: the panel's cost is the one notice's."""
    from frontdesk.channels.demo import sms_templates
    from frontdesk.channels.models import Delivery
    from notices.models import NoticeRecipient
    from notices.selectors.reach import notice_deliveries
    from notices.services.delivery import notice_published

    notice = reach_bench_notice(site)
    if notice is None or not notice.type.sms:
        # The random year left no outage in force for the whole site: one is published
        # now, so that the panel and publishing are measured with every owner texted.
        notice = bench_outage(site, clerk)
    # The texts go through the site's approved template (the channels' seeding writes
    # it too, but after the areas'). Texts written before it was there were all skipped:
    # they are written again.
    sms_templates(site)
    untemplated = notice_deliveries(notice).filter(code="no_template")
    if untemplated.exists():
        NoticeRecipient.objects.filter(notice=notice).delete()
        notice_deliveries(notice).delete()
    if notice_deliveries(notice).exists():
        return {"deliveries": 0, "notice recipients": 0}
    notice = Notice.objects.select_related("site", "type").get(pk=notice.pk)
    notice_published(notice, user=clerk, now=timezone.now())
    rows = notice_deliveries(notice).filter(state=Delivery.State.PENDING)
    ids = list(rows.values_list("pk", flat=True))
    failed = set(rng.sample(ids, len(ids) // 20))  # one in twenty refused by the provider
    Delivery.objects.filter(pk__in=failed).update(state=Delivery.State.FAILED, code="40058")
    rows.exclude(pk__in=failed).update(state=Delivery.State.SENT, sent_at=timezone.now())
    return {
        "deliveries": notice_deliveries(notice).count(),
        "notice recipients": NoticeRecipient.objects.filter(notice=notice).count(),
    }


def seed_groups_bench(site: Site, rng: random.Random) -> dict[str, int]:
    """The message each published notice of the site sent its audience buildings'
    residents' groups, as publishing writes them (notices.services.delivery: one per
    robot, a skipped row for a building without one), at the moment it was published;
    nearly all sent. Not the texts: the channels' year of messages holds their volume,
    and the busiest site's outage has its own (seed_reach_bench). The outage measured
    there is left to it."""
    from django.contrib.contenttypes.models import ContentType

    from frontdesk.bulk import copy_rows
    from frontdesk.channels.demo import COLUMNS, delivery_row
    from frontdesk.channels.models import Delivery
    from notices.services.delivery import excerpt, group_name

    kind = ContentType.objects.get_for_model(Notice)
    told = Delivery.objects.filter(site=site, about_type=kind, channel=Delivery.Channel.ROBOT)
    reach = reach_bench_notice(site)
    if told.exclude(about_id=str(reach.pk) if reach else "").exists():
        return {"deliveries": 0}
    notices = (
        Notice.objects.filter(site=site, published_at__isnull=False)
        .exclude(pk=reach.pk if reach else None)
        .select_related("type")
        .prefetch_related("buildings__group_robot")
    )
    every = list(
        Building.objects.filter(site=site).select_related("group_robot").order_by("number")
    )
    with translation.override("zh-hans"):
        # As the channels word it, stored as a request would store it.
        no_robot = gettext("No group robot is configured for this group.")
    rows = []
    for notice in notices:
        buildings = (
            list(notice.buildings.all()) if notice.audience == Notice.Audience.BUILDINGS else every
        )
        subject, text = f"【{notice.type.name}】{notice.title}"[:200], excerpt(notice.body)
        seen: set[int] = set()
        for building in buildings:
            robot = building.group_robot
            if robot is not None and robot.pk in seen:
                continue
            if robot is not None:
                seen.add(robot.pk)
                fate = ("sent", "", "") if rng.random() > 0.02 else ("failed", "93000", "")
            else:
                fate = ("skipped", "no_robot", no_robot)
            at = notice.published_at
            rows.append(
                delivery_row(
                    site.pk,
                    Delivery.Channel.ROBOT,
                    Delivery.Audience.RESIDENT,
                    fate[0],
                    "notice",
                    subject,
                    text,
                    at,
                    link=notice.public_path,
                    robot_id=robot.pk if robot else None,
                    name=robot.name if robot else group_name(building),
                    attempts=1 if robot else 0,
                    sent_at=at + timedelta(seconds=rng.randint(2, 90))
                    if fate[0] == "sent"
                    else None,
                    backend="wecom" if robot else "",
                    code=fate[1],
                    detail=fate[2],
                    urgent=notice.urgent,
                    about_type_id=kind.pk,
                    about_id=str(notice.pk),
                )
            )
    return {"deliveries": copy_rows(Delivery, COLUMNS, rows)}


def bench_outage(site: Site, clerk: User) -> Notice:
    """A water outage for the whole site, published now (its deliveries are written by
    the caller, as publishing writes them)."""
    now, today = timezone.now(), timezone.localdate()
    return Notice.objects.create(
        site=site,
        type=NoticeType.objects.get(site=site, name="停水停电"),
        title="全体停水通知",
        body="因二次供水设施检修，明日 9:00–17:00 全小区停水，请提前储水。",
        issuer=f"{site.name}物业服务中心",
        state=State.PUBLISHED,
        audience=Notice.Audience.SITE,
        effective_from=today,
        expires_on=today + timedelta(days=3),
        created_by=clerk,
        updated_by=clerk,
        submitted_by=clerk,
        submitted_at=now,
        approved_by=clerk,
        approved_at=now,
        published_by=clerk,
        published_at=now,
    )


def seed_site_bench(
    site: Site, total: int, clerk: User, rng: random.Random, now: datetime
) -> dict[str, int]:
    """``total`` notices of the site over the last BENCH_DAYS days, with their timelines
    and, for a third of them, the buildings they are for."""
    from notices.models import NoticeEvent

    types = {t.name: t for t in NoticeType.objects.filter(site=site)}
    buildings = list(Building.objects.filter(site=site).order_by("number"))
    if not total:
        return {"notices": 0, "notice events": 0}
    today = timezone.localdate(now)
    issuer = f"{site.name}物业服务中心"
    rows, plans = [], []
    for _ in range(total):
        created = now - timedelta(seconds=rng.random() * BENCH_DAYS * 86400)
        starts = timezone.localdate(created) + timedelta(days=rng.randint(1, 5))
        ends = starts + timedelta(days=rng.choice([1, 2, 3, 7, 14, 30]))
        kind, title, body = rng.choice(BENCH_TITLES)
        chosen = rng.sample(buildings, min(len(buildings), rng.randint(1, 3))) if buildings else []
        building_names = "、".join(b.label for b in chosen) or "全体楼栋"
        values = {SITE: site.name, "楼栋": building_names, "日期": day(starts)}
        recent = (now - created).days < 3
        roll = rng.random()
        if recent and roll < 0.5:
            state = rng.choice([State.DRAFT, State.SUBMITTED, State.APPROVED])
        elif roll < 0.03:
            state = State.WITHDRAWN
        else:
            state = State.PUBLISHED if ends >= today else State.EXPIRED
        published = created + timedelta(hours=2) if state in PUBLISHED_ONCE else None
        rows.append(
            Notice(
                site=site,
                type=types[kind],
                title=fill_placeholders(title, values),
                body=fill_placeholders(body, values),
                issuer=issuer,
                urgent=kind == "停水停电" and rng.random() < 0.1,
                state=state,
                audience=Notice.Audience.BUILDINGS if chosen and "{楼栋}" in title else "site",
                effective_from=starts,
                expires_on=ends,
                created_by=clerk,
                created_at=created,
                updated_by=clerk,
                updated_at=published or created,
                submitted_by=clerk if state != State.DRAFT else None,
                submitted_at=created + timedelta(minutes=10) if state != State.DRAFT else None,
                approved_by=clerk if published or state == State.APPROVED else None,
                approved_at=created + timedelta(hours=1)
                if published or state == State.APPROVED
                else None,
                published_by=clerk if published else None,
                published_at=published,
                ended_at=datetime.combine(ends + timedelta(days=1), datetime.min.time(), now.tzinfo)
                if state == State.EXPIRED
                else None,
                withdrawn_by=clerk if state == State.WITHDRAWN else None,
                withdrawn_at=created + timedelta(minutes=30) if state == State.WITHDRAWN else None,
                withdraw_reason="计划取消" if state == State.WITHDRAWN else "",
            )
        )
        plans.append(chosen)
    notices = Notice.objects.bulk_create(rows, batch_size=1000)
    through = Notice.buildings.through
    through.objects.bulk_create(
        [
            through(notice_id=n.pk, building_id=b.pk)
            for n, chosen in zip(notices, plans, strict=True)
            if n.audience == Notice.Audience.BUILDINGS
            for b in chosen
        ],
        batch_size=5000,
    )
    events = [event for n in notices for event in _bench_events(n)]
    NoticeEvent.objects.bulk_create(events, batch_size=5000)
    return {"notices": len(notices), "notice events": len(events)}


PUBLISHED_ONCE = {State.PUBLISHED, State.EXPIRED}


def _bench_events(notice: Notice) -> list:
    """The timeline a notice in its state has had (by the bench's clerk)."""
    from notices.models import NoticeEvent

    kind = NoticeEvent.Kind
    steps = [(kind.CREATED, "", State.DRAFT, notice.created_at)]
    if notice.submitted_at:
        steps.append((kind.SUBMITTED, State.DRAFT, State.SUBMITTED, notice.submitted_at))
    if notice.approved_at:
        steps.append((kind.APPROVED, State.SUBMITTED, State.APPROVED, notice.approved_at))
    if notice.published_at:
        steps.append((kind.PUBLISHED, State.APPROVED, State.PUBLISHED, notice.published_at))
    if notice.state == State.EXPIRED:
        steps.append((kind.EXPIRED, State.PUBLISHED, State.EXPIRED, notice.ended_at))
    if notice.state == State.WITHDRAWN:
        at = notice.created_at + timedelta(minutes=30)
        steps.append((kind.WITHDRAWN, State.DRAFT, State.WITHDRAWN, at))
    return [
        NoticeEvent(
            notice=notice,
            at=at,
            by=None if event == kind.EXPIRED else notice.created_by,
            kind=event,
            from_state=before,
            to_state=after,
        )
        for event, before, after, at in steps
    ]
