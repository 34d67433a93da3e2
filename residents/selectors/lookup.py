"""The lookup (住户查询): houses and residents by name, pinyin, initials, phone, plate or
house code, and admin's search on the same keys. Always within the given sites."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from frontdesk.models import Site
from residents.models import House, Occupancy, SearchTerm, house_label
from residents.search import HouseCode, Reading, normalize_query, read_query

# What fits below the search box on a 1366×768 desk screen; more matches mean the clerk
# should type on (the list says so), not scroll.
LOOKUP_LIMIT = 12


@dataclass
class LookupResult:
    query: str
    houses: list[HouseHit] = field(default_factory=list)
    residents: list[ResidentHit] = field(default_factory=list)
    # True when there were more matches than shown: the clerk should type more.
    more: bool = False
    houses_first: bool = False

    @property
    def empty(self) -> bool:
        return not self.houses and not self.residents

    @property
    def count(self) -> int:
        return len(self.houses) + len(self.residents)


def lookup(site: Site, raw_query: str, limit: int = LOOKUP_LIMIT) -> LookupResult:
    """Houses and residents matching a name, pinyin, initials, phone, plate or house code.

    One query, whatever the number of matches: the residents by their keys, or the houses
    by their code, or — for a bare number, which is both a room and a phone's last
    digits — both statements in one round trip.
    """
    q = normalize_query(raw_query)
    result = LookupResult(query=q)
    if not q:
        return result
    reading = read_query(q)
    code, people = reading.code, bool(reading.term)
    # A bare number is both a room and a phone's last digits: the screen's rows are shared,
    # two thirds to the houses (what a bare number mostly means), the rest to phone tails.
    house_limit, people_limit = (limit, limit)
    if code is not None and people:
        house_limit = limit * 2 // 3
        people_limit = limit - house_limit
    statements = []
    if code is not None:
        statements.append((HOUSES_BY_CODE, _houses_params(site, code, house_limit)))
    if people:
        statements.append((RESIDENTS_BY_TERM, _residents_params(site, reading, people_limit)))
    sql = ";\n".join(statement for statement, _ in statements)
    params = {k: v for _, p in statements for k, v in p.items()}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        if code is not None:
            result.houses, more = _house_hits(cursor.fetchall(), house_limit)
            result.houses_first = True
            result.more |= more
            cursor.nextset()
        if people:
            result.residents, more = _resident_hits(cursor.fetchall(), people_limit)
            result.more |= more
    return result


# The lookup's hot path is one hand-written query: rank the matching keys, keep the best
# ``limit + 1`` residents, and bring each one's current houses along as JSON, so the
# page costs one round trip and no ORM compilation. Rank: the whole name, phone or
# initials typed exactly, then keys that start where they start (张 → people surnamed 张),
# then matches inside (…三); within each, the closest in length, then the better kind
# (name, phone, pinyin, initials, plate).
#
# Which keys match is said once, in TERM_MATCH, for a site's terms ("t"): the lookup
# ranks them here, admin's resident search (residents_search) lists their residents.
# A phone key matches only when typed whole (its whole number, or its last four digits,
# which are a key of their own): phones are shown masked, and a key that matched the
# digits typed so far would tell the hidden ones one by one (see residents.search.Reading).
# Digits are already looked up as an equality (``pattern`` without %); the kind test
# says it again for any other query, on the index's own columns.
TERM_MATCH = """t.term LIKE %(pattern)s
       AND (t.kind <> %(phone)s OR t.term = %(term)s)
       AND (NOT %(first_letter)s OR (t.kind = %(initials)s AND t."offset" = 0))"""

RESIDENTS_BY_TERM = f"""
WITH ranked AS (
    SELECT t.resident_id,
           MIN(CASE WHEN t."offset" > 0 THEN 200000
                    WHEN t.term = %(q)s THEN 0
                    ELSE 100000 END
               + LEAST(length(t.term) - %(length)s, 999) * 10
               + t.kind) AS score
      FROM residents_searchterm t
     WHERE t.site_id = %(site)s AND {TERM_MATCH}
     GROUP BY t.resident_id
     ORDER BY score, t.resident_id
     LIMIT %(limit)s
)
SELECT r.id, r.name, r.phone,
       COALESCE((
           SELECT json_agg(json_build_array(o.house_id, o.relation, h.unit, h.room,
                                            b.number, b.name)
                           ORDER BY o.relation, o.house_id)
             FROM residents_occupancy o
             JOIN residents_house h ON h.id = o.house_id
             JOIN residents_building b ON b.id = h.building_id
            WHERE o.resident_id = r.id AND o.moved_out IS NULL
       ), '[]')
  FROM ranked JOIN residents_resident r ON r.id = ranked.resident_id
 ORDER BY ranked.score, r.id
