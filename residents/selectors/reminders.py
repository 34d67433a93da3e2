"""Payment reminders from the arrears list: who a run reaches, who is left out and why.

Who is left out, and why, is decided in one place, in SQL (RECENT, OWNERS, SKIP): the
house's reminder by the run's channel within the interval, and its current owners: how
many, how many with a mainland mobile, how many of those have not opted out. Two readings
use it:

- ``run_summary``, for the confirmation page: the run of the filtered list summed up in
  one query, whatever the number of houses (houses per reason, the text messages, the ids
  to remind as the form posts them back), with only the houses the page names: the first
  to remind (the example message) and a page of those left out. A run of 2,000 houses
  builds nothing per house in Python or in the template.
- ``reminder_plan``, house by house with their owners, for the services that send
  (residents.services.reminders, on the houses locked, so that what is sent is decided
  again then) and for the door slips. Three queries whatever the number of houses: the
  arrears (one aggregate), the houses with their standing, their owners.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cached_property

from django.contrib.postgres.aggregates import ArrayAgg
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import QuerySet, TextChoices
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from frontdesk.channels import backends
from frontdesk.channels.adapters.tencent_sms import MAINLAND_MOBILE, is_mainland_mobile
from frontdesk.channels.models import SmsTemplate
from frontdesk.expressions import any_of
from frontdesk.models import Department, Site
from residents.models import ArrearsReminder, Occupancy, RecordsSettings, house_label
from residents.selectors.arrears import Arrears

# The message purpose of the reminder's text (residents/area.py).
PURPOSE = "arrears_reminder"
# The most houses one run reminds (or one print holds): beyond, the filters narrow it.
MAX_HOUSES = 2000
# Houses left out, listed by name on the confirmation page: a page of them at a time.
SKIPPED_PER_PAGE = 50

Channel = ArrearsReminder.Channel


class Skip(TextChoices):
    """Why a house of the run is left out."""

    PAID = "paid", _("Paid since")
    RECENT = "recent", _("Reminded within the interval")
    NO_OWNER = "no_owner", _("No owner on record")
    NO_PHONE = "no_phone", _("No owner's mobile on record")
    OPTED_OUT = "opted_out", _("Owner asked for no text messages")


# The channels' test of a mobile they text (is_mainland_mobile), in PostgreSQL's syntax.
MOBILE_SQL = "^" + MAINLAND_MOBILE.pattern.replace(r"\d", "[0-9]") + "$"

# Why a house is left out, written once for both readings below (HOUSES, SUMMARY), as
# pieces of one query about a set of houses ({houses}: a SELECT of their ids). RECENT,
# the site's reminders by the run's channel within the interval, the houses they hold
# back: a range of the site's reminders, however many houses are asked about. OWNERS,
# each house's current owners: how many, how many with a mainland mobile, how many of
# those not opted out; only for a text message (a slip goes to the door, whoever lives
# there). Their ids reach PostgreSQL as one array it cannot size beforehand, so it looks
# each house's owners up by index (a nested loop), never reads every site's owners for a
# hash join; each phone is matched once (OFFSET 0 keeps the match from being copied into
# each count). STANDING joins both to a house id column ({house}); SKIP is the reason,
# in Skip's order ("" for a house reminded). Parameters: recent_params(),
# owners_params(), skip_params(), in that order.
RECENT = """recent AS (
    SELECT house_id AS house, max(sent_at) AS last_at FROM residents_arrearsreminder
    WHERE site_id = %s AND channel = %s AND sent_at >= %s
    GROUP BY house_id
)"""
OWNERS = f"""owners AS (
    SELECT house, count(*) AS owners, count(*) FILTER (WHERE mobile) AS mobiles,
        count(*) FILTER (WHERE mobile AND NOT no_sms) AS textable
    FROM (
        SELECT oc.house_id AS house, p.phone ~ %s AS mobile, p.no_sms
        FROM residents_occupancy oc JOIN residents_resident p ON p.id = oc.resident_id
        WHERE %s AND oc.house_id = ANY(ARRAY({{houses}}))
            AND oc.relation = '{Occupancy.Relation.OWNER}' AND oc.moved_out IS NULL
        OFFSET 0
    ) AS owner
    GROUP BY house
)"""
STANDING = """LEFT JOIN recent ON recent.house = {house}
LEFT JOIN owners own ON own.house = {house}"""
SKIP = f"""CASE
    WHEN recent.last_at IS NOT NULL THEN '{Skip.RECENT}'
    WHEN NOT %s THEN ''
    WHEN own.owners IS NULL THEN '{Skip.NO_OWNER}'
    WHEN own.mobiles = 0 THEN '{Skip.NO_PHONE}'
    WHEN own.textable = 0 THEN '{Skip.OPTED_OUT}'
    ELSE '' END"""


def recent_params(site: Site, channel: str, since: datetime) -> list:
    return [site.pk, channel, since]


def owners_params(channel: str) -> list:
    return [MOBILE_SQL, channel == Channel.SMS]


def skip_params(channel: str) -> list:
    return [channel == Channel.SMS]


# The houses of a run, one row each: (id, building number, building name, unit, room,
# reminder within the interval, why left out). Parameters: the site, the ids, then
# recent, owners and skip's.
HOUSES = f"""
WITH houses AS (
    SELECT h.id, b.number, b.name, h.unit, h.room
    FROM residents_house h JOIN residents_building b ON b.id = h.building_id
    WHERE h.site_id = %s AND h.id = ANY(%s)
), {RECENT}, {OWNERS.format(houses="SELECT id FROM houses")}
SELECT houses.*, recent.last_at, {SKIP}
FROM houses {STANDING.format(house="houses.id")}
"""

# A run of the filtered arrears list ({rows}: its first MAX_HOUSES + 1 rows, as
# arrears_totals orders them: largest debts first) summed up, in one row: the houses per
# reason ("" for those reminded), their text messages, the ids to remind in the list's
# order, the houses the page names (the first to remind, a page of those left out, the
# last if asked beyond it) with all it shows of them, and whether more houses match than
# a run takes. The rows are the site's bills: their houses are the site's. Parameters:
# the rows', recent, owners and skip's, MAX_HOUSES, the page asked for, SKIPPED_PER_PAGE
# three times, MAX_HOUSES.
SUMMARY = f"""
WITH owing AS MATERIALIZED (
    SELECT o.house, o.arrears_months AS months, o.arrears_total AS total,
        row_number() OVER (ORDER BY o.arrears_total DESC, o.house) AS rank
    FROM ({{rows}}) AS o
), {RECENT}, {OWNERS.format(houses="SELECT house FROM owing")}, run AS MATERIALIZED (
    SELECT o.house, o.months, o.total, o.rank, coalesce(own.textable, 0) AS textable,
        {SKIP} AS skip
    FROM owing o {STANDING.format(house="o.house")}
    WHERE o.rank <= %s
), left_out AS (
    SELECT run.*, row_number() OVER (ORDER BY rank) AS nth, count(*) OVER () AS n
    FROM run WHERE skip <> ''
), named AS (
    (SELECT house, months, total, rank, skip FROM run WHERE skip = '' ORDER BY rank LIMIT 1)
    UNION ALL
    (SELECT house, months, total, rank, skip FROM left_out
        WHERE nth > (least(%s, (n - 1) / %s + 1) - 1) * %s ORDER BY rank LIMIT %s)
)
SELECT
    (SELECT json_object_agg(skip, n) FROM (
        SELECT skip, count(*) AS n FROM run GROUP BY skip) AS reasons),
    coalesce(sum(textable) FILTER (WHERE skip = ''), 0)::int,
    coalesce(string_agg(house::text, ',' ORDER BY rank) FILTER (WHERE skip = ''), ''),
    (SELECT json_agg(json_build_array(named.house, b.number, b.name, h.unit, h.room,
            named.months, named.total::text, named.skip, recent.last_at, own.owners)
            ORDER BY named.rank)
        FROM named JOIN residents_house h ON h.id = named.house
        JOIN residents_building b ON b.id = h.building_id
        LEFT JOIN recent ON recent.house = named.house
        CROSS JOIN LATERAL (
            SELECT json_agg(json_build_array(p.name, p.phone, p.no_sms) ORDER BY oc.id)
                AS owners
            FROM residents_occupancy oc JOIN residents_resident p ON p.id = oc.resident_id
            WHERE oc.house_id = named.house AND oc.relation = '{Occupancy.Relation.OWNER}'
                AND oc.moved_out IS NULL
        ) AS own),
    (SELECT count(*) FROM owing) > %s
