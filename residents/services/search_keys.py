"""The lookup's keys of a resident, rebuilt after every change to them."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from frontdesk.bulk import copy_rows
from residents.models import Resident, SearchTerm, Vehicle
from residents.search import name_search_keys, terms_for


@transaction.atomic
def residents_reindex(*, resident_ids: Iterable[int]) -> None:
    """Rebuild the lookup keys (and pinyin) of these residents after any change to them.

    A roster import reindexes tens of thousands at once: pinyin is written with one
    bulk update and the keys with COPY, not row by row.
    """
    ids = list(resident_ids)
    residents = list(Resident.objects.filter(pk__in=ids))
    plates: dict[int, list[str]] = {}
    for resident_id, plate in Vehicle.objects.filter(resident__in=ids).values_list(
        "resident_id", "plate"
    ):
        plates.setdefault(resident_id, []).append(plate)
    renamed = []
    for resident in residents:
        pinyin, initials = name_search_keys(resident.name)
        if (resident.name_pinyin, resident.name_initials) != (pinyin, initials):
            resident.name_pinyin, resident.name_initials = pinyin, initials
            renamed.append(resident)
    Resident.objects.bulk_update(renamed, ["name_pinyin", "name_initials"], batch_size=2000)
    SearchTerm.objects.filter(resident__in=ids).delete()
    copy_rows(
        SearchTerm,
        ["site_id", "resident_id", "term", "kind", "offset"],
        (
            (r.site_id, r.pk, term, kind, offset)
            for r in residents
            for term, kind, offset in terms_for(r.name, [r.phone, r.phone2], plates.get(r.pk, []))
        ),
    )
