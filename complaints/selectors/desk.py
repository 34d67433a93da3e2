"""What the complaints area puts on today's desk and on "waiting on me"."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from django.db.models import Func, IntegerField, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.models import Case
from complaints.selectors import lists
from complaints.states import RUNNING, State
from frontdesk.areas import DeskItem
from frontdesk.filters import start_of
from frontdesk.models import Site, User
from frontdesk.roles import USE_DESK


def _count(cases: QuerySet) -> Subquery:
    """(SELECT count(*) FROM … WHERE …) as a column."""
    return Subquery(
        cases.order_by().annotate(n=Func("id", function="COUNT")).values("n"),
        output_field=IntegerField(),
    )


def _view_url(view: str) -> str:
    return f"{reverse('complaints:index')}?{urlencode({'view': view})}"


def desk_items(site: Site, user: User) -> list[DeskItem]:
    """The site's cases near their deadline, past it, and due for a call-back today, for the
    desk's own staff, in one query: each count a range of a partial index (the site's open
    cases by deadline, the resolved ones by call-back time)."""
    if not user.has_perm(USE_DESK):
        return []
    now = timezone.now()
    tomorrow = start_of(timezone.localdate(now) + timedelta(days=1))
    cases = Case.objects.for_site(site)
    near, overdue, callbacks = (
        Site.objects.filter(pk=site.pk)
        .annotate(
            near=_count(
                cases.filter(state__in=RUNNING, resolve_due__gt=now, resolve_warn_at__lte=now)
            ),
            overdue=_count(cases.filter(state__in=RUNNING, resolve_due__lte=now)),
            callbacks=_count(cases.filter(state=State.RESOLVED, callback_due__lt=tomorrow)),
        )
        .values_list("near", "overdue", "callbacks")
        .get()
    )
    items = [
        DeskItem(_("Cases near their deadline"), near, _view_url(lists.NEAR), "warning"),
        DeskItem(_("Cases overdue"), overdue, _view_url(lists.OVERDUE), "warning"),
        DeskItem(_("Call-backs due today"), callbacks, _view_url(lists.CALLBACKS)),
    ]
    # Late things only when there are some: the desk shows what needs doing.
    return [i for i in items if i.count or i.level == "primary"]


def waiting_on(site: Site, user: User) -> list[DeskItem]:
    """For department staff, their department's cases still to accept (new, transferred
    to it, reopened); for the desk, the cases waiting there to be sent on (unrouted or
    handed back). One query; nothing for a user who is neither."""
    cases = Case.objects.for_site(site)
    if user.has_perm(USE_DESK):
        count = cases.filter(state=State.REGISTERED, department__isnull=True).count()
        return [DeskItem(_("Cases waiting to be sent on"), count, _view_url(lists.MINE))]
    if user.department_id is None:
        return []
    count = cases.filter(
        department_id=user.department_id, state__in=[State.ASSIGNED, State.REOPENED]
    ).count()
    return [DeskItem(_("Cases to accept"), count, _view_url(lists.DEPARTMENT))]
