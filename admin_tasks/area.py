"""Desk admin (行政事务) as the desk's core knows it: see frontdesk.areas."""

from django.utils.translation import gettext_lazy as _

from frontdesk import roles
from frontdesk.areas import Area

AREA = Area(
    key="admin_tasks",
    label=_("Desk admin"),
    url_name="admin_tasks:index",
    icon="bi-clipboard-check",
    description=_("Filing register, equipment and environment checks, training."),
    permission=roles.USE_DESK,
    built=False,
    url_prefix="admin-tasks/",
)