FROM run
"""


@dataclass(frozen=True)
class Owner:
    """A current owner of a house, as a reminder needs them (a resident row unread)."""

    name: str
    phone: str
    no_sms: bool

    @property
    def can_text(self) -> bool:
        """As the channels decide: a mainland mobile on record, and not opted out."""
        return is_mainland_mobile(self.phone) and not self.no_sms


@dataclass
class Target:
    """One owing house of a run: what it owes, its owners, and why it is left out (if so)."""

    house_id: int
    label: str
    arrears: Arrears
    owners: list[Owner]
    # Its reminder by the run's channel within the interval, which leaves it out.
    last_reminder: datetime | None = None
    skip: str = ""
    # The months owed (first days), for the door slips; empty unless asked for.
    periods: list[date] = field(default_factory=list)

    @property
    def texted(self) -> list[Owner]:
        """The owners the text message goes to."""
        return [o for o in self.owners if o.can_text]

    @property
    def periods_text(self) -> str:
        """2026-06、2026-07: the months owed, as a slip lists them."""
        return "、".join(f"{p:%Y-%m}" for p in self.periods)

    @property
    def amount_text(self) -> str:
        return amount_text(self.arrears.total)

    @property
    def owner_names(self) -> str:
        return "、".join(o.name for o in self.owners)

    # A slip's words that name the house, worked out here: a print of 50 slips drew them
    # through three translation tags each.
    @property
    def greeting(self) -> str:
        if self.owners:
            return gettext("Dear owner of %(house)s, %(name)s:") % {
                "house": self.label,
                "name": self.owner_names,
            }
        return gettext("Dear owner of %(house)s:") % {"house": self.label}

    @property
    def months_text(self) -> str:
        months = self.arrears.months
        return ngettext("(%(n)s month)", "(%(n)s months)", months) % {"n": months}

    @property
    def skip_label(self) -> str:
        return Skip(self.skip).label if self.skip else ""


def skip_counts(counts: Mapping[str, int]) -> list[tuple[str, int]]:
    """(reason, houses) for each reason that left a house out, in Skip's order."""
    return [(reason.label, counts[reason]) for reason in Skip if counts.get(reason)]


