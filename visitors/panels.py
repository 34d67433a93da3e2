"""What reception shows on other areas' pages (frontdesk.areas.Panel): a house's page
lists the questions asked about it, with the form to record another, and the parcels
waiting for it at the desk — the resident at the counter is told at once."""

from __future__ import annotations

from frontdesk.areas import Panel
from frontdesk.models import Site, User
from frontdesk.roles import USE_DESK
from residents.models import House
from visitors.forms.inquiries import InquiryForm
from visitors.selectors.inquiries import house_inquiries
from visitors.selectors.parcels import house_parcels_waiting


def house_panels(site: Site, user: User, house: House) -> list[Panel]:
    if not user.has_perm(USE_DESK):
        return []
    return [
        Panel(
            "visitors/_house_parcels.html",
            {"parcels": house_parcels_waiting(house), "house": house},
        ),
        Panel(
            "visitors/_house_inquiries.html",
            {
                "form": InquiryForm(site=site, initial={"house": house}),
                "inquiries": house_inquiries(house),
            },
        ),
    ]