"""


def _like(q: str, prefix: bool = True) -> str:
    """A LIKE pattern matching ``q`` literally: the keys starting with it, or ``q`` alone."""
    literal = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return literal + "%" if prefix else literal


class RelationLabel:
    """The Chinese name of an occupancy relation held as its code (owner, family, tenant)."""

    relation: str

    @property
    def relation_label(self) -> str:
        return str(Occupancy.Relation(self.relation).label)


@dataclass(frozen=True)
class HouseTie(RelationLabel):
    house_id: int
    label: str
    relation: str


@dataclass(frozen=True)
class ResidentHit:
    """A resident as the lookup lists them: plain values, no model instances to build."""

    pk: int
    name: str
    phone: str
    houses: list[HouseTie]

    @property
    def houses_text(self) -> str:
        # One string, not a loop in the template: the list renders while the clerk types.
        return "　".join(f"{tie.label} · {tie.relation_label}" for tie in self.houses)


def _term_match_params(reading: Reading) -> dict:
    q = reading.term
    return {
        # One Latin letter is the start of initials being typed (y → yzq): match names
        # whose initials start with it, not every pinyin syllable holding the letter.
        "first_letter": len(q) == 1 and q.isascii() and q.isalpha(),
        "initials": SearchTerm.Kind.INITIALS,
        "phone": SearchTerm.Kind.PHONE,
        "term": q,
        "pattern": _like(q, prefix=not reading.whole),
    }


def _residents_params(site: Site, reading: Reading, limit: int) -> dict:
    return {
        **_term_match_params(reading),
        "q": reading.term,
        "length": len(reading.term),
        "site": site.pk,
        "limit": limit + 1,
    }


def _resident_hits(rows: list[tuple], limit: int) -> tuple[list[ResidentHit], bool]:
    hits = [
        ResidentHit(
            pk=pk,
            name=name,
            phone=phone,
            houses=[
                HouseTie(house_id, house_label(number, bname, unit, room), relation)
                for house_id, relation, unit, room, number, bname in (
                    json.loads(ties) if isinstance(ties, str) else ties
                )
            ],
        )
        for pk, name, phone, ties in rows[:limit]
    ]
    return hits, len(rows) > limit


# Which houses a code names, for a house "h" of building "b": shared with admin's search.
HOUSE_CODE_MATCH = """h.room LIKE %(room_prefix)s
   AND (%(building)s::int IS NULL OR b.number = %(building)s::int)
   AND (%(unit)s::int IS NULL OR h.unit = %(unit)s::int)"""

HOUSES_BY_CODE = f"""
SELECT h.id, h.unit, h.room, h.status, b.number, b.name,
       COALESCE((
           SELECT json_agg(json_build_array(r.name, o.relation) ORDER BY o.relation, o.id)
             FROM residents_occupancy o
             JOIN residents_resident r ON r.id = o.resident_id
            WHERE o.house_id = h.id AND o.moved_out IS NULL
       ), '[]')
  FROM residents_house h
  -- The site's buildings only: a bare room number matches a room in every building,
  -- and the planner then hashes the site's few dozen, not the company's thousand.
  JOIN residents_building b ON b.id = h.building_id AND b.site_id = %(site)s
 WHERE h.site_id = %(site)s
   AND {HOUSE_CODE_MATCH}
 ORDER BY h.room <> %(room)s, b.number, h.unit, h.room
 LIMIT %(house_limit)s
