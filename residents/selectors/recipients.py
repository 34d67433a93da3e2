"""Who at a house or in a building a message reaches, as the channels name them.

Areas send to residents through these, so that "the household" means the same thing
everywhere: the people living there now (moved_out empty), owners first.
"""

from __future__ import annotations

from frontdesk.channels.recipients import GroupRobot, ResidentPhone
from residents.models import Building, House, Occupancy


def household_phones(house: House, *, name: str = "") -> list[ResidentPhone]:
    """The resident named (a parcel's label) if they live there; else the owners living
    there; else everyone living there."""
    occupancies = list(
        Occupancy.objects.filter(house=house, moved_out__isnull=True)
        .select_related("resident")
        .order_by("relation", "id")
    )
    people = [o.resident for o in occupancies]
    named = [r for r in people if name and r.name == name.strip()]
    owners = [o.resident for o in occupancies if o.relation == Occupancy.Relation.OWNER]
    chosen = named or owners or people
    return [
        ResidentPhone(phone=r.phone, name=f"{r.name}（{house.label}）", no_sms=r.no_sms)
        for r in chosen
    ]


def building_group(building: Building, *, mention: str = "") -> GroupRobot:
    """The building's residents' group; with `mention`, that mobile is @-ed in it."""
    return GroupRobot(
        building.group_robot,
        name=f"{building.label}业主群",
        mention=(mention,) if mention else (),
    )
