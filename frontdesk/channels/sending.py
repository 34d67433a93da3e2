"""Sending what is due, exactly once, whatever happens to the workers.

A worker claims a batch of due rows (``SELECT … FOR UPDATE SKIP LOCKED``, then a claim
token and a lease on them), so two workers, or beat's scan and an on-commit task, never
take the same row. Just before a row goes to the provider it moves from pending to
sending with a conditional UPDATE on the claim; its outcome is written after. So:

- a worker that dies before sending leaves its rows pending: the lease runs out and the
  next scan takes them;
- a worker that dies while the provider has a row leaves it "sending": it may have arrived,
  so once its lease is over it becomes "outcome unknown" and is not sent again by itself;
- transient failures are retried after 1, 5 and 30 minutes, then failed.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from frontdesk.channels import backends, ratelimit
from frontdesk.channels.adapters.outcome import Outcome, Verdict
from frontdesk.channels.models import Delivery, Robot, SmsTemplate
from frontdesk.channels.quiet import next_allowed
from frontdesk.links import absolute

logger = logging.getLogger(__name__)

State, Channel, Audience = Delivery.State, Delivery.Channel, Delivery.Audience


def lease() -> timedelta:
    """How long a claim holds (settings.CHANNELS_LEASE_SECONDS): longer than the slowest
    provider call, since it is renewed as each row goes out."""
    return timedelta(seconds=settings.CHANNELS_LEASE_SECONDS)


# Waits before the 2nd, 3rd and 4th try; a 4th failure is final.
BACKOFF_SECONDS = (60, 5 * 60, 30 * 60)
BATCH = 200
SMS_PER_REQUEST = 200
# WeCom's "too many messages" is the robot's rate, not a fault of the message.
WECOM_TOO_MANY = "45009"
# No answer in time: the provider may have taken it, so it is not sent again by itself (a
# refused connection or an error reply is sure not to have gone, and is retried).
NO_ANSWER = "timeout"


@dataclass
class Report:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    skipped: int = 0
    uncertain: int = 0
    # When the earliest row put off for a little while (rate limit) is due again, as the
    # database says at the end of the run (next_put_off).
    next_due: datetime | None = None


def send_due(*, batch: int = BATCH, budget_seconds: float = 50) -> Report:
    """Send what is due, batch after batch, for at most about ``budget_seconds`` (checked
    before every provider call: a batch of slow calls must not outlive the task)."""
    report = Report()
    report.uncertain = recover_stale()
    deadline = time.monotonic() + budget_seconds
    while time.monotonic() < deadline:
        token, rows = claim_due(batch)
        if not rows:
            break
        _Batch(token, rows, report, deadline).send()
    # When to come back: what this run (or another) put off for a little while, as the
    # database says now; a row released early in the run may have gone out since.
    report.next_due = next_put_off()
    return report


def next_put_off(within: timedelta = timedelta(seconds=60)) -> datetime | None:
    """The earliest pending row due within the minute (rate limits, short backoffs); the
    minute's scan finds the rest."""
    now = timezone.now()
    return Delivery.objects.filter(
        state=State.PENDING, not_before__gt=now, not_before__lte=now + within
    ).aggregate(at=Min("not_before"))["at"]


def recover_stale(now: datetime | None = None) -> int:
    """Rows left "sending" by a worker that died: they may have arrived; say so."""
    now = now or timezone.now()
    return Delivery.objects.filter(state=State.SENDING, lease_until__lt=now).update(
        state=State.UNCERTAIN,
        claim=None,
        lease_until=None,
        code="interrupted",
        detail=_(
            "The sender stopped while the provider had it: it may have arrived. "
            "Not sent again automatically."
        ),
    )


def claim_due(limit: int) -> tuple[uuid.UUID, list[Delivery]]:
    token, now = uuid.uuid4(), timezone.now()
    with transaction.atomic():
        ids = list(
            Delivery.objects.filter(state=State.PENDING, not_before__lte=now)
            .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
            .order_by("not_before", "id")
            .select_for_update(skip_locked=True)
            .values_list("id", flat=True)[:limit]
        )
        if ids:
            Delivery.objects.filter(id__in=ids).update(claim=token, lease_until=now + lease())
    rows = list(Delivery.objects.filter(id__in=ids, claim=token).order_by("id")) if ids else []
    return token, rows


