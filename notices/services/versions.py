"""Corrections: a published notice's text is never changed; a new version is drafted from
it instead, approved like any notice, and replaces it when published (the old version is
then superseded and its token, on the posters already up, leads to the new one:
``Notice.objects.public``)."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from frontdesk.models import Site, User
from notices.access import may_act
from notices.models import Notice, NoticeAttachment, NoticeEntrance, NoticeEvent
from notices.services.changes import check_seen
from notices.states import IN_PROGRESS, Action, State, transition


def _already_started() -> ValidationError:
    return ValidationError(
        _("A new version of this notice is already being prepared: finish or withdraw it first.")
    )


@transaction.atomic
def notice_new_version(
    *,
    site: Site,
    user: User,
    notice: Notice,
    revision: int | None = None,
    now: datetime | None = None,
) -> Notice:
    """修订: a draft of the next version, a copy of ``notice`` (text, audience, dates,
    attachments), for the clerk to correct. The published version stays in force until
    the new one is published."""
    check_seen(site, notice, revision)
    transition(notice.state, Action.NEW_VERSION)
    if not may_act(user, notice, Action.NEW_VERSION):
        raise PermissionDenied
    # The published row locked: two corrections started at once wait for each other, and
    # the second finds the first (and the unique constraint would refuse it in any case).
    locked = Notice.objects.for_site(site).select_for_update().get(pk=notice.pk)
    transition(locked.state, Action.NEW_VERSION)
    if Notice.objects.filter(series=notice.series, state__in=sorted(IN_PROGRESS)).exists():
        raise _already_started()
    now = now or timezone.now()
    latest = (
        Notice.objects.filter(series=notice.series)
        .order_by("-version")
        .values_list("version", flat=True)
    ).first()
    draft = Notice(
        site=site,
        type_id=notice.type_id,
        request_id=notice.request_id,
        template_id=notice.template_id,
        title=notice.title,
        body=notice.body,
        issuer=notice.issuer,
        urgent=notice.urgent,
        audience=notice.audience,
        effective_from=notice.effective_from,
        expires_on=notice.expires_on,
        series=notice.series,
        version=(latest or notice.version) + 1,
        supersedes=notice,
        created_by=user,
        created_at=now,
        updated_by=user,
        updated_at=now,
    )
    try:
        with transaction.atomic():
            draft.save(force_insert=True)
    except IntegrityError:
        raise _already_started() from None
    draft.buildings.set(notice.buildings.all())
    draft.houses.set(notice.houses.all())
    NoticeEntrance.objects.bulk_create(
        NoticeEntrance(notice=draft, building_id=e.building_id, unit=e.unit)
        for e in notice.entrances.all()
    )
    # The same stored files: attachments are never deleted from storage.
    NoticeAttachment.objects.bulk_create(
        NoticeAttachment(
            notice=draft,
            file=a.file.name,
            name=a.name,
            kind=a.kind,
            size=a.size,
            uploaded_by_id=a.uploaded_by_id,
            uploaded_at=a.uploaded_at,
        )
        for a in notice.attachments.all()
    )
    NoticeEvent.objects.bulk_create(
        [
            NoticeEvent(
                notice=notice,
                at=now,
                by=user,
                kind=NoticeEvent.Kind.NEW_VERSION,
                from_state=notice.state,
                to_state=notice.state,
                data={"notice": draft.pk, "version": draft.version},
            ),
            NoticeEvent(
                notice=draft,
                at=now,
                by=user,
                kind=NoticeEvent.Kind.CREATED,
                to_state=State.DRAFT,
                data={"supersedes": notice.pk, "version": notice.version},
            ),
        ]
    )
    return draft
