"""The desk's lists of cases: the working views (my queue, my department's, call-backs due
today, near deadline, overdue, paused), every case with its filter, and the count of open
and overdue cases per department. Every list is of one site, and of what the user may see.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, F, Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from complaints.models import Case, Urgency
from complaints.states import OPEN, RUNNING, State
from frontdesk.filters import start_of
from frontdesk.links import url_prefix
from frontdesk.models import Site, User
from frontdesk.roles import USE_DESK
from frontdesk.timetext import duration_text

PAGE = 30

MINE = "mine"
DEPARTMENT = "department"
CALLBACKS = "callbacks"
NEAR = "near"
OVERDUE = "overdue"
PAUSED = "paused"


@dataclass(frozen=True)
class View:
    key: str
    label: object
    # Only for the desk's own staff (call-backs are the desk's work).
    desk_only: bool = False


VIEWS = (
    View(MINE, gettext_lazy("My queue")),
    View(DEPARTMENT, gettext_lazy("My department")),
    View(CALLBACKS, gettext_lazy("Call-backs due today"), desk_only=True),
    View(NEAR, gettext_lazy("Near deadline")),
    View(OVERDUE, pgettext_lazy("case list", "Overdue")),
    View(PAUSED, pgettext_lazy("case list", "Paused")),
)


def is_desk(user: User) -> bool:
    return user.has_perm(USE_DESK)


def views_for(user: User) -> list[View]:
    """The tabs this user has: department staff work on their department's cases only, and
    a desk user without a department has no department's queue."""
    desk = is_desk(user)
    return [
        v
        for v in VIEWS
        if (desk or not v.desk_only) and (v.key != DEPARTMENT or user.department_id is not None)
    ]


def default_view(user: User) -> str:
    """Department staff land on their department's queue; the desk on its own."""
    return DEPARTMENT if not is_desk(user) and user.department_id is not None else MINE


def visible_cases(site: Site, user: User) -> QuerySet[Case]:
    """The site's cases this user may see: all of them at the desk, their department's for
    department staff (none for staff of no department)."""
    cases = Case.objects.for_site(site)
    if is_desk(user):
        return cases
    if user.department_id is None:
        return cases.none()
    return cases.filter(department_id=user.department_id)


def _listed(cases: QuerySet[Case]) -> QuerySet[Case]:
    # Three queries for a page, whatever its rows: the cases with their category and
    # place joined, then the departments and handlers they name. Two more joins would
    # save those two small queries but cost PostgreSQL ~10 ms more to plan the first
    # (eight relations: past that, the planner's search grows steeply), measured at
    # bench scale.
    return cases.select_related("category__parent", "house__building", "building").prefetch_related(
        "department", "handler"
    )


# What a page of the lists reads of each case and its relations (Row, _case_list.html): a
# case has over fifty columns, and reading, decoding and setting them all for thirty rows
# and their relations was a fifth of a list's time. The export reads the cases whole.
PAGE_COLUMNS = (
    *("id", "number", "created_at", "state", "urgency", "place", "resolve_due"),
    *("resolve_warn_at", "category_id", "house_id", "building_id", "department_id"),
    "handler_id",
    *("category__name", "category__parent_id", "category__parent__name"),
    *("house__unit", "house__room", "house__building_id"),
    *("house__building__number", "house__building__name", "building__number", "building__name"),
)


def for_page(cases: QuerySet[Case]) -> QuerySet[Case]:
    """A list's cases as a page shows them (``PAGE_COLUMNS``)."""
    return cases.only(*PAGE_COLUMNS)


def _by_deadline(cases: QuerySet[Case]) -> QuerySet[Case]:
    # The open-case indexes are (department | site | handler, resolve_due): read in order.
    return cases.order_by(F("resolve_due").asc(nulls_last=True), "id")


