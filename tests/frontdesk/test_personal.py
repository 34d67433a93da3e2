import pytest

from frontdesk.personal import (
    canonical_phone,
    id_check_char,
    is_valid_id_number,
    is_valid_phone,
    mask_id_number,
    mask_phone,
)


def test_it_masks_phones():
    assert mask_phone("13800138000") == "138****8000"
    assert mask_phone("0571-88886601") == "0571-****6601"
    assert mask_phone("") == ""
    assert mask_phone("110") == "***"


def test_it_masks_id_numbers():
    assert mask_id_number("11010519491231002X") == "110105********002X"
    assert mask_id_number("") == ""


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("11010519491231002X", True),
        ("110105194912310021", False),  # wrong check character
        ("11010519491231002", False),
        ("abcdefghijklmnopqr", False),
        ("11010519491231002x", True),
    ],
)
def test_it_checks_the_gb11643_check_character(value, valid):
    assert is_valid_id_number(value) is valid


def test_it_computes_the_check_character():
    assert id_check_char("11010519491231002") == "X"


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("13800138000", True),
        ("+86 138 0013 8000", True),
        ("12800138000", False),
        ("1380013800", False),
        ("0571-88886601", True),
        ("010-62345678-123", True),
        ("hello", False),
    ],
)
def test_it_recognises_chinese_phone_numbers(value, valid):
    assert is_valid_phone(value) is valid


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("139 1234 5678", "13912345678"),
        ("139-1234-5678", "13912345678"),
        ("+86 13912345678", "13912345678"),
        ("057188886601", "0571-88886601"),
        ("0571-88886601", "0571-88886601"),
        ("0571 8888 6601", "0571-88886601"),
        ("01062345678", "010-62345678"),
        ("021-6123456", "021-6123456"),
        ("0571-88886601-123", "0571-88886601-123"),
        ("88886601", "88886601"),
    ],
)
def test_the_same_phone_typed_two_ways_is_stored_alike(typed, stored):
    assert canonical_phone(typed) == stored
    assert is_valid_phone(stored)
