"""Each site's notice types: the defaults every site starts with."""

from __future__ import annotations

from frontdesk.models import Site
from notices.models import DEFAULT_TYPES, NoticeType


def notice_types_create_defaults(*, site: Site) -> list[NoticeType]:
    """Give ``site`` the default types it lacks (by name); idempotent, one statement. A type
    renamed or retired by the supervisor stays as they left it, unless its default name is
    free again, when the default comes back."""
    return NoticeType.objects.bulk_create(
        [
            NoticeType(site=site, name=name, sms=sms, sort_order=index)
            for index, (name, sms) in enumerate(DEFAULT_TYPES)
        ],
        ignore_conflicts=True,
    )
