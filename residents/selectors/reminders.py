"""Payment reminders from the arrears list: who a run reaches, who is left out and why.

One reading serves the confirmation page (what will happen) and the services that send
(residents.services.reminders, on the houses locked): the houses still owing, each with
its current owners and its last reminder by the run's channel. Three queries whatever the
number of houses: the arrears (one aggregate), the houses with their last reminder, their
owners; read as plain rows, so that the page confirming a run of 2,000 houses builds no
model instance for them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cached_property

from django.contrib.postgres.aggregates import ArrayAgg
from django.contrib.postgres.fields import ArrayField
from django.db.models import (
    BigIntegerField,
    BooleanField,
    F,
    Func,
    OuterRef,
    QuerySet,
    Subquery,
    TextChoices,
    Value,
)
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from frontdesk.channels import backends
from frontdesk.channels.adapters.tencent_sms import is_mainland_mobile
from frontdesk.channels.models import SmsTemplate
from frontdesk.models import Department, Site
from residents.models import (
    ArrearsReminder,
    House,
    Occupancy,
    RecordsSettings,
    house_label,
)
from residents.selectors.arrears import Arrears

# The message purpose of the reminder's text (residents/area.py).
PURPOSE = "arrears_reminder"
# The most houses one run reminds (or one print holds): beyond, the filters narrow it.
MAX_HOUSES = 2000
# Skipped houses listed by name on the confirmation page; the rest are counted.
SKIPPED_SHOWN = 200

Channel = ArrearsReminder.Channel


class Skip(TextChoices):
    """Why a house of the run is left out."""

    PAID = "paid", _("Paid since")
    RECENT = "recent", _("Reminded within the interval")
    NO_OWNER = "no_owner", _("No owner on record")
    NO_PHONE = "no_phone", _("No owner's mobile on record")
    OPTED_OUT = "opted_out", _("Owner asked for no text messages")


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

    @property
    def skip_label(self) -> str:
        return Skip(self.skip).label if self.skip else ""


@dataclass
class ReminderPlan:
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
    def skipped_shown(self) -> list[Target]:
        return self.skipped[:SKIPPED_SHOWN]

    @property
    def skip_counts(self) -> list[tuple[str, int]]:
        """(reason, houses) for each reason that left a house out, in Skip's order."""
        counts = Counter(t.skip for t in self.skipped)
        counts[Skip.PAID] += self.paid
        return [(reason.label, counts[reason]) for reason in Skip if counts[reason]]

    @cached_property
    def messages(self) -> int:
        return sum(len(t.texted) for t in self.to_remind)

    @cached_property
    def house_ids(self) -> str:
        """The houses to remind, as the confirmation form posts them back."""
        return ",".join(str(t.house_id) for t in self.to_remind)


class AnyOf(Func):
    """``column = ANY(%s)``, the ids one array parameter: IN with 2,000 parameters costs
    milliseconds of preparing and quoting each of them, for the same plan."""

    output_field = BooleanField()

    def as_sql(self, compiler, connection, **extra):
        column, ids = (compiler.compile(e) for e in self.get_source_expressions())
        return f"{column[0]} = ANY({ids[0]})", (*column[1], *ids[1])


def any_of(field: str, ids: Iterable[int]) -> AnyOf:
    return AnyOf(F(field), Value(list(ids), output_field=ArrayField(BigIntegerField())))


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
    last = (
        ArrearsReminder.objects.filter(house=OuterRef("pk"), channel=channel)
        .order_by("-sent_at")
        .values("sent_at")[:1]
    )
    houses = {
        row[0]: row
        for row in House.objects.for_site(site)
        .filter(any_of("pk", owing))
        .annotate(last_reminder=Subquery(last))
        .order_by()
        .values_list("pk", "building__number", "building__name", "unit", "room", "last_reminder")
    }
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
        _pk, number, name, unit, room, last_at = row
        target = Target(
            house_id,
            house_label(number, name, unit, room),
            arrears,
            owners.get(house_id, []),
            last_at,
            periods=(periods or {}).get(house_id, []),
        )
        target.skip = _skip(target, channel, since)
        targets.append(target)
    return ReminderPlan(channel, settings, targets)


def _skip(target: Target, channel: str, since: datetime) -> str:
    if target.last_reminder is not None and target.last_reminder >= since:
        return Skip.RECENT
    if channel != Channel.SMS:
        return ""  # a slip goes to the door, whoever lives there
    if not target.owners:
        return Skip.NO_OWNER
    if not any(is_mainland_mobile(o.phone) for o in target.owners):
        return Skip.NO_PHONE
    if not target.texted:
        return Skip.OPTED_OUT
    return ""


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
    """The run of the filtered arrears list (``ArrearsFilter.qs``); door slips also list
    the months owed."""
    settings = RecordsSettings.of(site)
    owing, periods, too_many = filtered_owing(rows, with_periods=channel == Channel.SLIP)
    plan = reminder_plan(site, owing, channel=channel, settings=settings, periods=periods)
    plan.too_many = too_many
    return plan


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
