"""Complaints (投诉建议) as the desk's core knows it: see frontdesk.areas."""

from django.utils.translation import gettext_lazy as _

from frontdesk.areas import Area

AREA = Area(
    key="complaints",
    label=_("Complaints and suggestions"),
    url_name="complaints:index",
    icon="bi-chat-left-text",
    description=_("Complaints, suggestions and repairs until the resident is satisfied."),
    # Every member of staff: the desk routes work to departments here.
    permission=None,
    built=False,
    url_prefix="complaints/",
)
