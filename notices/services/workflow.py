"""A notice's way from draft to the board: submitted, approved or sent back, published
(by the desk once approved, or directly by a supervisor when urgent), withdrawn.

Each service takes the notice as its author saw it (and ``revision``, the revision the
page showed): a change is one conditional UPDATE (``services.changes.notice_change``), so
of two people acting at once the second gets a ``Conflict`` and nothing of theirs is
written. Bad input is a ValidationError beside the field; an action the notice's state
does not allow is ``states.IllegalTransition``; one the user may not take (a clerk
approving) is PermissionDenied.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from frontdesk.forms import TOO_LONG
from frontdesk.models import Site, User
from notices.models import REASON_LENGTH, Notice, NoticeEvent
from notices.services.changes import check_seen, notice_change
from notices.services.delivery import notice_published, notice_withdrawn
from notices.states import Action, State, transition


def _required(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    if len(value) > REASON_LENGTH:
        raise ValidationError({field: TOO_LONG % {"limit_value": REASON_LENGTH}})
    return value


@transaction.atomic
def notice_submit(
    *,
    site: Site,
    user: User,
    notice: Notice,
    revision: int | None = None,
    now: datetime | None = None,
) -> Notice:
    """提交审核: the draft (or the notice sent back, corrected) goes to a supervisor."""
    now = now or timezone.now()
    notice_change(
        site=site,
        user=user,
        notice=notice,
        action=Action.SUBMIT,
        event=NoticeEvent.Kind.SUBMITTED,
        now=now,
        changes={"submitted_by": user, "submitted_at": now},
        revision=revision,
    )
    return notice


@transaction.atomic
def notice_approve(
    *,
    site: Site,
    user: User,
    notice: Notice,
    comment: str = "",
    revision: int | None = None,
    now: datetime | None = None,
) -> Notice:
    """审核通过, with an optional comment; the desk may then publish it."""
    now = now or timezone.now()
    comment = (comment or "").strip()
    notice_change(
        site=site,
        user=user,
        notice=notice,
        action=Action.APPROVE,
        event=NoticeEvent.Kind.APPROVED,
        now=now,
        changes={
            "approved_by": user,
            "approved_at": now,
            "approval_comment": comment,
            "return_comment": "",
        },
        revision=revision,
        note=comment,
    )
    return notice


@transaction.atomic
def notice_send_back(
    *,
    site: Site,
    user: User,
    notice: Notice,
    comment: str,
    revision: int | None = None,
    now: datetime | None = None,
) -> Notice:
    """退回修改: back to its author with what to change (required)."""
    check_seen(site, notice, revision)
    transition(notice.state, Action.SEND_BACK)
    comment = _required(comment, "comment", _("Say what should be changed."))
    now = now or timezone.now()
    notice_change(
        site=site,
        user=user,
        notice=notice,
        action=Action.SEND_BACK,
        event=NoticeEvent.Kind.SENT_BACK,
        now=now,
        changes={
            "return_comment": comment,
            "approved_by": None,
            "approved_at": None,
            "approval_comment": "",
        },
        revision=revision,
        note=comment,
    )
    return notice


def _check_publishable(notice: Notice, now: datetime) -> None:
    if notice.expires_on < timezone.localdate(now):
        raise ValidationError(
            _(
                "Its expiry date (%(date)s) has passed: it cannot be published. "
                "Send it back to change the dates."
            )
            % {"date": notice.expires_on.isoformat()}
        )


def _supersede_predecessor(site: Site, user: User, notice: Notice, now: datetime) -> None:
    """A correction published: the version it corrects, if still in force, is replaced
    (before this one is published: one version of a notice is in force at a time)."""
    if notice.supersedes_id is None:
        return
    old = Notice.objects.for_site(site).select_for_update().get(pk=notice.supersedes_id)
    if old.state != State.PUBLISHED:
        return  # expired or withdrawn meanwhile: nothing left to replace
    notice_change(
        site=site,
        user=user,
        notice=old,
        action=Action.SUPERSEDE,
        event=NoticeEvent.Kind.SUPERSEDED,
        now=now,
        changes={"ended_at": now},
        data={"by": notice.pk, "version": notice.version},
        on_behalf=True,
    )


@transaction.atomic
def notice_publish(
    *,
    site: Site,
    user: User,
    notice: Notice,
    revision: int | None = None,
    now: datetime | None = None,
) -> Notice:
    """发布: an approved notice goes public; a correction replaces the version before,
    whose token (the old posters' QR codes) then leads to this one."""
    check_seen(site, notice, revision)
    transition(notice.state, Action.PUBLISH)
    now = now or timezone.now()
    _check_publishable(notice, now)
    _supersede_predecessor(site, user, notice, now)
    notice_change(
        site=site,
        user=user,
        notice=notice,
        action=Action.PUBLISH,
        event=NoticeEvent.Kind.PUBLISHED,
        now=now,
        changes={"published_by": user, "published_at": now},
        revision=revision,
    )
    notice_published(notice, user=user, now=now)
    return notice


@transaction.atomic
def notice_publish_now(
    *,
    site: Site,
    user: User,
    notice: Notice,
    comment: str = "",
    revision: int | None = None,
    now: datetime | None = None,
) -> Notice:
    """直接发布: a supervisor publishes an urgent notice without the approval step; they
    are recorded as its approver."""
    check_seen(site, notice, revision)
    transition(notice.state, Action.PUBLISH_NOW)
    if not notice.urgent:
        raise ValidationError(
            _("Only an urgent notice is published without approval: submit this one.")
        )
    now = now or timezone.now()
    _check_publishable(notice, now)
    comment = (comment or "").strip()
    _supersede_predecessor(site, user, notice, now)
    notice_change(
        site=site,
        user=user,
        notice=notice,
        action=Action.PUBLISH_NOW,
        event=NoticeEvent.Kind.PUBLISHED_NOW,
        now=now,
        changes={
            "approved_by": user,
            "approved_at": now,
            "approval_comment": comment,
            "published_by": user,
            "published_at": now,
        },
        revision=revision,
        note=comment,
    )
    notice_published(notice, user=user, now=now)
    return notice


@transaction.atomic
def notice_withdraw(
    *,
    site: Site,
    user: User,
    notice: Notice,
    reason: str,
    revision: int | None = None,
    now: datetime | None = None,
) -> Notice:
    """撤回, with the reason: a draft abandoned, or a public notice taken down (its public
    page then says it was withdrawn)."""
    check_seen(site, notice, revision)
    transition(notice.state, Action.WITHDRAW)
    reason = _required(reason, "reason", _("Say why the notice is withdrawn."))
    now = now or timezone.now()
    # Residents saw it only once it was published: only then are they told.
    was_public = notice.state == State.PUBLISHED
    notice_change(
        site=site,
        user=user,
        notice=notice,
        action=Action.WITHDRAW,
        event=NoticeEvent.Kind.WITHDRAWN,
        now=now,
        changes={"withdrawn_by": user, "withdrawn_at": now, "withdraw_reason": reason},
        revision=revision,
        note=reason,
    )
    if was_public:
        notice_withdrawn(notice, user=user)
    return notice
