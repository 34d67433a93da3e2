"""The four kinds of roster file: their columns, each row's checks (alone and against the
database) and its preview. What a confirmed file writes is residents.services.roster's.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from frontdesk.models import Site
from frontdesk.personal import canonical_phone, mask_id_number, mask_phone
from residents.allocation import Money, OpenBill, plan
from residents.models import Bill, House, Occupancy, Payment, Resident, RosterImport
from residents.roster.files import cell_text
from residents.roster.rows import (
    AMOUNT,
    AMOUNT_DUE,
    AREA,
    BUILDING,
    DUE_DATE,
    FEE,
    FEES,
    FLOOR,
    FLOOR_RE,
    ID_NUMBER,
    METHOD,
    METHODS,
    MOVED_IN,
    NAME,
    PAID,
    PAID_ON,
    PERIOD,
    PHONE,
    PHONE2,
    RECEIPT,
    RELATION,
    RELATIONS,
    ROOM,
    STATUS,
    STATUSES,
    UNIT,
    USE,
    USES,
    Row,
    house_code,
    label,
)

Kind = RosterImport.Kind


@dataclass
class Item:
    row: Row
    values: dict


class Spec:
    kind: str
    columns: tuple[str, ...]
    optional: frozenset[str] = frozenset()

    def preview_columns(self) -> list[str]:
        """Titles of the preview table, matching ``display``."""
        raise NotImplementedError

    @property
    def required(self) -> list[str]:
        return [c for c in self.columns if c not in self.optional]

    @property
    def optional_columns(self) -> list[str]:
        return [c for c in self.columns if c in self.optional]

    def clean(self, row: Row) -> dict | None:
        raise NotImplementedError

    def resolve(self, site: Site, items: list[Item]) -> None:
        """Checks that need the database; a fixed number of queries whatever the rows."""

    def display(self, values: dict) -> list[str]:
        raise NotImplementedError


def site_houses(site: Site) -> dict[tuple[int, int, str], House]:
    return {
        (h.building.number, h.unit, h.room): h
        for h in House.objects.for_site(site).select_related("building")
    }


def check_houses_exist(site: Site, items: list[Item]) -> None:
    houses = site_houses(site)
    for item in items:
        house = houses.get(item.values["house_key"])
        if house is None:
            item.row.error(
                _("Row %(row)s: there is no house %(value)s here; import the houses first."),
                value=house_code(item.values["house_key"]),
            )
        item.values["house"] = house


def check_unique(items: list[Item], key, message: str) -> None:
    first_seen: dict = {}
    for item in items:
        k = key(item.values)
        if not k or (isinstance(k, tuple) and None in k):
            continue  # a blank or bad key has its own error already
        if k in first_seen:
            item.row.error(message, first=first_seen[k])
        else:
            first_seen[k] = item.row.number


def action(new: bool) -> str:
    return _("New") if new else _("Update")


def money(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.2f}"


class HousesSpec(Spec):
    kind = Kind.HOUSES
    columns = (BUILDING, UNIT, FLOOR, ROOM, AREA, USE, STATUS)
    optional = frozenset({UNIT, AREA})

    def preview_columns(self):
        return [_("House"), FLOOR, AREA, USE, STATUS, _("Action")]

    def clean(self, row):
        key = row.house_key()
        floor = row.integer(
            FLOOR,
            FLOOR_RE,
            _("Row %(row)s: %(column)s “%(value)s” is not a floor number."),
            required=False,
        )
        if not cell_text(row.raw(FLOOR)) and key:
            if key[2].isdigit() and len(key[2]) >= 3:
                floor = int(key[2][:-2])  # a blank floor reads off the room: 1201 is on 12
            else:
                row.error(_("Row %(row)s: %(column)s is required."), FLOOR)
        values = {
            "house_key": key,
            "floor": floor,
            "floor_area": row.decimal(
                AREA, _("Row %(row)s: %(column)s “%(value)s” is not a number."), below=10**6
            ),
            "use": row.choice(USE, USES),
            "status": row.choice(STATUS, STATUSES),
        }
        return values if key else None

    def resolve(self, site, items):
        check_unique(
            items,
            lambda v: v["house_key"],
            _("Row %(row)s: this house already appears in row %(first)s."),
        )
        houses = site_houses(site)
        for item in items:
            item.values["house"] = houses.get(item.values["house_key"])

    def display(self, v):
        house = v["house"]
        return [
            house.label if house else house_code(v["house_key"]),
            str(v["floor"]),
            money(v["floor_area"]),
            label(USES, v["use"]),
            label(STATUSES, v["status"]),
            action(house is None),
        ]


class ResidentsSpec(Spec):
    kind = Kind.RESIDENTS
    columns = (BUILDING, UNIT, ROOM, NAME, PHONE, PHONE2, ID_NUMBER, RELATION, MOVED_IN)
    optional = frozenset({UNIT, PHONE2, ID_NUMBER, MOVED_IN})

    def preview_columns(self):
        return [_("House"), NAME, PHONE, PHONE2, ID_NUMBER, RELATION, MOVED_IN, _("Action")]

    def clean(self, row):
        values = {
            "house_key": row.house_key(),
            "name": row.text(NAME, required=True, max_length=50),
            # A person is (name, phone); without a phone, (name, house): a child with
            # no phone of their own must not block the file, nor merge two 张伟.
            "phone": row.phone(PHONE),
            "phone2": row.phone(PHONE2),
            "id_number": row.id_number(ID_NUMBER),
            "relation": row.choice(RELATION, RELATIONS, required=True),
            "moved_in": row.date(MOVED_IN),
        }
        return values if values["house_key"] else None

    def resolve(self, site, items):
        check_houses_exist(site, items)
        existing = self.existing(site, items)
        for item in items:
            item.values["resident"] = existing.get(identity(item.values))

    @staticmethod
    def existing(site: Site, items) -> dict[tuple, Resident]:
        phones = {item.values["phone"] for item in items if item.values["phone"]}
        # Landlines imported before phones were written one way may be stored without
        # their dash (057188886601): found in that form too, and known by the one form.
        stored = phones | {phone.replace("-", "") for phone in phones}
        houses = {
            item.values["house"].pk
            for item in items
            if not item.values["phone"] and item.values.get("house")
        }
        found: dict[tuple, Resident] = {}
        for resident in Resident.objects.for_site(site).filter(phone__in=stored).order_by("-id"):
            phone = canonical_phone(resident.phone)
            found[("phone", resident.name, phone)] = resident  # the oldest wins
        occupants = (
            Occupancy.objects.filter(house__in=houses, resident__phone="")
            .select_related("resident")
            .order_by("-resident_id")
        )
        for occupancy in occupants:
            found[("house", occupancy.resident.name, occupancy.house_id)] = occupancy.resident
        return found

    def display(self, v):
        house = v["house"]
        return [
            house.label if house else house_code(v["house_key"]),
            v["name"],
            mask_phone(v["phone"]),
            mask_phone(v["phone2"]),
            mask_id_number(v["id_number"]),
            label(RELATIONS, v["relation"]),
            v["moved_in"].isoformat() if v["moved_in"] else "",
            _("Existing resident") if v["resident"] else _("New resident"),
        ]


def identity(values: dict) -> tuple:
    """Who a resident row is: name and phone, or name and house when there is no phone."""
    if values["phone"]:
        return ("phone", values["name"], values["phone"])
    house = values.get("house")
    return ("house", values["name"], house.pk if house else None)


class BillsSpec(Spec):
    kind = Kind.BILLS
    columns = (BUILDING, UNIT, ROOM, FEE, PERIOD, AMOUNT_DUE, DUE_DATE, PAID)
    optional = frozenset({UNIT, PAID})

    def preview_columns(self):
        return [_("House"), FEE, PERIOD, AMOUNT_DUE, DUE_DATE, PAID, _("Action")]

    def clean(self, row):
        values = {
            "house_key": row.house_key(),
            "kind": row.choice(FEE, FEES, required=True),
            "period": row.month(PERIOD, required=True),
            "amount": row.amount(AMOUNT_DUE, required=True),
            "due_date": row.date(DUE_DATE, required=True),
            "paid_amount": row.amount(PAID),
        }
        amount, paid = values["amount"], values["paid_amount"]
        if amount is not None and paid is not None and paid > amount:
            row.error(_("Row %(row)s: %(column)s is more than the amount due."), PAID, paid)
        return values if values["house_key"] else None

    def resolve(self, site, items):
        check_houses_exist(site, items)
        check_unique(
            items,
            lambda v: (v["house_key"], v["kind"], v["period"]),
            _("Row %(row)s: this bill already appears in row %(first)s."),
        )
        periods = {item.values["period"] for item in items}
        existing = set(
            Bill.objects.for_site(site)
            .filter(period__in=periods)
            .values_list("house_id", "kind", "period")
        )
        for item in items:
            v = item.values
            v["exists"] = (
                v["house"] is not None and (v["house"].pk, v["kind"], v["period"]) in existing
            )

    def display(self, v):
        house = v["house"]
        return [
            house.label if house else house_code(v["house_key"]),
            label(FEES, v["kind"]),
            f"{v['period']:%Y-%m}" if v["period"] else "",
            money(v["amount"]),
            v["due_date"].isoformat() if v["due_date"] else "",
            money(v["paid_amount"]),
            action(not v["exists"]),
        ]


class PaymentsSpec(Spec):
    kind = Kind.PAYMENTS
    columns = (BUILDING, UNIT, ROOM, PAID_ON, AMOUNT, METHOD, RECEIPT, FEE, PERIOD)
    optional = frozenset({UNIT, FEE, PERIOD})

    def preview_columns(self):
        return [_("House"), PAID_ON, AMOUNT, METHOD, RECEIPT, _("Bill named"), _("Allocation")]

    def clean(self, row):
        values = {
            "house_key": row.house_key(),
            "paid_on": row.date(PAID_ON, required=True),
            "amount": row.amount(AMOUNT, required=True, positive=True),
            "method": row.choice(METHOD, METHODS, required=True),
            "receipt_no": row.text(RECEIPT, required=True, max_length=40),
            "kind": row.choice(FEE, FEES),
            "period": row.month(PERIOD),
        }
        if bool(cell_text(row.raw(FEE))) != bool(cell_text(row.raw(PERIOD))):
            row.error(
                _("Row %(row)s: to pay a bill give both %(column)s, or neither."),
                f"{FEE}、{PERIOD}",
            )
        return values if values["house_key"] else None

    def resolve(self, site, items):
        check_houses_exist(site, items)
        check_unique(
            items,
            lambda v: v["receipt_no"],
            _("Row %(row)s: this receipt number already appears in row %(first)s."),
        )
        receipts = {i.values["receipt_no"] for i in items}
        taken = set(
            Payment.objects.for_site(site)
            .filter(receipt_no__in=receipts)
            .values_list("receipt_no", flat=True)
        )
        periods = {i.values["period"] for i in items if i.values["period"]}
        bills = {
            (b.house_id, b.kind, b.period): b
            for b in Bill.objects.for_site(site).filter(period__in=periods)
        }
        for item in items:
            v = item.values
            if v["receipt_no"] in taken:
                item.row.error(
                    _("Row %(row)s: receipt number “%(value)s” has already been recorded."),
                    value=v["receipt_no"],
                )
            v["bill"] = None
            if v["house"] and v["kind"] and v["period"]:
                v["bill"] = bills.get((v["house"].pk, v["kind"], v["period"]))
                if v["bill"] is None:
                    item.row.error(
                        _("Row %(row)s: %(house)s has no %(fee)s bill for %(period)s."),
                        house=v["house"].label,
                        fee=label(FEES, v["kind"]),
                        period=f"{v['period']:%Y-%m}",
                    )
        self.allocate(site, [item for item in items if not item.row.errors])

    @staticmethod
    def allocate(site: Site, items: list[Item]) -> None:
        """How each payment will be allocated, by the rule the import then applies on
        locked rows (residents.allocation): money already waiting as credit first, then
        the file's payments by date and row."""
        houses = {item.values["house"].pk for item in items}
        bills = [
            OpenBill(b.pk, b.house_id, b.period, b.amount - b.paid_amount, b.kind)
            for b in Bill.objects.for_site(site).open().filter(house__in=houses)
        ]
        credit = [
            Money((0, p.pk), p.house_id, p.paid_on, p.unallocated, p.bill_id)
            for p in Payment.objects.for_site(site).filter(house__in=houses, unallocated__gt=0)
        ]
        rows = [
            Money(
                (1, item.row.number),
                item.values["house"].pk,
                item.values["paid_on"],
                item.values["amount"],
                item.values["bill"].pk if item.values["bill"] else None,
            )
            for item in items
        ]
        shares: dict[tuple, list] = {}
        for share in plan(bills, credit + rows):
            shares.setdefault(share.key, []).append(share)
        for item in items:
            item.values["shares"] = shares.get((1, item.row.number), [])

    def display(self, v):
        house, bill = v["house"], v["bill"]
        return [
            house.label if house else house_code(v["house_key"]),
            v["paid_on"].isoformat() if v["paid_on"] else "",
            money(v["amount"]),
            label(METHODS, v["method"]),
            v["receipt_no"],
            f"{label(FEES, bill.kind)} {bill.period:%Y-%m}" if bill else "",
            "、".join(
                f"{label(FEES, s.bill.kind)} {s.bill.period:%Y-%m} ¥{s.amount:.2f}"
                if s.bill
                else _("credit ¥%(credit)s") % {"credit": f"{s.amount:.2f}"}
                for s in v.get("shares", [])
            ),
        ]


SPECS: dict[str, Spec] = {
    spec.kind: spec for spec in (HousesSpec(), ResidentsSpec(), BillsSpec(), PaymentsSpec())
}


def template_columns(kind: str) -> list[str]:
    return list(SPECS[kind].columns)