"""


@dataclass(frozen=True)
class Occupant(RelationLabel):
    name: str
    relation: str


@dataclass(frozen=True)
class HouseHit:
    """A house as the lookup lists it, with its current occupants."""

    pk: int
    label: str
    status: str
    occupants: list[Occupant]

    @property
    def status_label(self) -> str:
        return str(House.Status(self.status).label)

    @property
    def occupants_text(self) -> str:
        return "　".join(f"{o.name}（{o.relation_label}）" for o in self.occupants)


def _code_match_params(code: HouseCode) -> dict:
    # The room is a prefix: the clerk may still be typing it.
    return {"room_prefix": _like(code.room), "building": code.building, "unit": code.unit}


def _houses_params(site: Site, code: HouseCode, limit: int) -> dict:
    # Exact rooms first. The site is shared with the residents' statement when both run
    # together; each has its own limit.
    return {
        **_code_match_params(code),
        "site": site.pk,
        "room": code.room,
        "house_limit": limit + 1,
    }


def _house_hits(rows: list[tuple], limit: int) -> tuple[list[HouseHit], bool]:
    hits = [
        HouseHit(
            pk=pk,
            label=house_label(number, bname, unit, room),
            status=status,
            occupants=[
                Occupant(name, relation)
                for name, relation in (json.loads(people) if isinstance(people, str) else people)
            ],
        )
        for pk, unit, room, status, number, bname, people in rows[:limit]
    ]
    return hits, len(rows) > limit


# --- Admin's search -----------------------------------------------------------------
# Django admin searches with the lookup's own keys and rules (TERM_MATCH,
# HOUSE_CODE_MATCH), not with icontains over every row: one subquery of ids over the
# supervisor's sites, which the changelist counts and pages with the rest of its filters.

RESIDENT_IDS_BY_TERM = f"""SELECT t.resident_id FROM residents_searchterm t
 WHERE t.site_id = ANY(%(sites)s) AND {TERM_MATCH}"""

HOUSE_IDS_BY_CODE = f"""SELECT h.id FROM residents_house h
  JOIN residents_building b ON b.id = h.building_id
 WHERE h.site_id = ANY(%(sites)s) AND {HOUSE_CODE_MATCH}"""

# Who lives now in a house the code names; where someone the keys match lives now.
RESIDENT_IDS_BY_CODE = f"""SELECT o.resident_id FROM residents_occupancy o
 WHERE o.moved_out IS NULL AND o.house_id IN ({HOUSE_IDS_BY_CODE})"""

HOUSE_IDS_BY_TERM = f"""SELECT o.house_id FROM residents_occupancy o
 WHERE o.moved_out IS NULL AND o.resident_id IN ({RESIDENT_IDS_BY_TERM})"""


def _subquery(sql: str, params: dict) -> RawSQL:
    """A statement written with named parameters, as an ORM expression (positional ones)."""
    names: list[str] = []
    sql = re.sub(r"%\((\w+)\)s", lambda match: names.append(match[1]) or "%s", sql)
    return RawSQL(sql, [params[name] for name in names])


def _search(
    queryset: QuerySet, field: str, site_ids: list[int], raw_query: str, by_term: str, by_code: str
) -> QuerySet:
    q = normalize_query(raw_query)
    if not q:
        return queryset
    reading = read_query(q)
    code = reading.code
    statements, params = [], {"sites": list(site_ids)}
    if reading.term:
        statements.append(by_term)
        params.update(_term_match_params(reading))
    if code is not None:
        statements.append(by_code)
        params.update(_code_match_params(code))
    if not statements:
        return queryset.none()
    # One subquery, not an OR of two: the planner joins from it (a few ids) rather than
    # testing every row of the sites against both.
    ids = _subquery("\n UNION ALL\n".join(statements), params)
    return queryset.filter(**{f"{field}__in": ids})


def residents_search(
    queryset: QuerySet, site_ids: list[int], raw_query: str, field: str = "pk"
) -> QuerySet:
    """The rows of ``queryset`` whose resident (``field``) the lookup finds for the query
    in these sites: by name, pinyin, initials, whole phone, its last four digits or plate,
    or living now in a house the code names. Admin's resident search."""
    return _search(queryset, field, site_ids, raw_query, RESIDENT_IDS_BY_TERM, RESIDENT_IDS_BY_CODE)


def houses_search(
    queryset: QuerySet, site_ids: list[int], raw_query: str, field: str = "pk"
) -> QuerySet:
    """The rows of ``queryset`` whose house (``field``) the code names, or where someone the
    lookup finds for the query lives now. Admin's house, bill and payment search."""
    return _search(queryset, field, site_ids, raw_query, HOUSE_IDS_BY_TERM, HOUSE_IDS_BY_CODE)
