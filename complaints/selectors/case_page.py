"""What a case's page, its record form and a house's panel read, and who may see and do
what on a case: the desk sees and does everything of its site; department staff see
their department's cases and do the department's part of them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import BooleanField, ExpressionWrapper, Q
from django.db.models.fields.files import FieldFile
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.deadlines import Clock
from complaints.models import Case, CaseEvent, CasePhoto
from complaints.selectors.cases import case_detail, case_timeline, similar_cases
from complaints.states import Action, actions_allowed
from frontdesk.models import Department, Site, User
from frontdesk.roles import USE_DESK
from frontdesk.scoping import get_for_site_or_404
from frontdesk.timetext import duration_text
from residents.models import House
from visitors.models import Inquiry

# What a department does to its own cases; the rest (assign, transfer, withdraw, a new
# deadline) is the desk's, as are the call-back steps of other pages.
DEPARTMENT_ACTIONS = (
    Action.ACCEPT,
    Action.NOTE,
    Action.PAUSE,
    Action.RESUME,
    Action.RESOLVE,
    Action.HAND_BACK,
)
# The actions this page offers (call-backs and closing have their own pages).
PAGE_ACTIONS = (
    Action.ASSIGN,
    Action.TRANSFER,
    Action.ACCEPT,
    Action.NOTE,
    Action.PAUSE,
    Action.RESUME,
    Action.RESOLVE,
    Action.HAND_BACK,
    Action.CHANGE_DEADLINE,
    Action.WITHDRAW,
)
HOUSE_CASES_SHOWN = 10
# More than this many linked cases is a matter for the list, not the case's page.
LINKED_SHOWN = 20


def is_desk(user: User) -> bool:
    return user.has_perm(USE_DESK)


def own_department_id(user: User, site: Site) -> int | None:
    department = user.department if user.department_id else None
    if department is None or department.site_id != site.pk:
        return None
    return department.pk


def may_see(user: User, site: Site, case: Case) -> bool:
    if is_desk(user):
        return True
    own = own_department_id(user, site)
    return own is not None and case.department_id == own


def case_for_user(site: Site, user: User, pk: int) -> Case:
    """The case with what its page shows, or a 404: another site's, and for department
    staff another department's (not theirs to know of)."""
    case = case_detail(site, pk)
    if not may_see(user, site, case):
        raise Http404
    return case


def actions_for(user: User, site: Site, case: Case) -> list[Action]:
    """What this user may do to the case now: what the state allows, of this page's
    actions, and of those the department's part when the user is not the desk."""
    allowed = set(actions_allowed(case.state))
    mine = PAGE_ACTIONS if is_desk(user) else DEPARTMENT_ACTIONS
    if not is_desk(user) and not may_see(user, site, case):
        return []
    return [a for a in PAGE_ACTIONS if a in allowed and a in mine]


@dataclass(frozen=True)
class DueText:
    due: datetime
    overdue: bool
    # 剩余 4小时25分 / 已超时 1天2小时, in working time unless the case counts calendar time.
    text: str


def due_texts(site: Site, case: Case, now: datetime | None = None) -> dict[str, DueText]:
    """Time left (or over) on each pending deadline of a case whose clock runs, counted
    as the case's deadlines are."""
    now = now or timezone.now()
    pending = {}
    if case.respond_due and case.responded_at is None:
        pending["respond"] = case.respond_due
    if case.resolve_due and case.resolved_at is None:
        pending["resolve"] = case.resolve_due
    if not pending or case.paused_since is not None or case.closed_at is not None:
        return {}
    clock = Clock.of(site, calendar_time=case.calendar_time)
    texts = {}
    for name, due in pending.items():
        overdue = due <= now
        minutes = clock.between(due, now) if overdue else clock.between(now, due)
        texts[name] = DueText(due, overdue, duration_text(timedelta(minutes=minutes)))
    return texts


def timeline(case: Case) -> list[CaseEvent]:
    """The timeline, oldest first, each entry with ``details``: what its data says, as
    lines to read (what a pause waits for, a deadline's old and new value …)."""
    events = list(case_timeline(case))
    for event in events:
        event.details = _details(event)
    return events


def _moment(value) -> str:
    if not value:
        return "—"
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


