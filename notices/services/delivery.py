"""Where publishing reaches residents: the one hook a published notice goes through.

``notice_published`` is called by every service that publishes (``notice_publish``,
``notice_publish_now``), inside the publishing transaction, after the notice's row says
published (and a corrected version's predecessor says superseded). It does nothing yet.

The delivery step (issue 14, item 6) writes its deliveries here, in this same
transaction, through the core's channels (``frontdesk.channels``; no sender of our own):
a message to the group robot of each audience building (``notices.selectors.audience.
audience_buildings``) and, when ``notice.type.sms`` or ``notice.urgent``, an SMS to the
owners of the audience houses (``audience_houses``) through the approved template. Being
in the transaction, a publication that fails writes no delivery, and one that commits
has all of them written: the channels' periodic scan sends whatever a lost task left.
"""

from __future__ import annotations

from datetime import datetime

from frontdesk.models import User
from notices.models import Notice


def notice_published(notice: Notice, *, user: User, now: datetime) -> None:
    """The deliveries of a notice just published (see the module); none yet."""
    return None
