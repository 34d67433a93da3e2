"""Pages of the desk's big lists, counted only as far as a clerk can use the figure."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Count, Window
from django.utils.functional import cached_property

# Counted exactly up to here by default; beyond, a page says "more than 1000".
COUNT_CAP = 1000


class CappedPaginator(Paginator):
    """A paginator whose count stops a little past the page asked for.

    The visitor register holds a year of a busy site's visits (~100,000): counting them
    all on every view was the page's costliest query (~5 ms), for a figure nobody reads.
    This one counts at most ``limit + 1`` rows (SELECT COUNT(*) FROM (… LIMIT n), ~1 ms
    for 10,000), ``limit`` being the end of the page asked for rounded up to ``cap``: a
    filtered list (a phone, a name, a month) gets its exact total, the whole register
    "more than" the cap, and any page that exists can be reached. The queries are those
    of Django's paginator: a count, then the page.
    """

    def __init__(self, object_list, per_page, *, cap: int = COUNT_CAP, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap
        self.limit = cap

    def validate_number(self, number):
        # Before the count (which the parent's check reads): how far it must go.
        try:
            wanted = int(number)
        except (TypeError, ValueError):
            wanted = 1
        end = max(wanted, 1) * self.per_page
        if "count" not in self.__dict__:
            self.limit = max(-(-end // self.cap) * self.cap, self.cap)
        return super().validate_number(number)

    @cached_property
    def count(self) -> int:
        rows = self.object_list
        if hasattr(rows, "order_by"):  # a queryset: SELECT COUNT(*) FROM (… LIMIT n)
            if rows.query.group_by is None and rows._fields is None:
                # Rows of a model counted by their ids alone: what the page annotates them
                # with (the posting checklist's boards waiting, an array per notice) is
                # not worked out for the count. A grouped query keeps its own columns.
                rows = rows.values("pk")
            return rows.order_by()[: self.limit + 1].count()
        return min(len(rows), self.limit + 1)

    @property
    def capped(self) -> bool:
        """More rows than were counted: ``count`` and ``num_pages`` are lower bounds."""
        return self.count > self.limit


class WindowCountPaginator(Paginator):
    """A paginator over an aggregate (a ``values()`` queryset grouped in the database, its
    rows dicts) that learns the number of rows from the page itself: ``COUNT(*) OVER ()``
    beside each row.

    Counting the groups of an aggregate costs as much as computing them: the arrears
    list's houses owing (2,000 of a site's bills grouped by house) took ~6 ms to count,
    then as much again for the page. Read with the page, the count is free. Only a page
    with no rows (an empty list, a number past the end) counts apart, as Django's does.
    """

    COLUMN = "paginator_rows"

    def get_page(self, number):
        try:
            number = max(int(number), 1)
        except (TypeError, ValueError):
            number = 1
        start = (number - 1) * self.per_page
        rows = list(
            self.object_list.annotate(**{self.COLUMN: Window(Count("*"))})[
                start : start + self.per_page
            ]
        )
        if not rows:  # an empty list, or past its end: Django's way, counted apart
            return super().get_page(number)
        self.__dict__["count"] = rows[0][self.COLUMN]
        for row in rows:
            del row[self.COLUMN]
        return self._get_page(rows, number, self)
