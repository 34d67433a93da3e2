"""Writing a notice: management's request recorded as it came, a draft created (from
scratch, a request or a template) and edited while it is a draft or sent back.

Bad input is a ValidationError beside the field it concerns; editing a notice its state
keeps as it is (submitted, approved, published …) is ``states.IllegalTransition``; two
people saving one draft at once: the second gets a ``Conflict``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from frontdesk.models import Department, Site, User
from frontdesk.scoping import check_same_site
from notices.attachments import CleanAttachment, attachments_store, check_attachment_count
from notices.models import (
    Notice,
    NoticeAttachment,
    NoticeEntrance,
    NoticeEvent,
    NoticeRequest,
    NoticeTemplate,
    NoticeType,
)
from notices.services.changes import check_seen, notice_change
from notices.states import Action, transition
from residents.models import Building, House

# The most houses one notice names one by one; more is a building or an entrance.
MAX_HOUSES = 200


def _required(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


@transaction.atomic
def notice_request_create(
    *,
    site: Site,
    user: User,
    requested_by: str,
    content: str,
    via: str = NoticeRequest.Via.IN_PERSON,
    department: Department | None = None,
    wanted_on: date | None = None,
    now: datetime | None = None,
) -> NoticeRequest:
    """管理处的通知需求, recorded as it came: who asked, what, for when."""
    check_same_site(site, department=department)
    return NoticeRequest.objects.create(
        site=site,
        requested_by=_required(requested_by, "requested_by", _("Say who asked for the notice.")),
        content=_required(content, "content", _("Write what is to be announced.")),
        via=via,
        department=department,
        wanted_on=wanted_on,
        received_by=user,
        received_at=now or timezone.now(),
    )


def _checked(
    site: Site,
    *,
    type: NoticeType,
    title: str,
    body: str,
    issuer: str,
    audience: str,
    buildings: Sequence[Building],
    entrances: Sequence[tuple[Building, int]],
    houses: Sequence[House],
    effective_from: date,
    expires_on: date,
    request: NoticeRequest | None = None,
    template: NoticeTemplate | None = None,
) -> dict:
    """The draft's fields, checked: the text, the dates, and an audience of this site."""
    check_same_site(site, type=type, request=request, template=template)
    if not type.is_active:
        raise ValidationError({"type": _("This notice type is no longer in use.")})
    errors = {}
    if expires_on < effective_from:
        errors["expires_on"] = _("The expiry date cannot be before the effective date.")
    chosen = {
        Notice.Audience.BUILDINGS: buildings,
        Notice.Audience.ENTRANCES: entrances,
        Notice.Audience.HOUSES: houses,
    }
    if audience in chosen and not chosen[audience]:
        errors[audience] = _("Choose at least one, or send the notice to the whole site.")
    if len(houses) > MAX_HOUSES:
        errors["houses"] = _(
            "At most %(count)s houses one by one: choose their buildings or entrances instead."
        ) % {"count": MAX_HOUSES}
    for name, rows in (("buildings", buildings), ("houses", houses)):
        if any(row.site_id != site.pk for row in rows):
            errors[name] = _("This belongs to another site than the record itself.")
    if any(building.site_id != site.pk for building, _unit in entrances):
        errors["entrances"] = _("This belongs to another site than the record itself.")
    if errors:
        raise ValidationError(errors)
    return {
        "type": type,
        "title": _required(title, "title", _("Give the notice a title.")),
        "body": _required(body, "body", _("Write the notice.")),
        "issuer": _required(issuer, "issuer", _("Say which office issues the notice.")),
        "audience": audience,
        "effective_from": effective_from,
        "expires_on": expires_on,
        "request": request,
        "template": template,
    }


def _audience_write(notice: Notice, buildings, entrances, houses) -> None:
    """The rows of the chosen audience; none but its own kind's (the whole site: none)."""
    kind = notice.audience
    notice.buildings.set(buildings if kind == Notice.Audience.BUILDINGS else [])
    notice.houses.set(houses if kind == Notice.Audience.HOUSES else [])
    NoticeEntrance.objects.filter(notice=notice).delete()
    if kind == Notice.Audience.ENTRANCES:
        NoticeEntrance.objects.bulk_create(
            NoticeEntrance(notice=notice, building=building, unit=unit)
            for building, unit in dict.fromkeys(entrances)
        )


