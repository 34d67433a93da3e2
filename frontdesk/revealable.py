"""Which fields hold personal data that screens mask, and how each is masked.

Each area declares its fields (``Area.personal_fields`` in its ``area.py``); templates
render them with ``{% masked obj "field" %}``, the full value is only sent by the reveal
view, which logs it, and admin forms showing them log the opening (frontdesk.admin).
"""

from collections.abc import Callable
from functools import cache

from frontdesk.areas import all_areas
from frontdesk.personal import mask_id_number, mask_phone

PHONE = mask_phone
ID_NUMBER = mask_id_number


# The core's own: the phone a message was sent to (the delivery log, a parcel's page).
CORE_FIELDS = {"channels.delivery": {"phone": PHONE}}


@cache
def _fields() -> dict[str, dict[str, Callable[[str], str]]]:
    found: dict[str, dict[str, Callable[[str], str]]] = {k: dict(v) for k, v in CORE_FIELDS.items()}
    for area in all_areas():
        for label, fields in area.personal_fields.items():
            found.setdefault(label.lower(), {}).update(fields)
    return found


def masker(label: str, field: str) -> Callable[[str], str] | None:
    return _fields().get(label, {}).get(field)


def fields_of(label: str) -> dict[str, Callable[[str], str]]:
    """A model's personal fields ("residents.resident") and their maskers."""
    return dict(_fields().get(label, {}))
