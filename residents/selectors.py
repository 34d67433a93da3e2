"""Reads of the records, always within one site."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Length
from django.utils import timezone

from frontdesk.models import Site
from residents.models import (
    Bill,
    FeeKind,
    House,
    Occupancy,
    RecordRequest,
    Resident,
    SearchTerm,
)
from residents.search import looks_like_phone, looks_like_text, normalize_query, parse_house_code

LOOKUP_LIMIT = 20


@dataclass
class LookupResult:
    query: str
    houses: list[House] = field(default_factory=list)
    residents: list[Resident] = field(default_factory=list)
    # True when there were more matches than shown: the clerk should type more.
    more: bool = False
    houses_first: bool = False

    @property
    def empty(self) -> bool:
        return not self.houses and not self.residents

    @property
    def count(self) -> int:
        return len(self.houses) + len(self.residents)


def current_occupancies() -> Prefetch:
    return Prefetch(
        "occupancies",
        queryset=Occupancy.objects.filter(moved_out__isnull=True)
        .select_related("house__building")
        .order_by("relation", "house_id"),
        to_attr="current_occupancies",
    )


def house_occupants() -> Prefetch:
    return Prefetch(
        "occupancies",
        queryset=Occupancy.objects.filter(moved_out__isnull=True)
        .select_related("resident")
        .order_by("relation", "id"),
        to_attr="current_occupancies",
    )


def lookup(site: Site, raw_query: str, limit: int = LOOKUP_LIMIT) -> LookupResult:
    """Houses and residents matching a name, pinyin, initials, phone, plate or house code.

    A fixed number of queries whatever the number of matches: one for the matching
    residents' ids (ranked in the database), one for them, one for their houses; one
    for the houses matching a code and one for their occupants.
    """
    q = normalize_query(raw_query)
    result = LookupResult(query=q)
    if not q:
        return result
    code = parse_house_code(q)
    if code is not None:
        result.houses, more_houses = _houses_by_code(site, code, limit)
        result.houses_first = True
        result.more |= more_houses
    if looks_like_text(q) or looks_like_phone(q):
        result.residents, more_residents = _residents_by_term(site, q, limit)
        result.more |= more_residents
    return result


def _residents_by_term(site: Site, q: str, limit: int) -> tuple[list[Resident], bool]:
    # Rank: exact key, then a key that starts with the query (offset 0: the name's first
    # character, the whole phone), then a match inside; among those the closest in length
    # and the better kind (name before phone before pinyin before initials before plate).
    rank = (
        Case(When(term=q, then=Value(0)), default=Value(1000), output_field=IntegerField())
        + Case(When(offset=0, then=Value(0)), default=Value(100), output_field=IntegerField())
        + (Length("term") - len(q)) * 10
        + F("kind")
    )
    ranked = (
        SearchTerm.objects.filter(site=site, term__startswith=q)
        .values("resident_id")
        .annotate(score=Min(rank))
        .order_by("score", "resident_id")[: limit + 1]
    )
    ids = [row["resident_id"] for row in ranked]
    more = len(ids) > limit
    ids = ids[:limit]
    residents = Resident.objects.filter(pk__in=ids).prefetch_related(current_occupancies())
    by_id = {r.pk: r for r in residents}
    return [by_id[i] for i in ids if i in by_id], more


def _houses_by_code(site: Site, code, limit: int) -> tuple[list[House], bool]:
    houses = House.objects.for_site(site).filter(room__startswith=code.room)
    if code.building is not None:
        houses = houses.filter(building__number=code.building)
    if code.unit is not None:
        houses = houses.filter(unit=code.unit)
    houses = list(
        houses.select_related("building")
        .prefetch_related(house_occupants())
        .annotate(exact=Case(When(room=code.room, then=0), default=1))
        .order_by("exact", "building__number", "unit", "room")[: limit + 1]
    )
    return houses[:limit], len(houses) > limit


@dataclass(frozen=True)
class Arrears:
    months: int
    total: Decimal

    @property
    def paid_up(self) -> bool:
        return self.total <= 0


def unpaid_bills(site: Site, today: date | None = None) -> QuerySet:
    """Bills past their due date and not fully paid (the partial index's rows)."""
    today = today or timezone.localdate()
    return Bill.objects.for_site(site).filter(paid_amount__lt=F("amount"), due_date__lt=today)


def house_arrears(house: House, today: date | None = None) -> Arrears:
    totals = (
        unpaid_bills(house.site, today)
        .filter(house=house)
        .aggregate(
            months=Count("period", distinct=True),
            total=Sum(F("amount") - F("paid_amount")),
        )
    )
    return Arrears(totals["months"] or 0, totals["total"] or Decimal(0))


def arrears_by_house(site: Site, today: date | None = None) -> QuerySet:
    """Every house of the site that owes: months owed and total, largest debts first."""
    return (
        House.objects.for_site(site)
        .filter(
            bills__paid_amount__lt=F("bills__amount"),
            bills__due_date__lt=today or timezone.localdate(),
        )
        .annotate(
            arrears_months=Count("bills__period", distinct=True),
            arrears_total=Sum(F("bills__amount") - F("bills__paid_amount")),
        )
        .select_related("building")
        .order_by("-arrears_total", "id")
    )


def house_detail(site: Site, pk: int) -> House:
    from frontdesk.scoping import get_for_site_or_404

    return get_for_site_or_404(
        House.objects.select_related("building", "site").prefetch_related(house_occupants()),
        site,
        pk=pk,
    )


@dataclass
class BillMonth:
    """One month of a house's bills, one column per fee, as the bill history shows it."""

    period: date
    bills: dict[str, Bill]
    due: Decimal = Decimal(0)
    paid: Decimal = Decimal(0)
    due_date: date | None = None

    @property
    def outstanding(self) -> Decimal:
        return self.due - self.paid

    def cells(self, kinds: list[str]) -> list[Bill | None]:
        return [self.bills.get(kind) for kind in kinds]


def house_bill_months(house: House, months: int = 12) -> tuple[list[str], list[BillMonth]]:
    """The last ``months`` billed months, newest first, and the fee kinds that occur."""
    periods = list(
        house.bills.order_by("-period").values_list("period", flat=True).distinct()[:months]
    )
    by_period: dict[date, BillMonth] = {p: BillMonth(p, {}) for p in periods}
    kinds: list[str] = []
    for bill in house.bills.filter(period__in=periods).order_by("kind"):
        month = by_period[bill.period]
        month.bills[bill.kind] = bill
        month.due += bill.amount
        month.paid += bill.paid_amount
        month.due_date = max(filter(None, [month.due_date, bill.due_date]))
        if bill.kind not in kinds:
            kinds.append(bill.kind)
    order = [k for k, _ in FeeKind.choices]
    kinds.sort(key=order.index)
    return kinds, [by_period[p] for p in periods]


def house_requests(house: House, limit: int = 20) -> list[RecordRequest]:
    return list(
        house.requests.select_related("created_by", "referred_to", "resident").order_by(
            "-created_at"
        )[:limit]
    )


def record_requests(site: Site) -> QuerySet:
    return RecordRequest.objects.for_site(site).select_related(
        "house__building", "resident", "referred_to", "created_by"
    )


def text_filter(queryset: QuerySet, q: str, *fields: str) -> QuerySet:
    condition = Q()
    for name in fields:
        condition |= Q(**{f"{name}__icontains": q})
    return queryset.filter(condition)


# --- Data quality -------------------------------------------------------------------
# What makes the archive incomplete or wrong, so the desk can put it right.

MOBILE_RE = r"^1[3-9][0-9]{9}$"
LANDLINE_RE = r"^(0[0-9]{2,3}-?)?[2-9][0-9]{6,7}(-[0-9]{1,6})?$"


def residents_without_phone(site: Site) -> QuerySet:
    return (
        Resident.objects.for_site(site)
        .filter(phone="", phone2="")
        .prefetch_related(current_occupancies())
        .order_by("name", "id")
    )


def residents_with_invalid_phone(site: Site) -> QuerySet:
    return (
        Resident.objects.for_site(site)
        .exclude(phone="")
        .exclude(phone__regex=MOBILE_RE)
        .exclude(phone__regex=LANDLINE_RE)
        .prefetch_related(current_occupancies())
        .order_by("name", "id")
    )


def houses_without_owner(site: Site) -> QuerySet:
    owners = Occupancy.objects.filter(
        house=OuterRef("pk"), relation=Occupancy.Relation.OWNER, moved_out__isnull=True
    )
    return (
        House.objects.for_site(site)
        .filter(~Exists(owners))
        .select_related("building")
        .order_by("building__number", "unit", "room")
    )


def duplicate_people(site: Site) -> QuerySet:
    """Same name and phone more than once: probably one person entered twice."""
    return (
        Resident.objects.for_site(site)
        .exclude(phone="")
        .values("name", "phone")
        .annotate(copies=Count("id"), first_id=Min("id"))
        .filter(copies__gt=1)
        .order_by("name", "phone")
    )
