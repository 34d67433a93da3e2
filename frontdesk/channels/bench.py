"""The channels' pages in the company-scale benchmark (see frontdesk.bench): the inbox
of a member of staff with a year of messages, and the delivery log in admin.

Company scale gives the benchmark's logins an inbox of thousands of messages, some unread
(frontdesk.channels.demo), and the busiest site about 95,000 deliveries of the million.
The query counts are the pages' own, whatever the rows: a count that grows is a bug.
"""

from __future__ import annotations

from frontdesk.bench import PAGE_MS, BenchContext, Case

DELIVERY_LOG = "/admin/channels/delivery/"


def cases(context: BenchContext) -> list[Case]:
    return [
        # Session, user, the page of unread messages (newest first, one row more than the
        # page to know of a next one), their count for the tab and the header.
        Case("inbox: unread messages", "/inbox/", user="supervisor", max_queries=4),
        # Every message, a few pages back: the same four.
        Case("inbox: every message, page 3", "/inbox/", {"show": "all", "page": 3}, max_queries=4),
        # Admin's own: session, user, the user's site ids, their sites (the site filter),
        # their robots (the robot filter), the planner's estimate of the log standing in
        # for its count, the page with each row's site, robot and user. A log small
        # enough to count exactly (under 10,000 rows: a test's) is counted too: 8.
        Case(
            "admin changelist: delivery",
            DELIVERY_LOG,
            user="supervisor",
            budget_ms=PAGE_MS,
            max_queries=8,
            slow=True,
        ),
        # Failed texts are a few in a hundred of a site's log: the estimate is small, so
        # they are counted exactly (8), and the page walks the site's log newest first
        # until it has a page of them.
        Case(
            "admin changelist: delivery, failed SMS",
            DELIVERY_LOG,
            {"state__exact": "failed", "channel__exact": "sms"},
            user="supervisor",
            budget_ms=PAGE_MS,
            max_queries=8,
            slow=True,
        ),
    ]
