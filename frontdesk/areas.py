"""The desk's six areas, as the navigation and today's desk show them."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from frontdesk.roles import USE_DESK


@dataclass(frozen=True)
class Area:
    key: str
    label: Promise
    url_name: str
    icon: str
    description: Promise
    # None: every member of staff (department staff receive complaints and requests).
    permission: str | None
    # "module.function" giving the counts this area puts on today's desk, as a list of
    # DeskItem (site, user) -> list; asked for every user of the site, whatever the
    # area's permission (department staff see what was referred to them).
    desk_items: str | None = None


AREAS = (
    Area(
        "residents",
        _("Records lookup"),
        "residents:index",
        "bi-house-door",
        _("Find houses and residents, fees and arrears; log what was asked."),
        USE_DESK,
    ),
    Area(
        "visitors",
        _("Reception"),
        "visitors:index",
        "bi-person-badge",
        _("Register visitors, see who is on site, log inquiries, hand over parcels."),
        USE_DESK,
        "visitors.selectors.desk.desk_items",
    ),
    Area(
        "complaints",
        _("Complaints and suggestions"),
        "complaints:index",
        "bi-chat-left-text",
        _("Complaints, suggestions and repairs until the resident is satisfied."),
        None,
    ),
    Area(
        "notices",
        _("Notices"),
        "notices:index",
        "bi-megaphone",
        _("Draft, approve, print and deliver notices to residents."),
        USE_DESK,
    ),
    Area(
        "coordination",
        _("Coordination"),
        "coordination:index",
        "bi-diagram-3",
        _("Requests to departments, meetings, memos and shift handover."),
        None,
    ),
    Area(
        "admin_tasks",
        _("Desk admin"),
        "admin_tasks:index",
        "bi-clipboard-check",
        _("Filing register, equipment and environment checks, training."),
        USE_DESK,
    ),
)


def area(key: str) -> Area:
    return next(a for a in AREAS if a.key == key)
