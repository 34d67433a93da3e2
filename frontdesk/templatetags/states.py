"""{% state_badge record %}: a record's state as a badge, coloured by its area's table.

The record's model names its area's ``frontdesk.transitions.Badges`` as ``STATE_BADGES``
(a case's, a notice's); ``id`` gives the badge an id (the page's own record).
"""

from django import template
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag
def state_badge(record, id: str = "") -> SafeString:  # noqa: A002 (the tag's argument)
    return type(record).STATE_BADGES.html(record.state, id)
