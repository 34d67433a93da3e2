"""Which fields hold personal data that screens mask, and how each is masked.

An app registers its fields here (in its AppConfig.ready) and templates render them with
``{% masked obj "field" %}``; the full value is only sent by the reveal view, which logs it.
"""

from collections.abc import Callable

from django.db import models

from frontdesk.personal import mask_id_number, mask_phone

_FIELDS: dict[str, dict[str, Callable[[str], str]]] = {}

PHONE = mask_phone
ID_NUMBER = mask_id_number


def register(model: type[models.Model], **fields: Callable[[str], str]) -> None:
    _FIELDS.setdefault(model._meta.label_lower, {}).update(fields)


def masker(label: str, field: str) -> Callable[[str], str] | None:
    return _FIELDS.get(label, {}).get(field)
