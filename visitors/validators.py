"""Checks of what a clerk types at reception: plates (phones and ID numbers: frontdesk.personal)."""

import re

PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
# 浙A12345 (blue/yellow, 5 characters after the city letter), 浙AD12345 (new energy, 6), and
# the special endings of coach-school, police, Hong Kong and Macau plates. I and O are never
# used, so that they are not read as 1 and 0.
PLATE = re.compile(rf"^[{PROVINCES}][A-HJ-NP-Z][A-HJ-NP-Z0-9]{{4,5}}[A-HJ-NP-Z0-9挂学警港澳]$")


def normalize_plate(value: str) -> str:
    """浙A·12345, 浙a 12345 and 浙A-12345 are all 浙A12345."""
    return re.sub(r"[\s·.\-－—]", "", value or "").upper()


def is_valid_plate(value: str) -> bool:
    return bool(PLATE.match(normalize_plate(value)))
