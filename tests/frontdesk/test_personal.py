"""Masking of phones and ID numbers on screens (their checks: test_personal_fields.py)."""

from frontdesk.personal import mask_id_number, mask_phone


def test_it_masks_phones():
    assert mask_phone("13800138000") == "138****8000"
    assert mask_phone("0571-88886601") == "0571-****6601"
    assert mask_phone("") == ""
    assert mask_phone("110") == "***"


def test_it_masks_id_numbers():
    assert mask_id_number("11010519491231002X") == "110105********002X"
    assert mask_id_number("") == ""
