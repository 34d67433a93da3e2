"""Who a notice is for, as rows the later steps join: the houses and buildings of its
audience (for the deliveries and the reach panel), and the choices the draft form offers.

Each function returns an unevaluated queryset of one statement, so a delivery step of
10,000 households reads them in one pass (or inserts from them with INSERT … SELECT).
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from frontdesk.models import Site
from notices.models import Notice, NoticeEntrance
from residents.models import Building, House


def audience_houses(notice: Notice) -> QuerySet[House]:
    """Every house the notice is for (its site's, its buildings', entrances' or own)."""
    houses = House.objects.filter(site_id=notice.site_id)
    if notice.audience == Notice.Audience.BUILDINGS:
        return houses.filter(building__audience_notices=notice)
    if notice.audience == Notice.Audience.ENTRANCES:
        return houses.filter(
            Exists(
                NoticeEntrance.objects.filter(
                    notice=notice, building_id=OuterRef("building_id"), unit=OuterRef("unit")
                )
            )
        )
    if notice.audience == Notice.Audience.HOUSES:
        return houses.filter(audience_notices=notice)
    return houses


def audience_buildings(notice: Notice) -> QuerySet[Building]:
    """Every building with a house of the audience (whose group robot is to be told)."""
    buildings = Building.objects.filter(site_id=notice.site_id)
    if notice.audience == Notice.Audience.SITE:
        return buildings
    if notice.audience == Notice.Audience.BUILDINGS:
        return buildings.filter(audience_notices=notice)
    return buildings.filter(Exists(audience_houses(notice).filter(building_id=OuterRef("pk"))))


def building_choices(site: Site) -> QuerySet[Building]:
    return Building.objects.for_site(site).order_by("number")


def entrance_choices(site: Site) -> list[tuple[str, str]]:
    """The site's entrances (单元) as ("<building id>:<unit>", "3栋2单元"), from its houses:
    a building without entrances (unit 0) has none."""
    rows = (
        House.objects.for_site(site)
        .filter(unit__gt=0)
        .values_list("building_id", "building__number", "building__name", "unit")
        .distinct()
        .order_by("building__number", "unit")
    )
    return [
        (f"{building_id}:{unit}", f"{name or f'{number}栋'}{unit}单元")
        for building_id, number, name, unit in rows
    ]


def audience_summary(notice: Notice) -> str:
    """“全体住户”, or the chosen buildings, entrances or houses, for the page and the poster
    (the notice is read with notice_detail, which fetches these rows)."""
    if notice.audience == Notice.Audience.BUILDINGS:
        return "、".join(b.label for b in notice.buildings.all())
    if notice.audience == Notice.Audience.ENTRANCES:
        return "、".join(str(e) for e in notice.entrances.all())
    if notice.audience == Notice.Audience.HOUSES:
        return "、".join(h.label for h in notice.houses.all())
    return str(notice.get_audience_display())
