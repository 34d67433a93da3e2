"""What messages are about: the core's own purposes and every area's (Area.message_purposes).

SMS templates are recorded per purpose; the delivery log filters by it.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from frontdesk.areas import MessagePurpose, all_areas

TEST_MESSAGE = "test"
ROBOT_BROKEN = "robot_broken"

CORE_PURPOSES = {
    TEST_MESSAGE: MessagePurpose(_("Test message"), ("site",)),
    ROBOT_BROKEN: MessagePurpose(_("A group robot stopped working")),
}


def all_purposes() -> dict[str, MessagePurpose]:
    found = dict(CORE_PURPOSES)
    for area in all_areas():
        found.update(area.message_purposes)
    return found


def purpose_choices() -> list[tuple[str, str]]:
    return [(key, purpose.label) for key, purpose in all_purposes().items()]
