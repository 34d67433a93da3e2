"""Demo buildings, houses and residents for the demo sites (see frontdesk.demo)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.db import transaction

from frontdesk.demo import DEMO_SITES, DemoSite, SeedContext, id_number, mobile, person_name
from frontdesk.models import Site
from residents.models import Building, House, Occupancy, Resident
from residents.services import name_search_keys


@transaction.atomic
def seed_demo(context: SeedContext) -> None:
    for site, spec in zip(context.sites, DEMO_SITES, strict=True):
        # Already seeded: the data is deterministic, so there is nothing to redo.
        if not Building.objects.filter(site=site).exists():
            _seed_site(context, site, spec)


def _seed_site(context: SeedContext, site: Site, spec: DemoSite) -> None:
    rng = context.rng("residents", site.name)
    buildings = Building.objects.bulk_create(
        Building(site=site, number=n, floors=spec.floors) for n in range(1, spec.buildings + 1)
    )
    houses = []
    for building in buildings:
        for unit in range(1, spec.units + 1) if spec.units else (0,):
            for floor in range(1, spec.floors + 1):
                for position in range(1, spec.rooms_per_floor + 1):
                    status = rng.choices(list(House.Status), weights=(70, 16, 9, 5), k=1)[0]
                    houses.append(
                        House(
                            site=site,
                            building=building,
                            unit=unit,
                            floor=floor,
                            room=f"{floor}{position:02d}",
                            floor_area=Decimal(rng.choice((89, 96, 118, 126, 143)))
                            + Decimal(rng.randrange(100)) / 100,
                            status=status,
                        )
                    )
    houses = House.objects.bulk_create(houses)

    residents: list[Resident] = []
    ties: list[tuple[int, int, str]] = []  # (house index, resident index, relation)

    def person(with_id: bool = False) -> int:
        name = person_name(rng)
        pinyin, initials = name_search_keys(name)
        # A few residents left no phone: the data-quality page lists them.
        phone = "" if rng.random() < 0.03 else mobile(rng)
        residents.append(
            Resident(
                site=site,
                name=name,
                name_pinyin=pinyin,
                name_initials=initials,
                phone=phone,
                id_number=id_number(rng) if with_id and rng.random() < 0.4 else "",
            )
        )
        return len(residents) - 1

    owners: list[int] = []
    for index, house in enumerate(houses):
        # One owner in twenty holds a second house in the same site.
        if owners and rng.random() < 0.05:
            owner = rng.choice(owners)
        else:
            owner = person(with_id=True)
            owners.append(owner)
        ties.append((index, owner, Occupancy.Relation.OWNER))
        if house.status == House.Status.OWNER_OCCUPIED:
            for _ in range(rng.choice((0, 1, 1, 2, 3))):
                ties.append((index, person(), Occupancy.Relation.FAMILY))
        elif house.status == House.Status.RENTED:
            for _ in range(rng.choice((1, 1, 2))):
                ties.append((index, person(), Occupancy.Relation.TENANT))

    residents = Resident.objects.bulk_create(residents)
    Occupancy.objects.bulk_create(
        Occupancy(
            house=houses[h],
            resident=residents[r],
            relation=relation,
            moved_in=context.today - timedelta(days=rng.randrange(30, 3650)),
        )
        for h, r, relation in ties
    )