class _Batch:
    def __init__(
        self, token: uuid.UUID, rows: list[Delivery], report: Report, deadline: float
    ) -> None:
        self.token, self.rows, self.report, self.deadline = token, rows, report, deadline

    def _out_of_time(self, rest: list[Delivery]) -> bool:
        """Past the run's budget: the rows not sent yet go back, due now, for the next run."""
        if time.monotonic() < self.deadline:
            return False
        self._release(rest, timezone.now())
        return True

    def send(self) -> None:
        by_channel: dict[str, list[Delivery]] = defaultdict(list)
        for row in self.rows:
            by_channel[row.channel].append(row)
        robots = defaultdict(list)
        for row in by_channel[Channel.ROBOT]:
            robots[row.robot_id].append(row)
        for robot_id, rows in robots.items():
            self._robot(robot_id, rows)
        self._sms(by_channel[Channel.SMS])
        for row in by_channel[Channel.EMAIL]:
            self._email(row)
        # An inbox row is sent when written; one pending here would be a bug: release it.
        self._release(by_channel[Channel.INBOX], timezone.now())

    # --- claim bookkeeping -------------------------------------------------------------

    def _start(self, rows: list[Delivery]) -> list[Delivery]:
        """Pending → sending for the rows still ours; the ones returned go out."""
        ids = [r.pk for r in rows]
        if not ids:
            return []
        with transaction.atomic():
            started = set(
                Delivery.objects.select_for_update()
                .filter(id__in=ids, claim=self.token, state=State.PENDING)
                .values_list("id", flat=True)
            )
            # A fresh lease from the moment it goes out: a long batch must not have its
            # last rows taken for "outcome unknown" while the provider is answering them.
            Delivery.objects.filter(id__in=started).update(
                state=State.SENDING, lease_until=timezone.now() + lease()
            )
        return [r for r in rows if r.pk in started]

    def _unstart(self, row: Delivery, when: datetime) -> None:
        """A row started but not sent after all (the robot's window is full): pending
        again, free for whoever comes when it is due."""
        Delivery.objects.filter(pk=row.pk, claim=self.token, state=State.SENDING).update(
            state=State.PENDING, claim=None, lease_until=None, not_before=when
        )

    def _release(self, rows: list[Delivery], when: datetime) -> None:
        if rows:
            Delivery.objects.filter(
                id__in=[r.pk for r in rows], claim=self.token, state=State.PENDING
            ).update(claim=None, lease_until=None, not_before=when)

    def _finish(self, rows: Iterable[Delivery], outcome: Outcome, backend: str) -> None:
        rows = list(rows)
        if not rows:
            return
        now = timezone.now()
        if outcome.verdict == Verdict.SENT:
            self._update(rows, state=State.SENT, sent_at=now, backend=backend, outcome=outcome)
            self.report.sent += len(rows)
        elif outcome.verdict == Verdict.RETRY and outcome.code == NO_ANSWER:
            detail = _(
                "The provider did not answer in time: it may have arrived, so it is not sent "
                "again automatically. (%(detail)s)"
            ) % {"detail": outcome.detail}
            self._update(
                rows,
                state=State.UNCERTAIN,
                backend=backend,
                outcome=Outcome(Verdict.RETRY, outcome.code, detail),
            )
            self.report.uncertain += len(rows)
        elif outcome.verdict == Verdict.RETRY:
            for row in rows:
                self._retry(row, outcome, backend, now)
        else:
            self._update(rows, state=State.FAILED, backend=backend, outcome=outcome)
            self.report.failed += len(rows)

    def _finish_sent(self, sent: list[tuple[Delivery, Outcome]], backend: str) -> None:
        """Sent rows of one request, each with its own receipt (the provider's serial
        number), in one UPDATE instead of one per number."""
        if not sent:
            return
        ours = set(
            Delivery.objects.filter(
                id__in=[row.pk for row, _ in sent], claim=self.token, state=State.SENDING
            ).values_list("id", flat=True)
        )
        now, rows = timezone.now(), []
        for row, outcome in sent:
            if row.pk in ours:
                row.state, row.sent_at, row.backend = State.SENT, now, backend
                row.code, row.detail = outcome.code[:100], outcome.detail[:500]
                row.claim = row.lease_until = None
                rows.append(row)
        fields = ["state", "sent_at", "backend", "code", "detail", "claim", "lease_until"]
        Delivery.objects.bulk_update(rows, fields, batch_size=SMS_PER_REQUEST)
        self.report.sent += len(rows)

    def _retry(self, row: Delivery, outcome: Outcome, backend: str, now: datetime) -> None:
        counted = outcome.code != WECOM_TOO_MANY
        attempts = row.attempts + (1 if counted else 0)
        if attempts > len(BACKOFF_SECONDS):
            detail = _("Failed after %(n)d tries: %(detail)s") % {
                "n": attempts,
                "detail": outcome.detail,
            }
            failed = Outcome(Verdict.FAILED, outcome.code, detail)
            self._update(
                [row], state=State.FAILED, backend=backend, outcome=failed, attempts=attempts
            )
            self.report.failed += 1
            return
        wait = BACKOFF_SECONDS[attempts - 1] if counted else 0
        when = now + timedelta(seconds=max(wait, outcome.retry_after or 0))
        if row.audience == Audience.RESIDENT and not row.urgent:
            when = next_allowed(when)
        self._update(
            [row],
            state=State.PENDING,
            backend=backend,
            outcome=outcome,
            attempts=attempts,
            not_before=when,
            claim=None,
            lease_until=None,
        )
        self.report.retried += 1

    def _update(self, rows: list[Delivery], *, outcome: Outcome, **fields) -> None:
        fields.setdefault("claim", None)
        fields.setdefault("lease_until", None)
        Delivery.objects.filter(
            id__in=[r.pk for r in rows], claim=self.token, state=State.SENDING
        ).update(code=outcome.code[:100], detail=outcome.detail[:500], **fields)

    # --- channels -------------------------------------------------------------------------

    def _robot(self, robot_id: int, rows: list[Delivery]) -> None:
        robot = Robot.objects.get(pk=robot_id)  # fresh: another worker may have found it broken
        if not robot.usable:
            reason = robot.broken_reason or _("The group robot is switched off in admin.")
            started = self._start(rows)
            self._finish(started, Outcome(Verdict.FAILED, "robot_unusable", reason), "wecom")
            return
        sender = backends.robot_sender()
        backend = "wecom" if not isinstance(sender, backends.LogRobot) else "log"
        for index, row in enumerate(rows):
            if self._out_of_time(rows[index:]):
                return
            started = self._start([row])
            if not started:
                continue
            # Counted after the row is marked sending and just before the post, so that a
            # slow moment of the database never delays a counted message into the next
            # window (WeCom would see 21).
            try:
                wait = ratelimit.robot_take(robot.pk)
            except Exception:  # Redis down: without the shared count, do not risk the limit
                logger.warning("Robot rate limit unavailable; robot messages wait.", exc_info=True)
                wait = 30
            if wait > 0:
                when = timezone.now() + timedelta(seconds=wait)
                self._unstart(row, when)
                self._release(rows[index + 1 :], when)
                return
            outcome = sender.send(
                robot.key,
                subject=row.subject,
                text=row.text,
                link=absolute(row.link),
                markdown=not row.phone,
                mentioned_mobiles=[row.phone] if row.phone else [],
            )
            if outcome.code == WECOM_TOO_MANY:
                ratelimit.robot_pause(robot.pk, outcome.retry_after or 60)
            if outcome.verdict == Verdict.BROKEN:
                from frontdesk.channels.services.messages import robot_mark_broken

                robot_mark_broken(robot=robot, outcome=outcome)
                self._finish(
                    started, Outcome(Verdict.FAILED, outcome.code, outcome.detail), backend
                )
                rest = self._start(rows[index + 1 :])
                self._finish(rest, Outcome(Verdict.FAILED, outcome.code, outcome.detail), backend)
                return
            self._finish(started, outcome, backend)

    def _sms(self, rows: list[Delivery]) -> None:
        if not rows:
            return
        sender = backends.sms_sender()
        if sender is None:
            started = self._start(rows)
            self._finish(
                started,
                Outcome(Verdict.FAILED, "no_provider", _("No SMS provider is configured.")),
                "",
            )
            return
        backend = "log" if isinstance(sender, backends.LogSms) else "tencent"
        groups: dict[tuple, list[Delivery]] = defaultdict(list)
        for row in rows:
            key = (row.site_id, row.purpose, json.dumps(row.params, sort_keys=True))
            groups[key].append(row)
        for (site_id, purpose, _params), group in groups.items():
            template = SmsTemplate.objects.filter(
                site_id=site_id, purpose=purpose, is_active=True
            ).first()
            if template is None:
                started = self._start(group)
                missing = Outcome(
                    Verdict.FAILED,
                    "no_template",
                    _("No SMS template is recorded for this purpose in admin."),
                )
                self._finish(started, missing, backend)
                continue
            params = template.fill(group[0].params)
            for chunk in _chunks_of_distinct_phones(group, SMS_PER_REQUEST):
                if self._out_of_time(chunk):
                    continue
                started = self._start(chunk)
                if not started:
                    continue
                outcomes = sender.send(
                    phones=[r.phone for r in started],
                    sign_name=template.sign_name,
                    template_id=template.template_id,
                    params=params,
                )
                missing = Outcome(
                    Verdict.RETRY,
                    "missing_status",
                    _("The provider said nothing about this number."),
                )
                sent, others = [], defaultdict(list)
                for row in started:
                    outcome = outcomes.get(row.phone, missing)
                    if outcome.verdict == Verdict.SENT:
                        sent.append((row, outcome))
                    else:
                        others[outcome].append(row)
                self._finish_sent(sent, backend)
                for outcome, same in others.items():
                    self._finish(same, outcome, backend)

    def _email(self, row: Delivery) -> None:
        if self._out_of_time([row]):
            return
        started = self._start([row])
        if not started:
            return
        sender = backends.email_sender()
        backend = "log" if isinstance(sender, backends.LogEmail) else "smtp"
        outcome = sender.send(
            to=row.email, subject=row.subject, text=row.text, link=absolute(row.link)
        )
        self._finish(started, outcome, backend)


def _chunks_of_distinct_phones(rows: list[Delivery], size: int) -> Iterable[list[Delivery]]:
    """Chunks of at most `size` rows, no phone twice in a chunk (replies are per number)."""
    chunks: list[tuple[set[str], list[Delivery]]] = []
    for row in rows:
        for phones, chunk in chunks:
            if len(chunk) < size and row.phone not in phones:
                phones.add(row.phone)
                chunk.append(row)
                break
        else:
            chunks.append(({row.phone}, [row]))
    return [chunk for _phones, chunk in chunks]