@dataclass
class ReminderPlan:
    """A run house by house (the services, the door slips)."""

    channel: str
    settings: RecordsSettings
    targets: list[Target]
    # Houses asked for that owe nothing now (paid since): only the services know them.
    paid: int = 0
    # More houses matched than one run takes (MAX_HOUSES): nothing is sent.
    too_many: bool = False

    # Worked out once: a page reads each of them several times, over 2,000 houses.
    @cached_property
    def to_remind(self) -> list[Target]:
        return [t for t in self.targets if not t.skip]

    @cached_property
    def skipped(self) -> list[Target]:
        return [t for t in self.targets if t.skip]

    @property
    def skip_counts(self) -> list[tuple[str, int]]:
        counts = Counter(t.skip for t in self.skipped)
        counts[Skip.PAID] += self.paid
        return skip_counts(counts)

    @cached_property
    def messages(self) -> int:
        return sum(len(t.texted) for t in self.to_remind)

    @cached_property
    def house_ids(self) -> str:
        """The houses to remind, as the confirmation form posts them back."""
        return ",".join(str(t.house_id) for t in self.to_remind)


@dataclass
class RunSummary:
    """A run of the filtered list summed up, as the confirmation page shows it: how many
    houses it reminds and with how many text messages, how many it leaves out and why,
    the ids it reminds (posted back, so that what is sent is what was confirmed); by
    name, only the first house to remind (the example message) and a page of the houses
    left out."""

    channel: str
    settings: RecordsSettings
    # Houses per reason ("" for those reminded).
    counts: dict[str, int]
    messages: int
    house_ids: str
    first: Target | None
    # A page of the houses left out, as Targets.
    skipped_page: Page
    too_many: bool
    # Every house of the run, read only when asked (never by the page).
    read_every_house: Callable[[], ReminderPlan]

    @property
    def houses(self) -> int:
        return sum(self.counts.values())

    @property
    def to_remind_count(self) -> int:
        return self.counts.get("", 0)

    @property
    def skipped_count(self) -> int:
        return self.houses - self.to_remind_count

    @property
    def skip_counts(self) -> list[tuple[str, int]]:
        return skip_counts(self.counts)

    @cached_property
    def every_house(self) -> ReminderPlan:
        return self.read_every_house()

    @property
    def targets(self) -> list[Target]:
        return self.every_house.targets

    @property
    def to_remind(self) -> list[Target]:
        return self.every_house.to_remind

    @property
    def skipped(self) -> list[Target]:
        return self.every_house.skipped