def working_list(
    site: Site, user: User, view: str, *, now: datetime | None = None
) -> QuerySet[Case]:
    """The cases of one working view, most pressing first (not yet sliced)."""
    now = now or timezone.now()
    cases = visible_cases(site, user)
    if view == MINE:
        mine = Q(handler=user)
        if user.department_id is not None:
            mine |= Q(department_id=user.department_id)
        if is_desk(user):
            # Waiting at the desk to be sent on: new unrouted cases, cases handed back.
            mine |= Q(state=State.REGISTERED, department__isnull=True)
        return _listed(_by_deadline(cases.filter(mine, state__in=OPEN)))
    if view == DEPARTMENT:
        if user.department_id is None:
            return cases.none()
        # case_dept_open_due: the department's open cases in deadline order.
        return _listed(_by_deadline(cases.filter(department_id=user.department_id, state__in=OPEN)))
    if view == CALLBACKS:
        tomorrow = start_of(timezone.localdate(now) + timedelta(days=1))
        # case_callback_due: resolved cases by call-back time; earlier days' too.
        return _listed(
            cases.filter(state=State.RESOLVED, callback_due__lt=tomorrow).order_by(
                "callback_due", "id"
            )
        )
    if view == NEAR:
        # The case's warning moment (CaseSettings.warn_percent of the resolution time)
        # has passed, the deadline not yet; paused cases have their own list.
        return _listed(
            _by_deadline(
                cases.filter(state__in=RUNNING, resolve_warn_at__lte=now, resolve_due__gt=now)
            )
        )
    if view == OVERDUE:
        return _listed(_by_deadline(cases.filter(state__in=RUNNING, resolve_due__lte=now)))
    if view == PAUSED:
        return _listed(
            cases.filter(state=State.PAUSED).order_by(
                F("resume_expected").asc(nulls_last=True), "paused_since", "id"
            )
        )
    raise ValueError(view)


def all_cases(site: Site, user: User) -> QuerySet[Case]:
    """Every case the user may see, newest first (case_site_time); the filter narrows it,
    the export reads the same."""
    return _listed(visible_cases(site, user).order_by("-created_at", "-id"))


@dataclass(frozen=True)
class DepartmentCount:
    department_id: int | None
    name: str
    open: int
    overdue: int


def by_department(site: Site, *, now: datetime | None = None) -> list[DepartmentCount]:
    """Open and overdue cases per department of the site, in one query over the open
    cases (case_site_open_due); the cases waiting at the desk as a row of their own."""
    now = now or timezone.now()
    rows = (
        Case.objects.for_site(site)
        .filter(state__in=OPEN)
        .values("department_id", "department__name")
        .annotate(
            open=Count("id"),
            overdue=Count("id", filter=Q(state__in=RUNNING, resolve_due__lte=now)),
        )
        .order_by("department__name")
    )
    return [
        DepartmentCount(
            r["department_id"], r["department__name"] or _("At the desk"), r["open"], r["overdue"]
        )
        for r in rows
    ]


@dataclass(frozen=True)
class Row:
    """A case as a list shows it, its text worked out once here."""

    case: Case
    category: str
    where: str
    state: str
    time_left: str
    # "danger": past its deadline; "warning": near it; "": neither (or not running).
    level: str
    # 紧急, 特急; "" for a normal case.
    urgency: str = ""


def case_rows(cases, *, now: datetime | None = None) -> list[Row]:
    """The rows of a page of cases (already read with their relations)."""
    now = now or timezone.now()
    return [_row(case, now) for case in cases]


def _row(case: Case, now: datetime) -> Row:
    time_left, level = "", ""
    if case.state == State.PAUSED:
        time_left = _("Clock stopped")
    elif case.state in RUNNING and case.resolve_due is not None:
        left = case.resolve_due - now
        if left <= timedelta(0):
            time_left, level = _("%(time)s overdue") % {"time": duration_text(-left)}, "danger"
        else:
            time_left = _("%(time)s left") % {"time": duration_text(left)}
            if case.resolve_warn_at is not None and case.resolve_warn_at <= now:
                level = "warning"
    # The labels from the choices' own enums: get_state_display() rebuilds and hashes the
    # whole table of choices, translating each, for every row.
    return Row(
        case=case,
        category=case.category.full_name,
        where=case.where,
        state=str(State(case.state).label),
        time_left=time_left,
        level=level,
        urgency="" if case.urgency == Urgency.NORMAL else str(Urgency(case.urgency).label),
    )


def case_url_prefix() -> str:
    """/complaints/…/: a row's link is this and its id, reversed once a page."""
    try:
        return url_prefix("complaints:case_detail")
    except NoReverseMatch:
        return reverse("complaints:index")
