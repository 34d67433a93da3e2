"""Personal data helpers: masking for screens, and checks of Chinese phone and ID numbers."""

import re

MAINLAND_MOBILE = re.compile(r"^1[3-9]\d{9}$")
# Landlines: optional 3-4 digit area code starting with 0, then a 7-8 digit number,
# optionally an extension (0571-88886601, 010-12345678-123).
LANDLINE = re.compile(r"^(0\d{2,3}-?)?[2-9]\d{6,7}(-\d{1,6})?$")

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"


def normalize_phone(value: str) -> str:
    """Digits and dashes only, without a +86/0086 prefix or spaces people type."""
    value = re.sub(r"[\s()（）]", "", value or "")
    value = re.sub(r"^(\+86|0086)-?", "", value)
    return value


# A landline with its area code: 010 and 02x are three digits long, every other area code
# four (0571), and the number itself seven or eight digits, never starting with 0 or 1.
AREA_AND_NUMBER = re.compile(r"^(0[12]\d|0[3-9]\d{2})([2-9]\d{6,7})$")


def canonical_phone(value: str) -> str:
    """The number as stored, so that the same phone typed two ways compares equal: a mobile
    as its 11 digits (139-1234-5678 → 13912345678), a landline with an area code as
    area-number (057188886601 → 0571-88886601); anything else (an extension) as typed,
    without spaces."""
    value = normalize_phone(value)
    digits = value.replace("-", "")
    if MAINLAND_MOBILE.match(digits):
        return digits
    landline = AREA_AND_NUMBER.match(digits) if value.count("-") <= 1 else None
    return f"{landline[1]}-{landline[2]}" if landline else value


def is_valid_phone(value: str) -> bool:
    value = normalize_phone(value)
    return bool(MAINLAND_MOBILE.match(value) or LANDLINE.match(value))


def id_check_char(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARS[total % 11]


def is_valid_id_number(value: str) -> bool:
    """An 18-character resident ID number with a correct GB 11643 check character."""
    value = (value or "").strip().upper()
    if not re.fullmatch(r"\d{17}[\dX]", value):
        return False
    return id_check_char(value[:17]) == value[17]


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
