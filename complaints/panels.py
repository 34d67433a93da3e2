"""What the complaints area shows on other areas' pages: a house's cases, with "record a
case" for the house and for each of its residents."""

from __future__ import annotations

from complaints.selectors.case_page import house_cases
from frontdesk.areas import Panel
from frontdesk.models import Site, User
from frontdesk.roles import USE_DESK
from residents.models import House


def house_panels(site: Site, user: User, house: House) -> list[Panel]:
    if not user.has_perm(USE_DESK):
        return []
    # The house's page has read its occupants already (house_detail prefetches them).
    occupancies = getattr(house, "current_occupancies", None) or []
    return [
        Panel(
            "complaints/_case_house.html",
            {
                "house": house,
                "cases": house_cases(house),
                "residents": [o.resident for o in occupancies],
            },
        )
    ]
