"""Every write to the records: houses, residents, vehicles, their search keys, requests."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from frontdesk.models import Department, Site, User
from residents.models import House, RecordRequest, Resident, SearchTerm, Vehicle
from residents.search import name_search_keys, terms_for


def search_terms_of(resident: Resident, plates: Iterable[str] = ()) -> list[SearchTerm]:
    return [
        SearchTerm(site_id=resident.site_id, resident_id=resident.pk, term=t, kind=k, offset=o)
        for t, k, o in terms_for(resident.name, [resident.phone, resident.phone2], list(plates))
    ]


@transaction.atomic
def residents_reindex(*, resident_ids: Iterable[int]) -> None:
    """Rebuild the lookup keys (and pinyin) of these residents after any change to them."""
    ids = list(resident_ids)
    residents = list(Resident.objects.filter(pk__in=ids))
    plates: dict[int, list[str]] = {}
    for resident_id, plate in Vehicle.objects.filter(resident__in=ids).values_list(
        "resident_id", "plate"
    ):
        plates.setdefault(resident_id, []).append(plate)
    for resident in residents:
        pinyin, initials = name_search_keys(resident.name)
        if (resident.name_pinyin, resident.name_initials) != (pinyin, initials):
            resident.name_pinyin, resident.name_initials = pinyin, initials
            resident.save(update_fields=["name_pinyin", "name_initials"])
    SearchTerm.objects.filter(resident__in=ids).delete()
    SearchTerm.objects.bulk_create(
        term for r in residents for term in search_terms_of(r, plates.get(r.pk, ()))
    )


@transaction.atomic
def record_request_create(
    *,
    site: Site,
    user: User,
    question: str,
    answer: str = "",
    asker_kind: str = RecordRequest.Asker.RESIDENT,
    asker_name: str = "",
    channel: str = RecordRequest.Channel.IN_PERSON,
    house: House | None = None,
    resident: Resident | None = None,
    referred_to: Department | None = None,
) -> RecordRequest:
    for obj in (house, resident, referred_to):
        if obj is not None and obj.site_id != site.pk:
            raise ValueError("object of another site")
    return RecordRequest.objects.create(
        site=site,
        created_by=user,
        question=question,
        answer=answer,
        asker_kind=asker_kind,
        asker_name=asker_name,
        channel=channel,
        house=house,
        resident=resident,
        referred_to=referred_to,
    )
