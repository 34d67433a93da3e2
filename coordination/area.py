"""Coordination (内部协调) as the desk's core knows it: see frontdesk.areas."""

from django.utils.translation import gettext_lazy as _

from frontdesk.areas import Area

AREA = Area(
    key="coordination",
    label=_("Coordination"),
    url_name="coordination:index",
    icon="bi-diagram-3",
    description=_("Requests to departments, meetings, memos and shift handover."),
    # Every member of staff: the desk routes work to departments here.
    permission=None,
    built=False,
    url_prefix="coordination/",
)
