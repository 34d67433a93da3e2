"""The lookup's keys: how a resident is indexed and how a query is read.

See residents.models.SearchTerm for why the index is a table of short terms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pypinyin import lazy_pinyin

from frontdesk.personal import normalize_plate
from residents.models import SearchTerm

MAX_QUERY = 64  # longer input is cut: no name, phone or house code is longer
Kind = SearchTerm.Kind


@lru_cache(maxsize=65536)
def name_syllables(name: str) -> tuple[str, ...]:
    """The pinyin of each character of a name; non-Chinese characters are dropped."""
    return tuple(s.lower() for s in lazy_pinyin(name, errors="ignore") if s.isalpha())


def name_search_keys(name: str) -> tuple[str, str]:
    """Full pinyin and initials of a name: 张三丰 → ("zhangsanfeng", "zsf")."""
    syllables = name_syllables(name)
    return "".join(syllables)[:200], "".join(s[0] for s in syllables)[:50]


def terms_for(name: str, phones: list[str], plates: list[str] = ()) -> list[tuple[str, int, int]]:
    """(term, kind, offset) keys of one resident; offset 0 marks the start of a key."""
    terms: set[tuple[str, int, int]] = set()
    clean = re.sub(r"\s", "", name).lower()
    for i in range(len(clean)):
        terms.add((clean[i:][:64], Kind.NAME, i))
    syllables = name_syllables(clean)
    for i in range(len(syllables)):
        terms.add(("".join(syllables[i:])[:64], Kind.PINYIN, i))
        terms.add(("".join(s[0] for s in syllables[i:]), Kind.INITIALS, i))
    for phone in phones:
        digits = re.sub(r"\D", "", phone or "")
        if digits:
            terms.add((digits[:64], Kind.PHONE, 0))
            if len(digits) > 4:
                terms.add((digits[-4:], Kind.PHONE, len(digits) - 4))
    for plate in plates:
        plate = normalize_plate(plate).lower()
        if plate:
            terms.add((plate, Kind.PLATE, 0))
            terms.add((plate[1:], Kind.PLATE, 1))  # without the province character
    return sorted(terms)


def normalize_query(q: str) -> str:
    # Spaces and control characters (a NUL cannot even reach PostgreSQL) are dropped.
    q = re.sub(r"[\s\x00-\x1f\x7f]+", "", q or "")[:MAX_QUERY]
    return q.lower()


@dataclass(frozen=True)
class HouseCode:
    """A house code as typed: building, entrance and room; the first two may be missing.

    The room is matched as a prefix (the clerk may still be typing ``3-2-12``), exact
    rooms first."""

    building: int | None
    unit: int | None
    room: str


_NUM = r"(\d{1,4})"
HOUSE_FORMS = [
    # 3栋2单元1201, 3幢2单元1201室, 3号楼2单元1201
    re.compile(rf"^{_NUM}(?:栋|幢|号楼|#)?{_NUM}单元(\d{{1,5}})(?:室|号)?$"),
    # 3-2-1201
    re.compile(rf"^{_NUM}[-－—_/]{_NUM}[-－—_/](\d{{1,5}})$"),
    # 3栋1201, 3-1201
    re.compile(rf"^{_NUM}(?:栋|幢|号楼|#|[-－—_/])(\d{{1,5}})(?:室|号)?$"),
    # 1201
    re.compile(r"^(\d{3,5})(?:室|号)?$"),
]


def parse_house_code(q: str) -> HouseCode | None:
    for index, pattern in enumerate(HOUSE_FORMS):
        match = pattern.match(q)
        if not match:
            continue
        groups = match.groups()
        if index <= 1:
            building, unit, room = int(groups[0]), int(groups[1]), groups[2]
        elif index == 2:
            building, unit, room = int(groups[0]), None, groups[1]
        else:
            building, unit, room = None, None, groups[0]
        return HouseCode(building, unit, room)
    return None


def looks_like_phone(q: str) -> bool:
    return q.isdigit() and len(q) >= 4


def looks_like_text(q: str) -> bool:
    """Names, pinyin, initials and plates: anything with a letter or a Chinese character."""
    return bool(re.search(r"[a-z\u4e00-\u9fff]", q))


def read_query(q: str) -> tuple[HouseCode | None, bool]:
    """What a normalized query names: a house code or None, and whether to look for people
    by their keys. A bare number (1201) is both a room and a phone's last digits; a code
    written with 栋 or 单元 names a house, not a person."""
    code = parse_house_code(q)
    return code, (looks_like_text(q) and not code) or looks_like_phone(q)
