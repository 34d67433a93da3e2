"""Demo data shared by every area: the two demo sites, their departments and the demo logins,
plus generators of realistic, deterministic Chinese names, phones and ID numbers.

Every area adds its own data through a ``seed_demo(context)`` function in its ``demo``
module (listed in the seed_demo command); each must be idempotent.
"""

from __future__ import annotations

import os
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction

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

    def rng(self, *parts: object) -> random.Random:
        """A generator that gives the same values for the same parts on every run."""
        return random.Random("/".join(str(p) for p in parts))


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
        user, _ = User.objects.get_or_create(username=spec.username)
        user.full_name = spec.full_name
        user.is_active = True
        user.set_password(password)
        if spec.department:
            user.department = Department.objects.get(
                site=sites[spec.site_indexes[0]], name=spec.department
            )
        user.save()
        user.sites.set([sites[i] for i in spec.site_indexes])
        services.staff_set_role(user=user, role=spec.role)
        context.users[spec.username] = user
    return context
