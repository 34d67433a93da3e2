"""Demo data shared by every area: the two demo sites, their departments and the demo logins,
plus generators of realistic, deterministic Chinese names, phones and ID numbers.

Every area adds its own data through a ``seed_demo(context)`` function in its ``demo``
module (listed in the seed_demo command); each must be idempotent. For company scale
(``seed_demo --scale bench``) an area's ``seed_bench(context)`` adds its volume to the
further sites that ``bench_site_specs`` plans and ``seed_bench_sites`` puts in the context.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import DatabaseError, connection, transaction

from frontdesk import roles, services
from frontdesk.models import Department, Site, User
from frontdesk.personal import id_check_char

# Surnames weighted roughly by how common they are, so the busiest ones dominate lists
# the way they do in a real roll.
SURNAMES = (
    "王" * 10
    + "李" * 10
    + "张" * 9
    + "刘" * 8
    + "陈" * 7
    + "杨" * 5
    + "黄" * 4
    + "赵" * 4
    + "吴" * 3
    + "周" * 3
    + "徐" * 3
    + "孙" * 3
    + "马" * 2
    + "朱" * 2
    + "胡" * 2
    + "郭" * 2
    + "何" * 2
    + "高" * 2
    + "林" * 2
    + "罗" * 2
    + "郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石"
    "廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华玉萍红娥玲芬燕飞鹏辉宇浩"
    "俊峰建国志强海波晓东欣怡子涵梓轩一诺雨桐思远佳琪嘉懿文博宏伟春梅秀兰淑珍德明"
    "家豪雅婷诗涵浩然宇轩瑞霖晨曦若汐欣然梦琪天佑书瑶子墨"
)
MOBILE_PREFIXES = [
    "130",
    "131",
    "132",
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "153",
    "155",
    "156",
    "157",
    "158",
    "159",
    "166",
    "176",
    "177",
    "178",
    "180",
    "181",
    "182",
    "183",
    "185",
    "186",
    "187",
    "188",
    "189",
    "191",
    "198",
    "199",
]
# Region codes of Zhejiang and neighbouring provinces, where the demo sites are.
ID_REGIONS = ("330106", "330108", "330102", "330105", "330110", "320102", "340104", "360102")


def demo_password() -> str:
    return os.environ.get("DEMO_PASSWORD", "frontdesk-demo")


def person_name(rng: random.Random) -> str:
    given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2, 2))))
    return rng.choice(SURNAMES) + given


def mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def id_number(rng: random.Random, born_after: int = 1950, born_before: int = 2004) -> str:
    born = date(born_after, 1, 1) + timedelta(
        days=rng.randrange((date(born_before, 1, 1) - date(born_after, 1, 1)).days)
    )
    first17 = f"{rng.choice(ID_REGIONS)}{born:%Y%m%d}{rng.randrange(1000):03d}"
    return first17 + id_check_char(first17)


@dataclass(frozen=True)
class DemoSite:
    name: str
    address: str
    service_phone: str
    buildings: int
    units: int  # 0: the buildings have no entrances (单元)
    floors: int
    rooms_per_floor: int

    @property
    def houses(self) -> int:
        return self.buildings * max(self.units, 1) * self.floors * self.rooms_per_floor


DEMO_SITES = (
    DemoSite("翠湖花园", "杭州市西湖区文三路 188 号", "0571-88886601", 8, 2, 18, 2),
    DemoSite("锦绣华庭", "杭州市滨江区江南大道 1099 号", "0571-86692200", 6, 0, 12, 4),
)


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    role: str
    site_indexes: tuple[int, ...]
    department: str | None = None


DEMO_USERS = (
    DemoUser("clerk", "王丽", roles.CLERK, (0,)),
    DemoUser("clerk2", "刘芳", roles.CLERK, (1,)),
    DemoUser("supervisor", "陈静", roles.SUPERVISOR, (0, 1)),
    DemoUser("engineer", "赵强", roles.DEPARTMENT_STAFF, (0,), "工程部"),
)


@dataclass
class SeedContext:
    sites: list[Site]
    users: dict[str, User] = field(default_factory=dict)
    today: date = field(default_factory=date.today)
    # Company scale only: the sites beyond the demo ones and their specs (seed_bench_sites).
    bench: list[tuple[Site, DemoSite]] = field(default_factory=list)
    # Where an area reports progress; the command points it at its output.
    log: Callable[[str], None] = field(default=lambda message: None)

    def rng(self, *parts: object) -> random.Random:
        """A generator that gives the same values for the same parts on every run."""
        return random.Random("/".join(str(p) for p in parts))


@dataclass
class BenchTally:
    """What an area's seed_bench loaded: its rows summed over the sites, reported site by
    site, and how many sites it found already loaded and left as they were."""

    context: SeedContext
    # What an already loaded site already had, for the report: "records", "visits".
    what: str
    totals: dict[str, int] = field(default_factory=dict)
    skipped: int = 0

    def loaded(self, site: Site, counts: dict[str, int], started: float, summary: str) -> None:
        for kind, count in counts.items():
            self.totals[kind] = self.totals.get(kind, 0) + count
        self.context.log(f"    {site.name}: {summary} ({time.perf_counter() - started:.1f} s)")

    def done(self) -> dict[str, int]:
        if self.skipped:
            self.context.log(
                f"    {self.skipped} sites already had their {self.what}: left as they were"
            )
        return self.totals


@transaction.atomic
def seed_core() -> SeedContext:
    sites = []
    for spec in DEMO_SITES:
        site = Site.objects.filter(name=spec.name).first()
        if site is None:
            site = services.site_create(
                name=spec.name, address=spec.address, service_phone=spec.service_phone
            )
        sites.append(site)
    context = SeedContext(sites=sites)
    password = demo_password()
    for spec in DEMO_USERS:
        user, created = User.objects.get_or_create(username=spec.username)
        context.users[spec.username] = user
        if not created:
            # An account of that name is left exactly as it is: on a live database a
            # demo load must never reset a password, reactivate anyone or widen access.
            continue
        user.full_name = spec.full_name
        user.set_password(password)
        if spec.department:
            user.department = Department.objects.get(
                site=sites[spec.site_indexes[0]], name=spec.department
            )
        user.save()
        user.sites.set([sites[i] for i in spec.site_indexes])
        services.staff_set_role(user=user, role=spec.role)
    return context


# Company scale (seed_demo --scale bench): the demo sites plus further estates, a few busy
# ones and a long tail of quiet ones, the way a management company's portfolio looks.
BENCH_SITES = 50
BENCH_HOUSES = 100_000
# Each busy site's share of all houses: three big developer projects of 8,000-10,000 houses.
BENCH_BUSY_SHARES = (0.095, 0.088, 0.082)
# The quiet sites shrink geometrically from the largest to the smallest, this many times smaller.
BENCH_TAIL_SPREAD = 20

BENCH_SITE_NAMES = (
    # The busy sites first: the big developer projects.
    "阳光城·丽景湾",
    "碧桂园·凤凰城",
    "万科·城市花园",
    "金色家园",
    "绿城·桂语江南",
    "保利·香槟国际",
    "龙湖·春江郦城",
    "滨江·金色蓝庭",
    "华润·橡树湾",
    "中海·寰宇天下",
    "招商·雍景湾",
    "融创·玉兰公馆",
    "世茂·滨江花园",
    "金地·艺境",
    "旭辉·江山御",
    "新城·悦隽公馆",
    "紫金花园",
    "东方明珠苑",
    "桂花城",
    "翡翠城",
    "丹枫白露",
    "春晓苑",
    "玫瑰园",
    "西溪诚园",
    "湖畔花园",
    "望江公寓",
    "景湖苑",
    "和平里小区",
    "幸福里",
    "朝晖六区",
    "大关南苑",
    "文鼎苑",
    "香樟园",
    "蓝色钱江",
    "兰亭雅苑",
    "枫林晚苑",
    "钱塘明月",
    "梧桐苑",
    "南都花城",
    "嘉绿苑",
    "紫荆花园",
    "长岛花园",
    "丽水名都",
    "万象新天",
    "绿洲花园",
    "春江花月",
    "金都华庭",
    "颐和山庄",
    "碧水云天",
    "书香门第",
    "四季花城",
    "星河湾",
)
# (city, area code, district and road); Hangzhou, where the company started, most often.
BENCH_CITIES = (
    ("杭州市", "0571", ("西湖区文一西路", "拱墅区莫干山路", "上城区庆春路", "滨江区江南大道")),
    ("杭州市", "0571", ("余杭区文一西路", "钱塘区学林街", "萧山区市心中路", "西湖区天目山路")),
    ("上海市", "021", ("浦东新区张杨路", "徐汇区漕溪北路", "闵行区七莘路", "普陀区真北路")),
    ("南京市", "025", ("鼓楼区中山北路", "建邺区江东中路", "江宁区双龙大道")),
    ("苏州市", "0512", ("工业园区星湖街", "姑苏区人民路", "吴中区东吴北路")),
    ("宁波市", "0574", ("鄞州区天童南路", "海曙区中山西路")),
    ("合肥市", "0551", ("蜀山区长江西路", "包河区马鞍山路")),
    ("南昌市", "0791", ("红谷滩区赣江中大道", "东湖区八一大道")),
    ("福州市", "0591", ("鼓楼区五四路", "仓山区浦上大道")),
)
# Building shapes (units, floors, rooms per floor per unit) by size of estate: towers of
# 26-33 floors for the big projects, 小高层 for the middle, six-storey 多层 for the old ones.
BUSY_KINDS = ((3, 33, 2), (2, 32, 3), (3, 26, 3))
TOWER_KINDS = ((2, 33, 2), (2, 26, 2), (0, 32, 4), (3, 18, 2))
MID_KINDS = ((2, 18, 2), (2, 11, 2), (0, 18, 4), (3, 11, 2))
LOW_KINDS = ((2, 6, 2), (3, 6, 2), (0, 7, 3), (2, 7, 2))


def _kinds_for(houses: float) -> tuple[tuple[int, int, int], ...]:
    if houses >= 2500:
        return TOWER_KINDS
    return MID_KINDS if houses >= 800 else LOW_KINDS


def _per_building(kind: tuple[int, int, int]) -> int:
    units, floors, rooms = kind
    return max(units, 1) * floors * rooms


def _bench_name(index: int) -> str:
    rounds, position = divmod(index, len(BENCH_SITE_NAMES))
    base = BENCH_SITE_NAMES[position]
    return f"{base}{rounds + 1}期" if rounds else base


def _bench_site(name: str, kind: tuple[int, int, int], buildings: int) -> DemoSite:
    rng = random.Random(f"bench-site/{name}")
    city, area_code, roads = rng.choice(BENCH_CITIES)
    return DemoSite(
        name=name,
        address=f"{city}{rng.choice(roads)} {rng.randrange(1, 1500)} 号",
        service_phone=f"{area_code}-{rng.randrange(2 * 10**7, 9 * 10**7)}",
        buildings=buildings,
        units=kind[0],
        floors=kind[1],
        rooms_per_floor=kind[2],
    )


def bench_site_specs(
    total_houses: int = BENCH_HOUSES,
    site_count: int = BENCH_SITES,
    busy_shares: tuple[float, ...] = BENCH_BUSY_SHARES,
) -> list[DemoSite]:
    """The sites company scale adds to the demo ones, so that all ``site_count`` sites
    together hold ``total_houses`` houses (exactly, whenever two shapes can make up the
    rest): a few busy sites taking ``busy_shares`` of the houses, then a long tail.

    Deterministic: the same arguments give the same sites, and a name always gets the
    same address.
    """
    count = site_count - len(DEMO_SITES)
    busy_shares = busy_shares[:count]
    tail = count - len(busy_shares)
    rest = total_houses - sum(spec.houses for spec in DEMO_SITES)
    if count <= 0 or rest < count:
        raise ValueError("too few sites or houses for company scale")
    targets = [rest * share for share in busy_shares]
    tail_total = rest - sum(targets)
    if tail:
        ratio = (1 / BENCH_TAIL_SPREAD) ** (1 / max(tail - 1, 1))
        first = tail_total * (1 - ratio) / (1 - ratio**tail)
        targets += [first * ratio**k for k in range(tail)]

    specs: list[DemoSite] = []
    carry = 0.0  # houses owed to the later sites by the rounding of the earlier ones
    fixed = max(count - 2, 0)  # the last two are fitted to make the total exact
    for index, target in enumerate(targets[:fixed]):
        name = _bench_name(index)
        kinds = BUSY_KINDS if index < len(busy_shares) else _kinds_for(target)
        kind = random.Random(f"bench-kind/{name}").choice(kinds)
        buildings = max(1, round((target + carry) / _per_building(kind)))
        carry += target - buildings * _per_building(kind)
        specs.append(_bench_site(name, kind, buildings))
    remaining = rest - sum(spec.houses for spec in specs)
    last = range(fixed, count)
    shapes = _fit(remaining, [targets[index] for index in last])
    specs += [
        _bench_site(_bench_name(index), kind, buildings)
        for index, (kind, buildings) in zip(last, shapes, strict=True)
    ]
    return specs


def _fit(remaining: int, targets: list[float]) -> list[tuple[tuple[int, int, int], int]]:
    """Shapes of the last one or two sites that make up exactly ``remaining`` houses if
    possible, staying close to their targets; else the closest."""
    options: dict[int, tuple[tuple[int, int, int], int]] = {}
    for kind in LOW_KINDS + MID_KINDS + TOWER_KINDS:
        for buildings in range(1, 200):
            options.setdefault(buildings * _per_building(kind), (kind, buildings))

    def miss(houses: int, target: float) -> float:
        return abs(houses - target) / max(target, 1)

    if len(targets) == 1:
        best = min(options, key=lambda h: (abs(h - remaining), miss(h, targets[0])))
        return [options[best]]
    pairs = [(a, remaining - a) for a in options if remaining - a in options]
    if pairs:
        a, b = min(pairs, key=lambda p: miss(p[0], targets[0]) + miss(p[1], targets[1]))
    else:
        a = min(options, key=lambda h: miss(h, targets[0]))
        b = min(options, key=lambda h: abs(h - (remaining - a)))
    return [options[a], options[b]]


@transaction.atomic
def seed_bench_sites(context: SeedContext, specs: list[DemoSite]) -> None:
    """Create the company-scale sites (or find them, when already there) into context.bench.

    The supervisor oversees every site, as the contract says of company scale too."""
    existing = {s.name: s for s in Site.objects.filter(name__in=[spec.name for spec in specs])}
    for spec in specs:
        site = existing.get(spec.name) or services.site_create(
            name=spec.name, address=spec.address, service_phone=spec.service_phone
        )
        context.bench.append((site, spec))
    supervisor = context.users.get("supervisor")
    if supervisor is not None:
        supervisor.sites.add(*(site for site, _ in context.bench))


@contextmanager
def bench_transaction() -> Iterator[None]:
    """A transaction for one site's company-scale rows, which skips checking each row's
    foreign keys, as pg_restore --disable-triggers does.

    Safe because the generators refer only to rows they have just written, under ids
    reserved up front; and worth it, because checking some fifteen million references one
    by one takes 40 % of the load. Needs a role allowed to set session_replication_role
    (the superuser of a development database is); without one the rows are checked as
    usual, only slower. Unique and check constraints hold either way."""
    with transaction.atomic():
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = replica")
        except DatabaseError:
            unchecked = False
        else:
            unchecked = True
        yield
        if unchecked:
            # Checking again before the end: this may be part of a larger transaction.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = DEFAULT")


# The bench sites have no clerks of their own: one inactive account stands for their
# desks (see bench_clerk).
BENCH_CLERK = "bench_reception"


def bench_clerk() -> User:
    """The account the company-scale rows name as registering clerk.

    Not the demo supervisor: the rows protect the user they name from deletion, and a
    million visits would tie a real login to the bench for good. Not one clerk per site
    either: fifty logins nobody uses. One account, never able to log in (inactive, no
    password, no site), keeps the bench's rows apart from everyone's."""
    user, created = User.objects.get_or_create(
        username=BENCH_CLERK, defaults={"full_name": "前台（测试数据）", "is_active": False}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def share_out(total: int, weights: list[int]) -> list[int]:
    """``total`` split in proportion to ``weights``, exactly (largest remainders)."""
    whole = sum(weights)
    if not whole:
        return [0] * len(weights)
    exact = [total * w / whole for w in weights]
    shares = [int(x) for x in exact]
    by_remainder = sorted(range(len(weights)), key=lambda i: exact[i] - shares[i], reverse=True)
    for i in by_remainder[: total - sum(shares)]:
        shares[i] += 1
    return shares
