"""What the notices area puts on "waiting on me": a supervisor's approvals queue.

Only for those who approve: the desk's page then costs nobody else a query (today's desk
is counted to the query, tests/frontdesk/test_desk.py). What waits on a clerk (notices
sent back to them, approved ones to publish) is counted on the notices list's tabs.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from frontdesk.areas import DeskItem
from frontdesk.models import Site, User
from notices.access import is_approver
from notices.models import Notice
from notices.states import State


def waiting_on(site: Site, user: User) -> list[DeskItem]:
    if not is_approver(user):
        return []
    count = Notice.objects.for_site(site).filter(state=State.SUBMITTED).count()
    return [DeskItem(_("Notices waiting for approval"), count, reverse("notices:approvals"))]