@transaction.atomic
def notice_create(
    *,
    site: Site,
    user: User,
    type: NoticeType,
    title: str,
    body: str,
    issuer: str,
    effective_from: date,
    expires_on: date,
    urgent: bool = False,
    audience: str = Notice.Audience.SITE,
    buildings: Sequence[Building] = (),
    entrances: Sequence[tuple[Building, int]] = (),
    houses: Sequence[House] = (),
    request: NoticeRequest | None = None,
    template: NoticeTemplate | None = None,
    attachments: Sequence[CleanAttachment] = (),
    now: datetime | None = None,
) -> Notice:
    """A new draft, the clerk's, with its audience and attachments."""
    fields = _checked(
        site,
        type=type,
        title=title,
        body=body,
        issuer=issuer,
        audience=audience,
        buildings=buildings,
        entrances=entrances,
        houses=houses,
        effective_from=effective_from,
        expires_on=expires_on,
        request=request,
        template=template,
    )
    check_attachment_count(0, attachments)
    now = now or timezone.now()
    notice = Notice.objects.create(
        site=site,
        urgent=urgent,
        created_by=user,
        created_at=now,
        updated_by=user,
        updated_at=now,
        **fields,
    )
    _audience_write(notice, buildings, entrances, houses)
    NoticeEvent.objects.create(
        notice=notice,
        at=now,
        by=user,
        kind=NoticeEvent.Kind.CREATED,
        to_state=notice.state,
        data={"request": request.pk} if request else {},
    )
    attachments_store(notice=notice, user=user, files=attachments)
    return notice


@transaction.atomic
def notice_update(
    *,
    site: Site,
    user: User,
    notice: Notice,
    type: NoticeType,
    title: str,
    body: str,
    issuer: str,
    effective_from: date,
    expires_on: date,
    urgent: bool = False,
    audience: str = Notice.Audience.SITE,
    buildings: Sequence[Building] = (),
    entrances: Sequence[tuple[Building, int]] = (),
    houses: Sequence[House] = (),
    attachments: Sequence[CleanAttachment] = (),
    remove_attachments: Sequence[NoticeAttachment] = (),
    revision: int | None = None,
    now: datetime | None = None,
) -> Notice:
    """Change a draft, or a notice sent back, as its author saw it (``revision``).
    Published text is never changed: a correction is a new version (notices.services.
    versions)."""
    check_seen(site, notice, revision)
    transition(notice.state, Action.EDIT)
    fields = _checked(
        site,
        type=type,
        title=title,
        body=body,
        issuer=issuer,
        audience=audience,
        buildings=buildings,
        entrances=entrances,
        houses=houses,
        effective_from=effective_from,
        expires_on=expires_on,
        request=notice.request,
        template=notice.template,
    )
    removed = [a for a in remove_attachments if a.notice_id == notice.pk]
    kept = NoticeAttachment.objects.filter(notice=notice).count() - len(removed)
    check_attachment_count(kept, attachments)
    now = now or timezone.now()
    changed = sorted(
        name
        for name in ("type", "title", "body", "issuer", "urgent", "audience")
        + ("effective_from", "expires_on")
        if getattr(notice, name) != (urgent if name == "urgent" else fields[name])
    )
    fields.pop("request")
    fields.pop("template")
    notice_change(
        site=site,
        user=user,
        notice=notice,
        action=Action.EDIT,
        event=NoticeEvent.Kind.EDITED,
        now=now,
        changes={**fields, "urgent": urgent},
        revision=revision,
        data={"fields": changed, "attachments_removed": [a.name for a in removed]},
    )
    _audience_write(notice, buildings, entrances, houses)
    # Only the rows: the files may be a predecessor's too (a new version shares them).
    NoticeAttachment.objects.filter(pk__in=[a.pk for a in removed]).delete()
    attachments_store(notice=notice, user=user, files=attachments)
    return notice
