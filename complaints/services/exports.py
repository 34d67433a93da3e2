"""What an export of cases writes to the personal-data log."""

from __future__ import annotations

from django.utils.translation import gettext as _

from complaints.selectors.exports import Format
from frontdesk.models import Site, User
from frontdesk.personal import mask_phone
from frontdesk.services import export_formats


def cases_export_formats(
    *, site: Site, user: User, full: bool, rows: int, ip_address: str | None
) -> Format:
    """How residents' phones are written: masked, or in full for a user who asks (``full``)
    and may (frontdesk.roles.FULL_EXPORT), which is logged (frontdesk.services.export_formats)."""
    formats = export_formats(
        site=site,
        user=user,
        full=full,
        maskers={"phone": mask_phone},
        description=_("Cases, %(rows)s rows, full phone numbers") % {"rows": rows},
        ip_address=ip_address,
    )
    return formats["phone"]
