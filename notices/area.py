"""Notices (公告通知) as the desk's core knows it: see frontdesk.areas."""

from django.utils.translation import gettext_lazy as _

from frontdesk import roles
from frontdesk.areas import Area

AREA = Area(
    key="notices",
    label=_("Notices"),
    url_name="notices:index",
    icon="bi-megaphone",
    description=_("Draft, approve, print and deliver notices to residents."),
    permission=roles.USE_DESK,
    built=False,
    url_prefix="notices/",
)
