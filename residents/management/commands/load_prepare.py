"""Prepare the load test (``make load``): its clerks, and real lookup terms for them to type.

The clerks (loadclerk01, …) work at the busiest site only, the one the benchmark measures.
Each Locust user logs in as its own clerk: login lockout and the session's cached sites
and permissions are per user, so fifty sessions of one account would test less than a
desk of fifty clerks. The terms, house ids and phones are the site's own, so every lookup
finds something; they are written to loadtest/data.json, which git ignores (it holds
residents' phone digits).
"""

import json
import random
from pathlib import Path

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from frontdesk import roles, services
from frontdesk.bench import busiest_site
from frontdesk.demo import demo_password
from frontdesk.models import User
from residents.models import House, Resident
from residents.search import name_syllables

SAMPLE = 300  # residents and houses to draw the terms from: enough that caches don't flatter


def prefixes(text: str, start: int = 1) -> list[str]:
    """What the box holds after each keystroke: "zhang" → z, zh, zha, zhan, zhang."""
    return [text[:i] for i in range(start, len(text) + 1)]


def typings_of(resident: Resident, house: House | None) -> list[list[str]]:
    """The ways a clerk looks this resident up, each as the box fills while typing."""
    found = []
    syllables = name_syllables(resident.name)
    if syllables:
        found.append(prefixes(syllables[0]))  # the surname's pinyin: z, zh, zha, zhang
        found.append(prefixes("".join(s[0] for s in syllables)))  # initials: z, zs, zsf
    if resident.name:
        found.append(prefixes(resident.name))  # the IME commits whole characters: 张, 张宇
    digits = "".join(c for c in resident.phone if c.isdigit())
    if len(digits) >= 4:
        found.append(prefixes(digits[-4:]))  # the phone's last four digits
    if house is not None:
        code = f"{house.building.number}-{house.unit}-{house.room}" if house.unit else ""
        code = code or f"{house.building.number}-{house.room}"
        found.append(prefixes(code))  # 3-2-1201
        found.append(prefixes(house.room))  # 1201 alone
    return found


class Command(BaseCommand):
    help = (
        "Create the load test's clerks (loadclerk01 …) at the busiest site and write "
        "loadtest/data.json with that site's lookup terms, house ids and phone digits."
    )

    def add_arguments(self, parser):
        parser.add_argument("--clerks", type=int, default=50)
        parser.add_argument(
            "--output", default=str(Path(settings.BASE_DIR) / "loadtest" / "data.json")
        )

    def handle(self, *args, clerks, output, **options):
        site = busiest_site()
        if site is None:
            raise CommandError("The database holds no site: run seed_demo first.", returncode=2)
        usernames = [f"loadclerk{i:02d}" for i in range(1, clerks + 1)]
        with transaction.atomic():
            self.clerks_set(usernames, site)
        data = self.terms(site)
        data.update(site=site.name, usernames=usernames)
        Path(output).parent.mkdir(parents=True, exist_ok=True)
        Path(output).write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        self.stdout.write(
            f"{len(usernames)} load clerks at {site.name}; {len(data['typings'])} typings, "
            f"{len(data['houses'])} houses written to {output}"
        )

    def clerks_set(self, usernames: list[str], site) -> None:
        for username in usernames:
            user, _created = User.objects.get_or_create(
                username=username, defaults={"full_name": f"压测{username[-2:]}"}
            )
            user.sites.set([site])
            services.staff_set_role(user=user, role=roles.CLERK)
        # One hash for all (hashing fifty times would take half a minute); set every run,
        # so a changed DEMO_PASSWORD or a deactivated account never fails the run's logins.
        User.objects.filter(username__in=usernames).update(
            password=make_password(demo_password()), is_active=True
        )
        # An account locked by an earlier, broken run would refuse every login of this one.
        AccessAttempt.objects.filter(username__in=usernames).delete()

    def terms(self, site) -> dict:
        # A fixed seed: runs are comparable, yet the terms are spread over the whole site.
        rng = random.Random(20260101)
        house_ids = list(House.objects.filter(site=site).values_list("id", flat=True))
        houses = rng.sample(house_ids, min(SAMPLE, len(house_ids)))
        resident_ids = list(Resident.objects.filter(site=site).values_list("id", flat=True))
        picked = rng.sample(resident_ids, min(SAMPLE, len(resident_ids)))
        residents = Resident.objects.filter(id__in=picked).prefetch_related(
            "occupancies__house__building"
        )
        typings = []
        for resident in residents:
            occupancy = next(iter(resident.occupancies.all()), None)
            typings += typings_of(resident, occupancy.house if occupancy else None)
        return {"houses": houses, "typings": typings}
