"""Roster import, the writes: keep an uploaded file, then save every row of it or nothing.

The flow is upload → preview → confirm. ``roster_upload`` refuses files that cannot be read
at all (not a spreadsheet, empty, missing columns, too big) and keeps the rest in a
RosterImport, with the check the preview shows (reading a large file takes seconds, so the
preview does not read it again); ``roster_recheck`` checks the stored file again on request
(so a residents file whose houses were missing imports once the houses are in);
``roster_import`` re-reads it once more inside the transaction that writes, so what is
saved is exactly what was checked.
Reading and checking the file is residents.roster's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from frontdesk.models import Site, User
from residents.models import Bill, Building, House, Occupancy, Payment, Resident, RosterImport
from residents.roster.files import MAX_FILE_SIZE
from residents.roster.parse import RosterResult, roster_parse
from residents.roster.specs import Item, Kind, identity
from residents.search import name_search_keys
from residents.selectors.roster import stored_data
from residents.services.allocations import bills_settle, houses_allocate, houses_lock
from residents.services.search_keys import residents_reindex

BATCH = 2000


class RosterImportRefused(Exception):
    """The confirm saved nothing; the message says why, in the user's language."""


def _save_houses(site: Site, items: list[Item]) -> None:
    buildings = {b.number: b for b in Building.objects.for_site(site)}
    top_floor: dict[int, int] = defaultdict(int)
    for item in items:
        number = item.values["house_key"][0]
        top_floor[number] = max(top_floor[number], item.values["floor"])
    Building.objects.bulk_create(
        Building(site=site, number=n, floors=max(f, 1))
        for n, f in top_floor.items()
        if n not in buildings
    )
    buildings = {b.number: b for b in Building.objects.for_site(site)}
    for number, floors in top_floor.items():
        buildings[number].floors = max(buildings[number].floors, floors)
    Building.objects.bulk_update([buildings[n] for n in top_floor], ["floors"], batch_size=BATCH)

    new, changed = [], []
    for item in items:
        v = item.values
        house = v["house"] or House(
            site=site,
            building=buildings[v["house_key"][0]],
            unit=v["house_key"][1],
            room=v["house_key"][2],
        )
        house.floor = v["floor"]
        # A blank cell keeps what the house already has (or the model's default).
        for name in ("floor_area", "use", "status"):
            if v[name] is not None:
                setattr(house, name, v[name])
        (changed if house.pk else new).append(house)
    House.objects.bulk_create(new, batch_size=BATCH)
    House.objects.bulk_update(changed, ["floor", "floor_area", "use", "status"], batch_size=BATCH)


def _save_residents(site: Site, items: list[Item]) -> None:
    people: dict[tuple[str, str], Resident] = {}
    new, changed = [], {}
    for item in items:
        v = item.values
        key = identity(v)
        resident = people.get(key) or v["resident"]
        if resident is None:
            pinyin, initials = name_search_keys(v["name"])
            resident = Resident(
                site=site,
                name=v["name"],
                name_pinyin=pinyin,
                name_initials=initials,
                phone=v["phone"],
            )
            new.append(resident)
        elif resident.pk:
            changed[resident.pk] = resident
        people[key] = resident
        # One owner may be listed once per house: later rows fill in what earlier left blank.
        for name in ("phone2", "id_number"):
            if v[name]:
                setattr(resident, name, v[name])
    Resident.objects.bulk_create(new, batch_size=BATCH)
    Resident.objects.bulk_update(changed.values(), ["phone2", "id_number"], batch_size=BATCH)
    Occupancy.objects.bulk_create(
        (
            Occupancy(
                house=item.values["house"],
                resident=people[identity(item.values)],
                relation=item.values["relation"],
                moved_in=item.values["moved_in"],
            )
            for item in items
        ),
        batch_size=BATCH,
        ignore_conflicts=True,  # already recorded: the import adds what is missing
    )
    residents_reindex(resident_ids=[r.pk for r in people.values()])


def _save_bills(site: Site, items: list[Item]) -> None:
    def bill(v):
        return Bill(
            site=site,
            house=v["house"],
            kind=v["kind"],
            period=v["period"],
            amount=v["amount"],
            due_date=v["due_date"],
            paid_amount=v["paid_amount"] or 0,
        )

    # Houses first, as every allocation does, before their bills are written.
    houses_lock(site=site, house_ids={i.values["house"].pk for i in items})
    # A blank 已收金额 keeps what was already paid on an existing bill.
    with_paid = [bill(i.values) for i in items if i.values["paid_amount"] is not None]
    without_paid = [bill(i.values) for i in items if i.values["paid_amount"] is None]
    for bills, fields in (
        (with_paid, ["amount", "due_date", "paid_amount"]),
        (without_paid, ["amount", "due_date"]),
    ):
        Bill.objects.bulk_create(
            bills,
            batch_size=BATCH,
            update_conflicts=True,
            unique_fields=["house", "kind", "period"],
            update_fields=fields,
        )
    # Squared with the payments already allocated to them; credit pays the new bills.
    bills_settle(site=site, bill_ids=[b.pk for b in with_paid + without_paid])