def _details(event: CaseEvent) -> list[str]:
    data, kind, lines = event.data or {}, event.kind, []
    if kind == CaseEvent.Kind.PAUSED:
        if data.get("kind") in Case.PauseKind.values:
            lines.append(str(Case.PauseKind(data["kind"]).label))
        if data.get("resume_expected"):
            lines.append(_("Expected to resume on %(date)s") % {"date": data["resume_expected"]})
    elif kind == CaseEvent.Kind.RESUMED and data.get("paused_minutes") is not None:
        paused = duration_text(timedelta(minutes=data["paused_minutes"]))
        lines.append(_("Paused for %(time)s") % {"time": paused})
    elif kind == CaseEvent.Kind.DEADLINE_CHANGED:
        for name, label in (("respond_due", _("Respond by")), ("resolve_due", _("Resolve by"))):
            if name in data:
                values = {
                    "label": label,
                    "old": _moment(data[name].get("from")),
                    "new": _moment(data[name].get("to")),
                }
                lines.append(_("%(label)s: %(old)s → %(new)s") % values)
    elif kind == CaseEvent.Kind.LINKED and data.get("number"):
        lines.append(_("Linked to %(number)s") % {"number": data["number"]})
    return lines


def linked_cases(case: Case, among: Sequence[int] = ()) -> list[Case]:
    """The cases linked to this one (either way: ``Case.linked`` is symmetrical, a link
    is a row each way), newest first, at most LINKED_SHOWN of them. Those of ``among``
    (the similar cases shown beside them) are always in, however many others are newer,
    so that the page knows each of these is linked without asking again."""
    cases = case.linked.select_related("category__parent")
    if among:
        cases = cases.alias(
            among=ExpressionWrapper(Q(pk__in=list(among)), output_field=BooleanField())
        ).order_by("-among", "-created_at", "-id")
    else:
        cases = cases.order_by("-created_at", "-id")
    rows = list(cases[:LINKED_SHOWN])
    rows.sort(key=lambda c: (c.created_at, c.pk), reverse=True)
    return rows


def similar_to(site: Site, case: Case) -> list[Case]:
    return similar_cases(
        site,
        category=case.category,
        house=case.house,
        building=case.building,
        place=case.place,
        now=case.created_at,
        exclude=case.pk,
    )


@dataclass(frozen=True)
class Related:
    """What the case page lists beside the case: the cases linked to it, and the similar
    ones (the same house or public place and category, 30 days), each with ``is_linked``
    (those not linked yet are offered to link)."""

    linked: list[Case]
    similar: list[Case]

    @property
    def to_link(self) -> list[Case]:
        return [c for c in self.similar if not c.is_linked]


def related_cases(site: Site, case: Case) -> Related:
    """Two queries, however many cases are linked or similar."""
    similar = similar_to(site, case)
    linked = linked_cases(case, among=[c.pk for c in similar])
    linked_ids = {c.pk for c in linked}
    for other in similar:
        other.is_linked = other.pk in linked_ids
    return Related(linked, similar)


def case_to_link(site: Site, pk: int) -> Case:
    """A case of the site to link to, or a 404 (another site's is not there to link)."""
    return get_for_site_or_404(Case.objects.all(), site, pk=pk)


def departments(site: Site) -> list[Department]:
    return list(Department.objects.for_site(site).filter(is_active=True))


def inquiry_for_case(site: Site, pk: int) -> Inquiry:
    return get_for_site_or_404(
        Inquiry.objects.select_related("house__building", "resident", "referred_to"), site, pk=pk
    )


def case_of_inquiry(inquiry: Inquiry) -> Case | None:
    return Case.objects.filter(inquiry=inquiry).select_related("created_by").first()


def house_cases(house: House) -> list[Case]:
    """The newest cases about a house, for its page (case_repeat_house's house column)."""
    return list(
        Case.objects.filter(house=house)
        .select_related("category__parent", "department")
        .order_by("-created_at", "-id")[:HOUSE_CASES_SHOWN]
    )


def case_photo(site: Site, user: User, pk: int) -> tuple[FieldFile, str]:
    """A case photo and the name to download it as; 404 for another site's, and for
    department staff a photo of a case not theirs."""
    photo = get_for_site_or_404(CasePhoto.objects.select_related("case"), site, pk=pk)
    if not may_see(user, site, photo.case):
        raise Http404
    ext = "png" if photo.image.name.endswith(".png") else "jpg"
    return photo.image, f"{photo.case.number}-{photo.pk}.{ext}"
