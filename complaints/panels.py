"""What the complaints area shows on other areas' pages (a house's cases)."""

from frontdesk.areas import Panel


def house_panels(site, user, house) -> list[Panel]:
    return []
