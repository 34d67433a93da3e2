"""Counting the public page's opens, per notice, posting location and day, with nothing of
who opened it (notices.models.NoticeOpen).

One statement: the notice found by its token (any version ever published: an old poster's
QR code is counted for the poster that was scanned), the location by the code its QR code
carries (``?at=``, of the notice's own site), and the day's row raised by one with
``INSERT … ON CONFLICT DO UPDATE``, so concurrent opens never lose a count and never need a
lock held across a request. A code that names no location of the site is not counted at
all: someone typed or tampered with the link, and a count for no board would mislead.
"""

from __future__ import annotations

import re
from datetime import date

from django.db import connection
from django.utils import timezone

from notices.models import Notice, NoticeOpen, PostingLocation

TOKEN_LENGTH = Notice._meta.get_field("token").max_length
CODE_LENGTH = PostingLocation._meta.get_field("code").max_length
# What secrets.token_urlsafe makes (tokens and codes alike): anything else is not one,
# and is not sent to the database (a NUL byte there is an error, not a miss).
URLSAFE = re.compile(r"[A-Za-z0-9_-]+")

OPENS = NoticeOpen._meta.db_table
# Table names from the models; every value is a parameter.
UPSERT = f"""
INSERT INTO {OPENS} (notice_id, location_id, day, count)
SELECT n.id, l.id, %(day)s, 1
FROM {Notice._meta.db_table} n
LEFT JOIN {PostingLocation._meta.db_table} l ON l.code = %(code)s AND l.site_id = n.site_id
WHERE n.token = %(token)s AND n.published_at IS NOT NULL AND (%(code)s = '' OR l.id IS NOT NULL)
ON CONFLICT (notice_id, location_id, day) DO UPDATE SET count = {OPENS}.count + 1
"""


def notice_open_count(*, token: str, code: str = "", day: date | None = None) -> bool:
    """Count one open of the public page of ``token``, at the location of ``code`` (empty:
    none). False when nothing was counted (unknown token or code)."""
    code = code or ""
    if not is_urlsafe(token, TOKEN_LENGTH) or (code and not is_urlsafe(code, CODE_LENGTH)):
        return False
    with connection.cursor() as cursor:
        cursor.execute(UPSERT, {"token": token, "code": code, "day": day or timezone.localdate()})
        return cursor.rowcount > 0


def is_urlsafe(value: str, length: int) -> bool:
    """Whether ``value`` could be a token or code at all (of at most ``length``)."""
    return bool(value) and len(value) <= length and URLSAFE.fullmatch(value) is not None