def interval_start(settings: RecordsSettings, now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - timedelta(days=settings.reminder_interval_days)


def reminder_plan(
    site: Site,
    owing: Mapping[int, Arrears],
    *,
    channel: str,
    settings: RecordsSettings,
    now: datetime | None = None,
    periods: Mapping[int, list[date]] | None = None,
) -> ReminderPlan:
    """The run for these owing houses (house id → what it owes, in the list's order)."""
    since = interval_start(settings, now)
    with connection.cursor() as cursor:
        cursor.execute(
            HOUSES,
            [
                site.pk,
                list(owing),
                *recent_params(site, channel, since),
                *owners_params(channel),
                *skip_params(channel),
            ],
        )
        houses = {row[0]: row for row in cursor.fetchall()}
    owners: dict[int, list[Owner]] = {}
    for house_id, *owner in (
        Occupancy.objects.filter(
            any_of("house_id", houses), relation=Occupancy.Relation.OWNER, moved_out__isnull=True
        )
        .order_by("house_id", "id")
        .values_list("house_id", "resident__name", "resident__phone", "resident__no_sms")
    ):
        owners.setdefault(house_id, []).append(Owner(*owner))
    targets = []
    for house_id, arrears in owing.items():
        row = houses.get(house_id)
        if row is None:  # another site's id, or a house deleted since
            continue
        _pk, number, name, unit, room, last_at, skip = row
        targets.append(
            Target(
                house_id,
                house_label(number, name, unit, room),
                arrears,
                owners.get(house_id, []),
                last_at,
                skip,
                periods=(periods or {}).get(house_id, []),
            )
        )
    return ReminderPlan(channel, settings, targets)


def owing_rows(rows) -> dict[int, Arrears]:
    """``arrears_totals`` rows (filtered, in the list's order) as house id → Arrears."""
    return {r["house"]: Arrears(r["arrears_months"], r["arrears_total"]) for r in rows}


def filtered_owing(rows: QuerySet, *, with_periods: bool = False):
    """The filtered list's rows, at most MAX_HOUSES of them: (owing, periods, too_many)."""
    if with_periods:
        rows = rows.annotate(arrears_periods=ArrayAgg("period", distinct=True, ordering="period"))
    rows = list(rows[: MAX_HOUSES + 1])
    too_many = len(rows) > MAX_HOUSES
    rows = rows[:MAX_HOUSES]
    periods = {r["house"]: r["arrears_periods"] for r in rows} if with_periods else None
    return owing_rows(rows), periods, too_many


def filtered_plan(site: Site, rows: QuerySet, *, channel: str) -> ReminderPlan:
    """The run of the filtered arrears list (``ArrearsFilter.qs``) house by house; door
    slips also list the months owed."""
    settings = RecordsSettings.of(site)
    owing, periods, too_many = filtered_owing(rows, with_periods=channel == Channel.SLIP)
    plan = reminder_plan(site, owing, channel=channel, settings=settings, periods=periods)
    plan.too_many = too_many
    return plan


def slips_batch(
    site: Site, rows: QuerySet, ids: list[int], *, settings: RecordsSettings
) -> list[Target]:
    """The door slips of ``ids`` (a batch of the houses a run reminds, as run_summary
    gives them), house by house with the months owed, in that order: a print reads its
    batch, never the whole run."""
    owing, periods, _too_many = filtered_owing(rows.filter(house__in=ids), with_periods=True)
    plan = reminder_plan(site, owing, channel=Channel.SLIP, settings=settings, periods=periods)
    by_house = {t.house_id: t for t in plan.to_remind}
    return [by_house[pk] for pk in ids if pk in by_house]


def run_summary(site: Site, rows: QuerySet, *, channel: str, page=None) -> RunSummary:
    """The run of the filtered arrears list (``ArrearsFilter.qs``) summed up, with the
    houses the page names (the first to remind, the ``page`` of those left out): one
    query, whatever the number of houses."""
    settings = RecordsSettings.of(site)
    asked = page_asked(page)
    # Ordered and cut as the list is: PostgreSQL then expects 2,001 rows at most.
    sql, params = rows[: MAX_HOUSES + 1].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            SUMMARY.format(rows=sql),
            [
                *params,
                *recent_params(site, channel, interval_start(settings)),
                *owners_params(channel),
                *skip_params(channel),
                MAX_HOUSES,
                asked,
                SKIPPED_PER_PAGE,
                SKIPPED_PER_PAGE,
                SKIPPED_PER_PAGE,
                MAX_HOUSES,
            ],
        )
        counts, messages, house_ids, named, too_many = cursor.fetchone()
    counts = counts or {}
    named = [_named(row) for row in named or []]
    skipped = sum(n for reason, n in counts.items() if reason)
    # The page the query gave: Paginator reads the number asked for the same way.
    skipped_page = Paginator(range(skipped), SKIPPED_PER_PAGE).get_page(asked)
    skipped_page.object_list = [t for t in named if t.skip]
    return RunSummary(
        channel,
        settings,
        counts=counts,
        messages=messages,
        house_ids=house_ids,
        first=next((t for t in named if not t.skip), None),
        skipped_page=skipped_page,
        too_many=too_many,
        read_every_house=lambda: filtered_plan(site, rows, channel=channel),
    )


