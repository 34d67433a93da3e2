"""What a published notice reached: its groups, its texts, and the households neither got.

A house of the audience is *reached* when its building's residents' group got the
message (the robot's delivery was sent) or the text that stands for it was sent: the
``NoticeRecipient`` written when publishing names the text to one of its current owners'
phones (the first that was not skipped), and any sent text of the notice to that phone
counts (a supervisor's resend is a new row). Every other house is listed with why, for
the desk to phone or visit.

The panel reads in a fixed number of queries however many houses the audience has, and
brings back rows in proportion to the households its groups did not reach:

1. the notice's deliveries counted by channel, state and reason, each robot's row on
   its own (an aggregate over the ``delivery_about`` index: a few dozen rows back);
2. the audience buildings with their robots: whose group got the message;
3. the audience's size;
4. the houses of the buildings whose group did *not* get it, each with the phone of its
   recipient row (a subquery of two index lookups per house; no owners read);
5. every text of the notice (a row per owner phone): the houses whose phone has no sent
   one are the ones not reached, and the owners' whys are read from them;
6. the page's houses, and their current owners.

A notice published before recipients were recorded has none: its houses in buildings not
told read as not reached (each owner's why still says what their text did).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, F, OuterRef, QuerySet, Subquery, Value, When
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from frontdesk.channels.models import Delivery
from frontdesk.models import Site
from frontdesk.scoping import get_for_site_or_404
from frontdesk.xlsx import Sheet
from notices.models import Notice, NoticeRecipient
from notices.selectors.audience import audience_buildings, audience_houses
from notices.services.delivery import sms_wanted
from residents.models import Building, House, Occupancy, Resident

PAGE = 30
Channel, State = Delivery.Channel, Delivery.State
OWNER = Occupancy.Relation.OWNER

# Not (yet) arrived, by the delivery's state.
WAITING = frozenset({State.PENDING, State.SENDING})

# Why a building's group did not get the message, by what its robot's delivery says.
GROUP_WHY: dict[str, Promise] = {
    "no_robot": _("No group robot"),
    "robot_inactive": _("Group robot switched off"),
    "robot_broken": _("Group robot broken"),
    "not_messaged": _("Group not messaged (robot set after publishing)"),
    State.FAILED: _("Group message failed"),
    State.UNCERTAIN: _("Group message outcome unknown"),
    "waiting": _("Group message not sent yet"),
}
# Why an owner's text did not arrive, by the delivery's skip reason or state.
SMS_WHY: dict[str, Promise] = {
    "no_phone": _("No owner phone"),
    "not_mobile": _("Owner phone is not a mobile"),
    "opted_out": _("Opted out of SMS"),
    "no_provider": _("SMS not configured"),
    "no_template": _("SMS not configured"),
    State.FAILED: _("SMS failed"),
    State.UNCERTAIN: _("SMS outcome unknown"),
    "waiting": _("SMS not sent yet"),
    "not_texted": _("Owner not texted (recorded after publishing)"),
    "no_owner": _("No owner on record"),
    "not_for_type": _("No SMS for this type of notice"),
}


def reach_notice(site: Site, pk: int) -> Notice:
    """The notice whose reach is asked for, with its type; a 404 for another site's."""
    return get_for_site_or_404(Notice.objects.select_related("type", "site"), site, pk=pk)


def notice_deliveries(notice: Notice) -> QuerySet[Delivery]:
    """Every delivery written about this notice (notices.services.delivery)."""
    return Delivery.objects.filter(
        site_id=notice.site_id,
        about_type=ContentType.objects.get_for_model(Notice),
        about_id=str(notice.pk),
    )


# --- The deliveries, read once --------------------------------------------------------------


