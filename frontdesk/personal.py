"""Personal data: the one way a phone, an ID number and a plate are written down and
checked (frontdesk.fields builds its model and form fields on these), and how screens
mask them."""

import re
import unicodedata

MAINLAND_MOBILE = re.compile(r"^1[3-9]\d{9}$")
# A landline as it may be stored: optional 3-4 digit area code starting with 0, then a
# 7-8 digit number, optionally an extension (0571-88886601, 010-12345678-123). Also read,
# in PostgreSQL's syntax, by the records' data-quality page.
LANDLINE = re.compile(r"^(0\d{2,3}-?)?[2-9]\d{6,7}(-\d{1,6})?$")

# The area code: 010 and 02x are three digits long, every other area code four (0571);
# the number itself is seven or eight digits, never starting with 0 or 1.
AREA_CODE = r"0[12]\d|0[3-9]\d{2}"
AREA_AND_NUMBER = re.compile(rf"^({AREA_CODE})([2-9]\d{{6,7}})$")
LANDLINE_PARTS = re.compile(rf"^(?:({AREA_CODE})-?)?([2-9]\d{{6,7}})(?:-(\d{{1,6}}))?$")
LOCAL_NUMBER = re.compile(r"^[2-9]\d{6,7}$")
# What people put between the parts of a number: full-width and typographic dashes.
DASHES = re.compile(r"[－—–‐‑]")

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"
ID_NUMBER = re.compile(r"^\d{17}[\dX]$")

PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
# 浙A12345 (blue and yellow plates: five characters after the city letter), 浙AD12345 and
# 浙A12345D (new-energy plates: six), the endings of trailer, coach-school, police, Hong
# Kong, Macau and consulate plates (浙A1234挂, 粤Z1234港, 沪A1234领), and embassy plates
# (使014578). I and O are never used, so that they are not read as 1 and 0.
PLATE = re.compile(
    rf"^(?:[{PROVINCES}][A-HJ-NP-Z][A-HJ-NP-Z0-9]{{4,5}}[A-HJ-NP-Z0-9挂学警港澳领]|使\d{{6}})$"
)
# The separators people type inside a plate: 浙A·12345, 浙A-12345, 浙A.12345, 浙A 12345.
PLATE_SEPARATORS = re.compile(r"[\s·•・.\-—–‐]")


def _typed_phone(value: str) -> str:
    """Digits and dashes as typed, without spaces, brackets or a +86/0086 prefix."""
    value = DASHES.sub("-", unicodedata.normalize("NFKC", value or ""))
    value = re.sub(r"[\s()]", "", value)
    return re.sub(r"^(\+86|0086)-?", "", value)


def canonical_phone(value: str) -> str:
    """The number as stored, so that the same phone typed two ways compares equal: a mobile
    as its 11 digits (139-1234-5678 → 13912345678), a landline with an area code as
    area-number (057188886601, (0571) 8888 6601 → 0571-88886601) and an extension after
    a dash; anything else as typed, without spaces."""
    value = _typed_phone(value)
    digits = value.replace("-", "")
    if MAINLAND_MOBILE.match(digits):
        return digits
    # With one dash at most, the digits are read whole (0571888-86601); with more, the
    # dashes first tell number from extension (0571-88886601-123), and only then is a
    # number split in two (0571-8888-6601) read whole.
    landline = AREA_AND_NUMBER.match(digits) if value.count("-") <= 1 else None
    parts = None if landline else LANDLINE_PARTS.match(value)
    if parts:
        return "-".join(p for p in parts.groups() if p)
    landline = landline or AREA_AND_NUMBER.match(digits)
    if landline:
        return f"{landline[1]}-{landline[2]}"
    return digits if LOCAL_NUMBER.match(digits) else value


def is_valid_phone(value: str) -> bool:
    """A mainland mobile, or a landline (with or without its area code and extension)."""
    value = canonical_phone(value)
    return bool(MAINLAND_MOBILE.match(value) or LANDLINE.match(value))


def whole_phone(term: str) -> str:
    """The stored form of a search term that is a whole phone number, "" if it is not one."""
    phone = canonical_phone(term)
    return phone if is_valid_phone(phone) else ""


def normalize_id_number(value: str) -> str:
    """Without spaces, full-width digits as ASCII, the check character upper-case."""
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", value or "")).upper()


def id_check_char(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARS[total % 11]


def is_valid_id_number(value: str) -> bool:
    """An 18-character resident ID number with a correct GB 11643 check character."""
    value = normalize_id_number(value)
    return bool(ID_NUMBER.match(value)) and id_check_char(value[:17]) == value[17]


def normalize_plate(value: str) -> str:
    """浙A·12345, 浙a 12345, 浙A-12345 and 浙Ａ１２３４５ are all 浙A12345."""
    return PLATE_SEPARATORS.sub("", unicodedata.normalize("NFKC", value or "")).upper()


def is_valid_plate(value: str) -> bool:
    return bool(PLATE.match(normalize_plate(value)))


def mask_phone(value: str) -> str:
    """138****8000 for mobiles; the middle of other numbers, keeping the last four."""
    if not value:
        return ""
    if len(value) == 11 and value.isdigit():
        return f"{value[:3]}****{value[-4:]}"
    if len(value) <= 4:
        return "*" * len(value)
    return f"{value[: max(len(value) - 8, 0)]}****{value[-4:]}"


def mask_id_number(value: str) -> str:
    """110105********1234: the region and the last four stay readable."""
    if not value:
        return ""
    if len(value) <= 10:
        return "*" * len(value)
    return f"{value[:6]}{'*' * (len(value) - 10)}{value[-4:]}"
