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


def canonical_phone(value: str) -> str:
    """The number as stored: a mobile as its 11 digits (139-1234-5678 → 13912345678), a
    landline as typed without spaces (0571-88886601)."""
    value = normalize_phone(value)
    digits = value.replace("-", "")
    return digits if MAINLAND_MOBILE.match(digits) else value


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