def _save_payments(site: Site, items: list[Item]) -> None:
    houses = houses_lock(site=site, house_ids={i.values["house"].pk for i in items})
    # Made in the file's order, so that payments of one day are allocated in that order,
    # as the preview showed them (residents.roster.specs.PaymentsSpec).
    Payment.objects.bulk_create(
        (
            Payment(
                site=site,
                house=i.values["house"],
                bill=i.values["bill"],
                paid_on=i.values["paid_on"],
                amount=i.values["amount"],
                unallocated=i.values["amount"],
                method=i.values["method"],
                receipt_no=i.values["receipt_no"],
            )
            for i in items
        ),
        batch_size=BATCH,
    )
    houses_allocate(site=site, house_ids=houses)


# What a confirmed file of each kind writes, from its checked rows.
SAVES: dict[str, Callable[[Site, list[Item]], None]] = {
    Kind.HOUSES: _save_houses,
    Kind.RESIDENTS: _save_residents,
    Kind.BILLS: _save_bills,
    Kind.PAYMENTS: _save_payments,
}


def roster_upload(
    *, site: Site, user: User, kind: str, upload: UploadedFile
) -> tuple[RosterImport | None, RosterResult]:
    """Keep a readable file for its preview; an unreadable one is refused, nothing saved."""
    data = upload.read(MAX_FILE_SIZE + 1)
    result = roster_parse(site=site, kind=kind, data=data)
    if result.file_error:
        return None, result
    roster = RosterImport(
        site=site,
        kind=kind,
        # The name the uploader's computer gave the file, not typed at the desk: an
        # over-long one keeps its end (the extension), since the sheet itself is what counts.
        original_name=(upload.name or "")[-200:],
        uploaded_by=user,
        row_count=result.total,
        error_count=result.error_rows,
        preview=result.summary(),
    )
    roster.file.save(upload.name or "roster", ContentFile(data), save=False)
    roster.save()
    return roster, result


def roster_recheck(*, site: Site, pk: int) -> RosterImport:
    """Check a previewed file again against the records as they are now, and keep that."""
    roster = RosterImport.objects.for_site(site).get(pk=pk)
    if roster.status != RosterImport.Status.PREVIEWED:
        return roster
    result = roster_parse(site=site, kind=roster.kind, data=stored_data(roster))
    roster.preview = result.summary()
    roster.row_count, roster.error_count = result.total, result.error_rows
    # Conditional: a confirm that got there first keeps its counts.
    RosterImport.objects.filter(pk=roster.pk, status=RosterImport.Status.PREVIEWED).update(
        preview=roster.preview, row_count=roster.row_count, error_count=roster.error_count
    )
    return roster


def roster_import(*, site: Site, pk: int) -> RosterImport:
    """Save every row of a previewed file, or nothing; a second confirm imports nothing."""
    try:
        with transaction.atomic():
            # The lock makes a double click or a second tab wait, then find it imported.
            roster = RosterImport.objects.for_site(site).select_for_update().get(pk=pk)
            if roster.status != RosterImport.Status.PREVIEWED:
                raise RosterImportRefused(_("This file has already been imported."))
            result = roster_parse(site=site, kind=roster.kind, data=stored_data(roster))
            if result.file_error:
                raise RosterImportRefused(result.file_error)
            if not result.ok:
                raise RosterImportRefused(
                    _(
                        "Nothing was imported: %(count)s rows have errors. Correct them in the "
                        "file and upload it again."
                    )
                    % {"count": result.error_rows}
                )
            SAVES[roster.kind](site, result.items)
            roster.status = RosterImport.Status.IMPORTED
            roster.imported_at = timezone.now()
            roster.row_count, roster.error_count = result.total, 0
            roster.preview = None  # the page shows the import now, not the check
            roster.save(
                update_fields=["status", "imported_at", "row_count", "error_count", "preview"]
            )
    except IntegrityError as exc:
        # Someone changed the same records meanwhile (say, the same receipt number).
        raise RosterImportRefused(
            _("The records changed while importing, so nothing was saved. Please try again.")
        ) from exc
    return roster
