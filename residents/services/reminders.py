"""Payment reminders (催缴): every write of ArrearsReminder, and the owners' text messages.

A run reminds the houses the clerk confirmed, as they are at that moment: a house that has
paid since is left out, and so is one reminded the same way within the site's interval
(RecordsSettings), by anyone. What each house owes is read again after the houses are
locked, so the figures sent are the ones of the database, not of the page.

Concurrency: the houses are locked in id order first (residents.services.allocations'
lock, FOR NO KEY UPDATE, taken by every writer of a house's money). Two clerks sending to
the same houses at once take turns: the second reads the first's reminders after it
commits, and leaves those houses out. A payment being recorded for a house is counted
before or after the run, never half-way. The database also refuses a second reminder of a
house by the same channel on the same day (arrearsreminder_once_a_day), which the lock
keeps from ever being reached.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from frontdesk.bulk import copy_create
from frontdesk.channels.recipients import Message, Personal, ResidentPhone
from frontdesk.channels.services.messages import message_send
from frontdesk.models import Site, User
from residents.models import ArrearsReminder, RecordsSettings
from residents.selectors.arrears import houses_owing
from residents.selectors.reminders import (
    MAX_HOUSES,
    PURPOSE,
    ReminderPlan,
    Target,
    finance_phone,
    reminder_plan,
    reminder_text,
    reminder_values,
    sms_readiness,
)
from residents.services.allocations import houses_lock

Channel = ArrearsReminder.Channel
BATCH = 2000


class RemindersUnavailable(Exception):
    """The run cannot be made (no SMS template, too many houses): nothing was written."""


@dataclass(frozen=True)
class ReminderRun:
    """What a run did: the reminders written, the text messages queued, who was left out."""

    plan: ReminderPlan
    reminders: list[ArrearsReminder]

    @property
    def messages(self) -> int:
        return sum(r.messages for r in self.reminders)


def arrears_reminders_send(*, site: Site, user: User, house_ids: Iterable[int]) -> ReminderRun:
    """Text the owners of these houses a payment reminder (the approved template)."""
    return _remind(site, user, house_ids, Channel.SMS)


def arrears_slips_record(*, site: Site, user: User, house_ids: Iterable[int]) -> ReminderRun:
    """Record the door slips of these houses as delivered (printing alone records nothing,
    so that a reprint is not a second reminder)."""
    return _remind(site, user, house_ids, Channel.SLIP)


@transaction.atomic
def _remind(site: Site, user: User, house_ids: Iterable[int], channel: str) -> ReminderRun:
    ids = list(dict.fromkeys(house_ids))
    if len(ids) > MAX_HOUSES:
        raise RemindersUnavailable(
            _("At most %(n)s houses at a time: narrow the filters.") % {"n": MAX_HOUSES}
        )
    settings = RecordsSettings.of(site)
    if channel == Channel.SMS and (problem := sms_readiness(site).problem):
        raise RemindersUnavailable(problem)
    locked = houses_lock(site=site, house_ids=ids)
    now = timezone.now()
    owing = houses_owing(site, locked, timezone.localdate(now))
    plan = reminder_plan(site, owing, channel=channel, settings=settings, now=now)
    plan.paid = len(locked) - len(owing)
    targets = plan.to_remind
    reminders = copy_create(
        [
            ArrearsReminder(
                site=site,
                house_id=t.house_id,
                channel=channel,
                amount=t.arrears.total,
                months=t.arrears.months,
                messages=len(t.texted) if channel == Channel.SMS else 0,
                sent_by=user,
                sent_at=now,
                sent_on=timezone.localdate(now),
            )
            for t in targets
        ],
        batch_size=BATCH,
    )
    if channel == Channel.SMS and reminders:
        _text_owners(site, user, settings, targets, reminders)
    return ReminderRun(plan, reminders)


def _text_owners(
    site: Site,
    user: User,
    settings: RecordsSettings,
    targets: list[Target],
    reminders: list[ArrearsReminder],
) -> None:
    """One message_send for the whole run: each house's owners, every one of them (an
    owner who cannot be texted is written as not sent, with why, as the channels do),
    each with their house's figures and reminder."""
    phone = finance_phone(site, settings)
    recipients: list[Personal] = []
    for target, reminder in zip(targets, reminders, strict=True):
        values = reminder_values(site, target, phone)
        message = Message(
            purpose=PURPOSE,
            subject=_("Payment reminder"),
            text=reminder_text(values),
            params=values,
        )
        recipients += [
            Personal(
                ResidentPhone(
                    phone=owner.phone,
                    name=f"{owner.name}（{target.label}）",
                    no_sms=owner.no_sms,
                ),
                message,
                about=reminder,
            )
            for owner in target.owners
        ]
    message_send(
        site=site,
        recipients=recipients,
        message=Message(
            purpose=PURPOSE,
            subject=_("Payment reminder"),
            text=_("Payment reminder"),
            params={"site": site.name, "phone": phone},
        ),
        user=user,
    )