@dataclass
class ChannelCounts:
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    waiting: int = 0
    uncertain: int = 0
    # (why, how many), most first: the skip reasons and the failures' provider codes.
    skipped_why: list[tuple[str, int]] = field(default_factory=list)
    failed_why: list[tuple[str, int]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.sent + self.failed + self.skipped + self.waiting + self.uncertain


@dataclass
class Outcomes:
    """What the notice's deliveries say: counted, with each robot's outcome."""

    robot: ChannelCounts
    sms: ChannelCounts
    # robot id → (state, skip code, detail) of its message
    robots: dict[int, tuple[str, str, str]]


def outcomes(notice: Notice) -> Outcomes:
    """The deliveries counted by channel, state and reason, each robot's row on its own
    (one aggregate: a few dozen rows back whatever the number of texts)."""
    rows = (
        notice_deliveries(notice)
        .values_list(
            "channel",
            "state",
            "code",
            "robot_id",
            # Why a robot is broken, for the group's line; a text's detail is not shown.
            Case(When(channel=Channel.ROBOT, then=F("detail")), default=Value("")),
        )
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = {Channel.ROBOT: ChannelCounts(), Channel.SMS: ChannelCounts()}
    skipped: dict[str, Counter] = defaultdict(Counter)
    failed: dict[str, Counter] = defaultdict(Counter)
    robots: dict[int, tuple[str, str, str]] = {}
    for channel, state, code, robot_id, detail, n in rows:
        c = counts.setdefault(channel, ChannelCounts())
        if state == State.SENT:
            c.sent += n
        elif state == State.FAILED:
            c.failed += n
            failed[channel][code or str(_("unknown"))] += n
        elif state == State.SKIPPED:
            c.skipped += n
            why = SMS_WHY if channel == Channel.SMS else GROUP_WHY
            skipped[channel][str(why.get(code, code))] += n
        elif state == State.UNCERTAIN:
            c.uncertain += n
        else:
            c.waiting += n
        # A robot with several rows (a supervisor's resend): the best of them.
        if robot_id is not None and (robot_id not in robots or _better(state, robots[robot_id][0])):
            robots[robot_id] = (state, code, detail)
    for channel, c in counts.items():
        c.skipped_why = skipped[channel].most_common()
        c.failed_why = failed[channel].most_common()
    return Outcomes(counts[Channel.ROBOT], counts[Channel.SMS], robots)


def texts_to(notice: Notice) -> dict[str, str]:
    """phone → "" when the notice's text to it was sent, else a key of SMS_WHY (one
    query: every text of the notice, a row per owner phone of its audience; naming the
    phones wanted would cost as much to send and plan where the groups were not told,
    and the owners' whys need the phones the recipients do not name)."""
    found: dict[str, tuple[str, str]] = {}
    rows = notice_deliveries(notice).filter(channel=Channel.SMS).exclude(phone="")
    for phone, state, code in rows.values_list("phone", "state", "code"):
        # A phone with several rows (a supervisor's resend): the best of them.
        if phone not in found or _better(state, found[phone][0]):
            found[phone] = (state, code)
    return {phone: _text_state(state, code) for phone, (state, code) in found.items()}


# From arrived to never will: which of two rows for one recipient tells what became of it.
RANK = {
    State.SENT: 0,
    State.SENDING: 1,
    State.PENDING: 1,
    State.UNCERTAIN: 2,
    State.FAILED: 3,
    State.SKIPPED: 4,
}


def _better(state: str, than: str) -> bool:
    return RANK.get(state, 5) < RANK.get(than, 5)


def _text_state(state: str, code: str) -> str:
    if state == State.SENT:
        return ""
    if state == State.SKIPPED:
        return code if code in SMS_WHY else State.FAILED
    if state in WAITING:
        return "waiting"
    return state  # failed, uncertain


# --- The groups -----------------------------------------------------------------------------


@dataclass
class GroupReach:
    building: Building
    # "sent", or a key of GROUP_WHY.
    state: str
    detail: str = ""

    @property
    def reached(self) -> bool:
        return self.state == State.SENT

    @property
    def why(self) -> str:
        return "" if self.reached else str(GROUP_WHY[self.state])


def group_reach(notice: Notice, told: Outcomes) -> dict[int, GroupReach]:
    """Each audience building (by id, in number order) and what became of its group's
    message (one query: the buildings with their robots)."""
    buildings = audience_buildings(notice).select_related("group_robot").order_by("number")
    return {b.pk: GroupReach(b, *_group_state(b.group_robot_id, told.robots)) for b in buildings}


def _group_state(robot_id: int | None, robots: dict) -> tuple[str, str]:
    if robot_id is None:
        return "no_robot", ""
    if robot_id not in robots:
        return "not_messaged", ""
    state, code, detail = robots[robot_id]
    if state == State.SKIPPED:
        return (code if code in GROUP_WHY else "robot_broken"), detail
    if state in WAITING:
        return "waiting", ""
    return state, detail


# --- The households -------------------------------------------------------------------------


def not_reached(notice: Notice, groups: dict[int, GroupReach]) -> tuple[list[int], dict[str, str]]:
    """The audience houses nobody reached, in address order, and what became of the
    notice's texts (``texts_to``), in two queries: the houses of the buildings whose group
    did not get it, each with the phone of the text that stands for it (its
    ``NoticeRecipient``); every text of the notice. A house whose phone has no sent text
    (the phone, not the row: a supervisor's resend is a new row) is not reached.

    The match is made here rather than as an anti-join in the database: right after
    publishing, the planner takes the notice's thousands of new texts for one row and
    loops over them for every recipient (seconds). The phone is a subquery per house, two
    index lookups, which no estimate can turn into a loop over the texts."""
    # The audience's houses are all in these buildings; naming the ones left (rather than
    # excluding the others) lets the planner count the rows it reads, and not overrate a
    # query of a few hundred houses into compiling it (PostgreSQL's JIT, ~10 ms).
    untold = [pk for pk, group in groups.items() if not group.reached]
    houses = (
        audience_houses(notice)
        .filter(building_id__in=untold)
        .order_by("building__number", "unit", "floor", "room", "pk")
    )
    if not sms_wanted(notice):
        return list(houses.values_list("pk", flat=True)), {}
    phone = NoticeRecipient.objects.filter(notice=notice, house_id=OuterRef("pk")).values(
        "sms__phone"
    )[:1]
    rows = list(houses.values_list("pk", Subquery(phone)))
    texts = texts_to(notice)
    return [pk for pk, phone in rows if texts.get(phone) != ""], texts


@dataclass
class OwnerReach:
    resident: Resident
    # "" when their text was sent, else a key of SMS_WHY.
    state: str

    @property
    def why(self) -> str:
        return str(SMS_WHY[self.state]) if self.state else ""


@dataclass
class NotReached:
    house: House
    group: GroupReach | None
    owners: list[OwnerReach]
    # Only when no owner could be texted for a reason of the house (none, not this type).
    sms_why: str = ""

    @property
    def group_why(self) -> str:
        return self.group.why if self.group else str(GROUP_WHY["not_messaged"])

    @property
    def why(self) -> list[str]:
        """Every reason, group first, each once."""
        reasons = [self.group_why]
        if self.sms_why:
            reasons.append(str(SMS_WHY[self.sms_why]))
        reasons += [o.why for o in self.owners if o.why]
        return list(dict.fromkeys(r for r in reasons if r))


def explain(
    notice: Notice, ids: list[int], groups: dict[int, GroupReach], texts: dict[str, str]
) -> list[NotReached]:
    """Why each of the houses ``ids`` was not reached (two queries: the houses, their
    current owners with the residents), in the order of ``ids``; ``texts`` are the
    notice's texts (``not_reached``)."""
    if not ids:
        return []
    houses = House.objects.filter(pk__in=ids).select_related("building").in_bulk()
    owners_of: dict[int, list[Resident]] = defaultdict(list)
    ties = Occupancy.objects.filter(house_id__in=ids, relation=OWNER, moved_out__isnull=True)
    for tie in ties.select_related("resident").order_by("house_id", "id"):
        owners_of[tie.house_id].append(tie.resident)
    texting = sms_wanted(notice)
    rows = []
    for pk in ids:
        residents = owners_of.get(pk, [])
        sms_why = "not_for_type" if not texting else ("" if residents else "no_owner")
        owners = [OwnerReach(r, _owner_state(r, texts) if texting else "") for r in residents]
        house = houses[pk]
        rows.append(NotReached(house, groups.get(house.building_id), owners, sms_why))
    return rows


def _owner_state(resident: Resident, texts: dict[str, str]) -> str:
    if not resident.phone:
        return "no_phone"
    return texts.get(resident.phone, "not_texted")


# --- The panel and the export --------------------------------------------------------------


@dataclass
class Reach:
    notice: Notice
    sms_wanted: bool
    robot: ChannelCounts
    sms: ChannelCounts
    groups: list[GroupReach]
    houses: int
    not_reached: int
    page: Page
    rows: list[NotReached]

    @property
    def reached(self) -> int:
        return self.houses - self.not_reached

    @property
    def group_counts(self) -> Counter:
        return Counter("sent" if g.reached else g.state for g in self.groups)


def reach_panel(notice: Notice, page_number: str | int | None = 1) -> Reach:
    """The reach panel of a notice: counts, groups, and one page of the households not
    reached, in seven queries whatever the audience's size (see the module)."""
    told = outcomes(notice)
    groups = group_reach(notice, told)
    houses = audience_houses(notice).count()
    ids, texts = not_reached(notice, groups)
    page = Paginator(ids, PAGE).get_page(page_number)
    return Reach(
        notice=notice,
        sms_wanted=sms_wanted(notice),
        robot=told.robot,
        sms=told.sms,
        groups=list(groups.values()),
        houses=houses,
        not_reached=len(ids),
        page=page,
        rows=explain(notice, list(page.object_list), groups, texts),
    )


def not_reached_export(notice: Notice) -> list[NotReached]:
    """Every household the notice did not reach, for the spreadsheet (six queries)."""
    groups = group_reach(notice, outcomes(notice))
    ids, texts = not_reached(notice, groups)
    return explain(notice, ids, groups, texts)


def not_reached_sheet(rows: Iterable[NotReached], *, phone: Callable[[str], str]) -> Sheet:
    """One line per household: the house, its group's outcome, its owners and their
    phones (written by ``phone``: masked, or whole for a logged full export), and why."""
    return Sheet(
        title=str(_("Households not reached")),
        headers=[
            str(_("House")),
            str(_("Residents' group")),
            str(_("Owners")),
            str(_("Phones")),
            str(_("Why not reached")),
        ],
        rows=(
            [
                row.house.label,
                row.group_why,
                "、".join(o.resident.name for o in row.owners),
                "、".join(phone(o.resident.phone) for o in row.owners if o.resident.phone),
                "；".join(row.why),
            ]
            for row in rows
        ),
    )
