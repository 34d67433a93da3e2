"""What a published notice reached: its groups, its texts, and the households neither got.

A house of the audience is *reached* when its building's residents' group got the
message (the robot's delivery was sent) or the text that stands for it was sent: the
``NoticeRecipient`` written when publishing names the text to one of its current owners'
phones (the first that was not skipped), and any sent text of the notice to that phone
counts (a supervisor's resend is a new row). Every other house is listed with why, for
the desk to phone or visit.

The panel reads in a fixed number of queries however many houses the audience has, and
never a row per household: what it reads grows with the households not reached.

1. the notice's deliveries counted by channel, state and reason, each robot's row on
   its own (an aggregate over the ``delivery_about`` index: a few dozen rows back);
2. the audience buildings with their robots: whose group got the message;
3. the audience's size;
4. the notice's texts not sent, each with whether its phone got one sent since (the
   index's range of each unsent state: a few hundred rows once sending is done);
5. the recipients of the buildings whose group did not get it with no text or one of
   those, in address order: the households not reached (for a notice not texted, the
   houses of those buildings, counted and paged in the database);
6. the page's houses, their current owners, and which of the owners' phones got a text.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Page, Paginator
from django.db.models import Case, OuterRef, Q, QuerySet, Subquery, When
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from frontdesk.channels.models import Delivery
from frontdesk.channels.services.resend import RESENDABLE
from frontdesk.expressions import any_of
from frontdesk.models import Site
from frontdesk.scoping import get_for_site_or_404
from frontdesk.xlsx import Sheet
from notices.models import Notice, NoticeRecipient
from notices.selectors.audience import audience_buildings, audience_houses
from notices.services.delivery import PURPOSE, sms_wanted
from residents.models import Building, House, Occupancy, Resident

PAGE = 30
Channel, State = Delivery.Channel, Delivery.State
OWNER = Occupancy.Relation.OWNER

# Not (yet) arrived, by the delivery's state.
WAITING = frozenset({State.PENDING, State.SENDING})
# Every state but sent, as the index's ranges (rather than "not sent", which it cannot seek).
UNSENT = [state for state in State.values if state != State.SENT]
# The houses in the order the desk walks them.
ADDRESS = ("building__number", "unit", "floor", "room", "pk")

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
    # Not filtered by site too: the notice is the site's, and the site is not in the
    # index that counts the texts sent without reading them.
    return Delivery.objects.filter(
        about_type=ContentType.objects.get_for_model(Notice), about_id=str(notice.pk)
    )


# --- The deliveries, read once --------------------------------------------------------------


@dataclass
class ChannelCounts:
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    waiting: int = 0
    uncertain: int = 0
    # The skip codes and the failures' provider codes, each counted.
    skipped_codes: Counter = field(default_factory=Counter)
    failed_codes: Counter = field(default_factory=Counter)
    # What a skip code says (GROUP_WHY or SMS_WHY).
    why: dict[str, Promise] = field(default_factory=dict, repr=False)

    @property
    def skipped_why(self) -> list[tuple[str, int]]:
        """(why, how many), most first."""
        reasons: Counter = Counter()
        for code, n in self.skipped_codes.items():
            reasons[str(self.why.get(code, code))] += n
        return reasons.most_common()

    @property
    def failed_why(self) -> list[tuple[str, int]]:
        return [(code or str(_("unknown")), n) for code, n in self.failed_codes.most_common()]

    @property
    def total(self) -> int:
        return self.sent + self.failed + self.skipped + self.waiting + self.uncertain


@dataclass
class UnsentTexts:
    # phone → "" when a text to it was sent after all, else a key of SMS_WHY
    states: dict[str, str]
    # the rows whose phone no text reached
    unreached: list[int]


@dataclass
class Outcomes:
    """What the notice's deliveries say: counted, with each robot's outcome and what
    became of the texts not sent."""

    robot: ChannelCounts
    sms: ChannelCounts
    # robot id → (state, skip code, detail) of its message
    robots: dict[int, tuple[str, str, str]]
    unsent: UnsentTexts


def outcomes(notice: Notice) -> Outcomes:
    """The deliveries counted by channel, state and reason, in three queries whatever the
    number of texts, none reading the texts sent (all but a few hundred of them): the
    texts sent counted (the ``delivery_about`` index alone), the groups' messages
    (a few dozen rows), the texts not sent."""
    deliveries = notice_deliveries(notice)
    robot, sms = ChannelCounts(why=GROUP_WHY), ChannelCounts(why=SMS_WHY)
    sms.sent = deliveries.filter(channel=Channel.SMS, state=State.SENT).count()
    robots: dict[int, tuple[str, str, str]] = {}
    # The publication's group messages: a withdrawal's (notice_withdrawn) reached no one
    # with the notice.
    group_rows = deliveries.filter(channel=Channel.ROBOT, purpose=PURPOSE).values_list(
        "robot_id", "state", "code", "detail"
    )
    for robot_id, state, code, detail in group_rows.order_by():
        _count(robot, state, code)
        # A robot with several rows (a supervisor's resend): the best of them.
        if robot_id is not None and (robot_id not in robots or _better(state, robots[robot_id][0])):
            robots[robot_id] = (state, code, detail)
    # A failed or uncertain text a supervisor sent again, and this time it was sent: the
    # phone was reached after all. A look-up in the index for each of those rows (as a
    # scalar subquery: an EXISTS the planner may turn into reading every text sent).
    sent_again = deliveries.filter(channel=Channel.SMS, state=State.SENT, phone=OuterRef("phone"))
    texts = (
        deliveries.filter(channel=Channel.SMS, state__in=UNSENT)
        .annotate(
            sent_again=Case(
                When(
                    state__in=list(RESENDABLE),
                    then=Subquery(sent_again.order_by().values("pk")[:1]),
                )
            )
        )
        .values_list("pk", "phone", "state", "code", "sent_again")
        .order_by()
    )
    found: dict[str, tuple[str, str]] = {}
    rows: list[tuple[int, str]] = []
    for pk, phone, state, code, again in texts:
        _count(sms, state, code)
        rows.append((pk, phone))
        if again is not None:
            state, code = State.SENT, ""
        # A phone with several rows: the best of them.
        if phone not in found or _better(state, found[phone][0]):
            found[phone] = (state, code)
    # The rows whose phone nothing reached, whichever of its rows a recipient names.
    unreached = [pk for pk, phone in rows if found[phone][0] != State.SENT]
    unsent = UnsentTexts(
        {phone: _text_state(state, code) for phone, (state, code) in found.items()}, unreached
    )
    return Outcomes(robot, sms, robots, unsent)


def _count(counts: ChannelCounts, state: str, code: str) -> None:
    if state == State.SENT:
        counts.sent += 1
    elif state == State.FAILED:
        counts.failed += 1
        counts.failed_codes[code] += 1
    elif state == State.SKIPPED:
        counts.skipped += 1
        counts.skipped_codes[code] += 1
    elif state == State.UNCERTAIN:
        counts.uncertain += 1
    else:
        counts.waiting += 1


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


def not_reached(
    notice: Notice, groups: dict[int, GroupReach], unsent: UnsentTexts
) -> tuple[Sequence[int], dict[str, str]]:
    """The audience houses nobody reached, in address order, and what became of the
    notice's texts not sent (``outcomes``).

    For a notice that is texted: its recipients in the buildings whose group did not get
    it, without a text or with one whose phone nothing reached (a list: as many as the
    households not reached). For one that is not: the houses of those buildings, as a
    query the paginator counts and slices."""
    # The audience's houses are all in these buildings; naming the ones left (rather than
    # excluding the others) lets the planner count the rows it reads.
    untold = [pk for pk, group in groups.items() if not group.reached]
    if not sms_wanted(notice):
        houses = audience_houses(notice).filter(building_id__in=untold)
        return houses.order_by(*ADDRESS).values_list("pk", flat=True), {}
    candidates = NoticeRecipient.objects.filter(notice=notice).filter(
        Q(sms__isnull=True) | any_of("sms_id", unsent.unreached)
    )
    # Put in order apart, and of the groups not told here: joined to the houses, the
    # planner cannot tell how few rows the recipients give, and reads every house of the
    # buildings to join them (~6 ms).
    houses = House.objects.filter(any_of("pk", candidates.values_list("house_id", flat=True)))
    rows = houses.order_by(*ADDRESS).values_list("pk", "building_id")
    untold_set = set(untold)
    return [pk for pk, building_id in rows if building_id in untold_set], unsent.states


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
    notice: Notice, ids: list[int], groups: dict[int, GroupReach], unsent: dict[str, str]
) -> list[NotReached]:
    """Why each of the houses ``ids`` was not reached (three queries: the houses, their
    current owners with the residents, which of the owners' other phones a text was
    sent to), in the order of ``ids``; ``unsent`` is what became of the notice's texts
    not sent (``not_reached``)."""
    if not ids:
        return []
    houses = House.objects.filter(pk__in=ids).select_related("building").in_bulk()
    owners_of: dict[int, list[Resident]] = defaultdict(list)
    ties = Occupancy.objects.filter(house_id__in=ids, relation=OWNER, moved_out__isnull=True)
    for tie in ties.select_related("resident").order_by("house_id", "id"):
        owners_of[tie.house_id].append(tie.resident)
    texting = sms_wanted(notice)
    texts = dict(unsent)
    if texting:
        # An owner's phone with no unsent text: sent (a co-owner's), or never texted.
        others = {r.phone for rs in owners_of.values() for r in rs if r.phone} - texts.keys()
        sent = notice_deliveries(notice).filter(
            channel=Channel.SMS, state=State.SENT, phone__in=others
        )
        texts |= dict.fromkeys(sent.values_list("phone", flat=True), "")
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

    @property
    def group_lines(self) -> list[GroupLine]:
        """The buildings by what became of their group's message, sent first: one line
        each rather than a row per building (a site has dozens)."""
        lines: dict[tuple[str, str], GroupLine] = {}
        for g in self.groups:
            key = ("sent", "") if g.reached else (g.state, g.detail)
            line = lines.setdefault(
                key, GroupLine(g.state if not g.reached else "sent", g.why, g.detail)
            )
            line.buildings.append(g.building.label)
        return sorted(lines.values(), key=lambda line: line.state != "sent")


@dataclass
class GroupLine:
    # "sent", or a key of GROUP_WHY
    state: str
    why: str
    detail: str
    buildings: list[str] = field(default_factory=list)

    @property
    def buildings_text(self) -> str:
        return "、".join(self.buildings)


def reach_panel(notice: Notice, page_number: str | int | None = 1) -> Reach:
    """The reach panel of a notice: counts, groups, and one page of the households not
    reached, in seven queries whatever the audience's size (see the module)."""
    told = outcomes(notice)
    groups = group_reach(notice, told)
    texted = sms_wanted(notice)
    # A texted notice's households are those it was published to (a house recorded
    # since was neither texted nor is counted); a notice not texted reaches through its
    # groups whoever lives there now.
    households = (
        NoticeRecipient.objects.filter(notice=notice) if texted else audience_houses(notice)
    )
    ids, texts = not_reached(notice, groups, told.unsent)
    page = Paginator(ids, PAGE).get_page(page_number)
    return Reach(
        notice=notice,
        sms_wanted=texted,
        robot=told.robot,
        sms=told.sms,
        groups=list(groups.values()),
        houses=households.count(),
        not_reached=page.paginator.count,
        page=page,
        rows=explain(notice, list(page.object_list), groups, texts),
    )


def not_reached_export(notice: Notice) -> list[NotReached]:
    """Every household the notice did not reach, for the spreadsheet (six queries)."""
    told = outcomes(notice)
    groups = group_reach(notice, told)
    ids, texts = not_reached(notice, groups, told.unsent)
    return explain(notice, list(ids), groups, texts)


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
