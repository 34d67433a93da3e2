"""The one way a notice changes: a conditional UPDATE and its timeline entry.

Every service of ``notices.services`` that moves a notice or changes its text calls
``notice_change``. It checks the action against ``notices.states``, then writes the new
state and fields with ``UPDATE … WHERE id = … AND site = … AND state = <seen> AND
revision = <seen>``: when no row changes, someone else changed the notice since it was
read, and ``Conflict`` names who and when; nothing is written. Otherwise the action gets
its ``NoticeEvent``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import F

from frontdesk.conflicts import Conflict
from frontdesk.models import Site, User
from notices.access import may_act
from notices.models import Notice, NoticeEvent
from notices.states import transition


def notice_change(
    *,
    site: Site,
    user: User | None,
    notice: Notice,
    action: str,
    event: str,
    now: datetime,
    changes: dict[str, Any] | None = None,
    revision: int | None = None,
    note: str = "",
    data: dict[str, Any] | None = None,
    on_behalf: bool = False,
) -> NoticeEvent:
    """Apply ``action`` (and ``changes`` to fields) to ``notice`` as its author saw it.

    ``revision`` is the revision the author saw (a page's hidden field), by default the
    notice's own. ``user`` None is the system (the expiry scan), which needs no permission;
    ``on_behalf`` is a step another one of the user's takes with it (publishing a
    correction supersedes the version before), checked as that one was.
    The notice object is updated in place. Another site's notice is Notice.DoesNotExist.
    """
    check_seen(site, notice, revision)
    state = transition(notice.state, action)
    if user is not None and not on_behalf and not may_act(user, notice, action):
        raise PermissionDenied
    seen = notice.revision if revision is None else revision
    changes = {**(changes or {}), "state": state}
    updated = Notice.objects.filter(
        pk=notice.pk, site=site, state=notice.state, revision=seen
    ).update(**changes, revision=F("revision") + 1, updated_at=now, updated_by=user)
    if not updated:
        raise notice_conflict(site, notice)
    from_state = notice.state
    for name, value in changes.items():
        setattr(notice, name, value)
    notice.revision, notice.updated_at, notice.updated_by = seen + 1, now, user
    return NoticeEvent.objects.create(
        notice=notice,
        at=now,
        by=user,
        kind=event,
        from_state=from_state,
        to_state=state,
        note=note,
        data=data or {},
    )


def check_seen(site: Site, notice: Notice, revision: int | None) -> None:
    """Before anything else is checked: the notice as its author saw it (the revision their
    page showed) is the notice as it is, else someone changed it since (Conflict)."""
    if notice.site_id != site.pk:
        raise Notice.DoesNotExist
    if revision is not None and revision != notice.revision:
        raise notice_conflict(site, notice)


def notice_conflict(site: Site, notice: Notice) -> Conflict:
    """The notice as it is now, and who changed it last and when."""
    current = Notice.objects.for_site(site).select_related("updated_by").get(pk=notice.pk)
    return Conflict(current, by=current.updated_by, at=current.updated_at)
