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
        # Session and user, the header's "waiting on me" and the user's sites, the page of
        # unread messages, their count for the tab.
        Case("inbox: unread messages", "/inbox/", user="supervisor", max_queries=6),
        # The same with every message, a few pages back.
        Case("inbox: every message, page 3", "/inbox/", {"show": "all", "page": 3}, max_queries=6),
        # Admin's own: session and user, the user's sites, the planner's estimate of the
        # log instead of a count, the page of rows with their site, robot and user, the
        # robots for the filter.
        Case(
            "admin changelist: delivery",
            DELIVERY_LOG,
            user="supervisor",
            budget_ms=PAGE_MS,
            max_queries=8,
            slow=True,
        ),
        # Failed SMS are a few in a hundred: counted exactly (the estimate is small), and
        # the page walks the site's log until it has a page of them.
        Case(
            "admin changelist: delivery, failed SMS",
            DELIVERY_LOG,
            {"state__exact": "failed", "channel__exact": "sms"},
            user="supervisor",
            budget_ms=PAGE_MS,
            max_queries=9,
            slow=True,
        ),
    ]
