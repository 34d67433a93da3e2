"""The lookup's keys: how a resident is indexed and how a query is read.

See residents.models.SearchTerm for why the index is a table of short terms.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from pypinyin import lazy_pinyin

from frontdesk.personal import normalize_plate, whole_phone
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
    # Full-width digits, letters and dashes (３８２４, ＺＳＦ, ３－２－１２０１) are read as
    # their ASCII forms. Spaces and control characters (a NUL cannot even reach PostgreSQL)
    # are dropped. What is far too long to be a query is cut before any of it is read.
    q = unicodedata.normalize("NFKC", (q or "")[: MAX_QUERY * 16])
    q = re.sub(r"[\s\x00-\x1f\x7f]+", "", q)[:MAX_QUERY]
    return q.lower()


@dataclass(frozen=True)
class HouseCode:
    """A house code as typed: building, entrance and room; the first two may be missing.

    The room is matched as a prefix (the clerk may still be typing ``3-2-12``), exact
    rooms first; an empty room (``3-2``, ``3-2-``, ``3栋2单元``) is every room of the
    entrance."""

    building: int | None
    unit: int | None
    room: str


_NUM = r"([0-9]{1,4})"
_DASH = r"[-－—_/]"
HOUSE_FORMS = [
    # 3栋2单元1201, 3幢2单元1201室, 3号楼2单元1201, 3栋2单元
    re.compile(rf"^{_NUM}(?:栋|幢|号楼|#)?{_NUM}单元([0-9]{{0,5}})(?:室|号)?$"),
    # 3-2-1201, 3-2-
    re.compile(rf"^{_NUM}{_DASH}{_NUM}{_DASH}([0-9]{{0,5}})$"),
    # 3-2: building and entrance. Entrances are numbered from 1 and rooms take three
    # digits or more (201, 1201), so two digits after one dash name an entrance.
    re.compile(rf"^{_NUM}{_DASH}([0-9]{{1,2}})()$"),
    # 3栋1201, 3-1201
    re.compile(rf"^{_NUM}(?:栋|幢|号楼|#|{_DASH})([0-9]{{1,5}})(?:室|号)?$"),
    # 1201
    re.compile(r"^([0-9]{3,5})(?:室|号)?$"),
]


def parse_house_code(q: str) -> HouseCode | None:
    for pattern in HOUSE_FORMS:
        match = pattern.match(q)
        if not match:
            continue
        *numbers, room = match.groups()
        numbers = [int(n) for n in numbers]
        # 3-1201 names a building and no entrance, 1201 neither.
        building, unit = numbers + [None] * (2 - len(numbers))
        return HouseCode(building, unit, room)
    return None


def looks_like_text(q: str) -> bool:
    """Names, pinyin, initials and plates: anything with a letter or a Chinese character."""
    return bool(re.search(r"[a-z\u4e00-\u9fff]", q))


def phone_digits(q: str) -> str:
    """The digits of a whole phone typed with separators (155-8104-6576, (0571)8888-6601,
    +8613912345678), as its keys hold them; "" when ``q`` is not a whole phone."""
    return re.sub(r"[^0-9]", "", whole_phone(q))


def is_digits(q: str) -> bool:
    return q.isascii() and q.isdigit()


@dataclass(frozen=True)
class Reading:
    """What a normalized query names: a house code (or None), and the term to find people
    by their keys with ("" not to look for people).

    ``whole``: the term must equal a key, not start one. Digits are read whole, because
    phones are shown masked (153****4121): if the typed digits could start a stored
    number, typing 1530, 15301, … would tell the hidden digits one by one. A phone is
    found by its whole number or by its last four digits, which the mask shows anyway.
    """

    code: HouseCode | None
    term: str
    whole: bool = False


def read_query(q: str) -> Reading:
    """Read a normalized query. A bare number (1201) is both a room and a phone's last
    digits; a code written with 栋 or 单元 names a house, not a person."""
    digits = q if is_digits(q) else phone_digits(q)
    code = parse_house_code(q)
    if digits and digits != q and len(digits) >= 10:
        # A whole phone typed with dashes (155-8104-6576), not building 155's entrance
        # 8104. One as short as a house code (8888-6601) may be either: both are looked for.
        code = None
    if digits:
        # Fewer than four digits are a room being typed, too short for any phone key.
        return Reading(code, digits if len(digits) >= 4 else "", whole=True)
    return Reading(code, q if looks_like_text(q) and code is None else "")