def page_asked(page) -> int:
    """A page number as Paginator.get_page reads it: not a number, the first; below the
    first, the last (the query, as Paginator, stops at the last)."""
    last = 2**31 - 1
    try:
        number = int(page)
    except (TypeError, ValueError):
        return 1
    return min(number, last) if number >= 1 else last


def _named(row: list) -> Target:
    """A house the page names, as SUMMARY gives it."""
    house, number, name, unit, room, months, total, skip, last_at, owners = row
    return Target(
        house,
        house_label(number, name, unit, room),
        Arrears(months, Decimal(total)),
        [Owner(*owner) for owner in owners or []],
        datetime.fromisoformat(last_at) if last_at else None,
        skip,
    )


@dataclass(frozen=True)
class SmsReadiness:
    """Whether the site can text reminders now; ``problem`` says why not."""

    template: SmsTemplate | None
    configured: bool

    @property
    def problem(self) -> str:
        if not self.configured:
            return str(_("No SMS provider is configured."))
        if self.template is None:
            return str(
                _(
                    "No SMS template for payment reminders is recorded for this site: a "
                    "supervisor adds the approved one in admin (SMS templates)."
                )
            )
        return ""


def sms_readiness(site: Site) -> SmsReadiness:
    template = SmsTemplate.objects.filter(site=site, purpose=PURPOSE, is_active=True).first()
    return SmsReadiness(template, backends.sms_configured())


def finance_phone(site: Site, settings: RecordsSettings) -> str:
    """Where residents call about their fees: the settings' phone, else the finance
    department's, else the site's service phone."""
    if settings.finance_phone:
        return settings.finance_phone
    phone = (
        Department.objects.for_site(site)
        .filter(kind=Department.Kind.FINANCE, is_active=True)
        .exclude(phone="")
        .order_by("sort_order", "id")
        .values_list("phone", flat=True)
        .first()
    )
    return phone or site.service_phone


def reminder_values(site: Site, target: Target, phone: str) -> dict[str, str]:
    """The template's parameters for one house (residents/area.py names them)."""
    return {
        "site": site.name,
        "house": target.label,
        "amount": amount_text(target.arrears.total),
        "months": str(target.arrears.months),
        "phone": phone,
    }


def reminder_text(values: dict[str, str]) -> str:
    """The message as the delivery log shows it (the SMS itself is the template's text)."""
    return (
        gettext(
            "%(house)s: fees of %(months)s months are owing, ¥%(amount)s in all. Please pay "
            "soon; if you have paid already, please ignore this message. Questions: %(phone)s."
        )
        % values
    )


def amount_text(amount: Decimal) -> str:
    """1200.00, as the text message and the slip say it."""
    return f"{amount:.2f}"
