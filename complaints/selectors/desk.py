"""What the complaints area puts on today's desk and on "waiting on me"."""

from frontdesk.areas import DeskItem
from frontdesk.models import Site, User


def desk_items(site: Site, user: User) -> list[DeskItem]:
    return []


def waiting_on(site: Site, user: User) -> list[DeskItem]:
    return []
