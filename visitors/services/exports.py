"""What an export of the visitor register writes to the personal-data log."""

from __future__ import annotations

from django.utils.translation import gettext as _

from frontdesk.models import Site, User
from frontdesk.personal import mask_id_number, mask_phone
from frontdesk.services import export_formats
from visitors.selectors.exports import Format


def visits_export_formats(
    *, site: Site, user: User, full: bool, rows: int, ip_address: str | None
) -> tuple[Format, Format]:
    """How phones and ID numbers are written: masked, or in full for a supervisor who asks
    (``full``), which is logged (frontdesk.services.export_formats)."""
    formats = export_formats(
        site=site,
        user=user,
        full=full,
        maskers={"visitor_phone": mask_phone, "id_number": mask_id_number},
        description=_("Visitor register, %(rows)s rows, full phone and ID numbers")
        % {"rows": rows},
        ip_address=ip_address,
    )
    return formats["visitor_phone"], formats["id_number"]
