"""Recording a case: from scratch, from the records lookup or a house, or from a reception
inquiry; its number, its department and its deadlines; cases like it; links between cases.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints import deadlines
from complaints.models import (
    Case,
    CaseCounter,
    CaseEvent,
    CasePhoto,
    Category,
    Urgency,
)
from complaints.photos import check_photo_count, photos_attach
from complaints.selectors.cases import similar_cases
from complaints.services.changes import Step, case_event_rows, case_tell, local
from complaints.states import Action, State
from frontdesk.channels.recipients import DepartmentStaff
from frontdesk.conflicts import Conflict
from frontdesk.models import Department, Site, User
from frontdesk.scoping import check_same_site
from residents.models import Building, House, Resident
from visitors.models import Inquiry

CASE_ASSIGNED = "case_assigned"


@dataclass(frozen=True)
class CaseRecorded:
    """The new case, and the cases like it of the last 30 days (the same house or public
    place, the same category) for the page to flag and offer to link."""

    case: Case
    similar: list[Case]


def case_number(site: Site, now: datetime) -> str:
    """The next number of the site's day: TS20261201-0001.

    One INSERT … ON CONFLICT DO UPDATE … RETURNING on the day's counter row: a second
    clerk recording at the same moment waits on that row until the first commits, then
    gets the next number; a transaction that rolls back gives its number back.
    """
    day = timezone.localdate(now)
    table = connection.ops.quote_name(CaseCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (site_id, day, last) VALUES (%s, %s, 1) "
            f"ON CONFLICT (site_id, day) DO UPDATE SET last = {table}.last + 1 "
            "RETURNING last",
            [site.pk, day],
        )
        (last,) = cursor.fetchone()
    return f"TS{day:%Y%m%d}-{last:04d}"


@transaction.atomic
def case_create(
    *,
    site: Site,
    user: User,
    kind: str,
    source: str,
    category: Category,
    description: str,
    urgency: str = Urgency.NORMAL,
    house: House | None = None,
    resident: Resident | None = None,
    building: Building | None = None,
    place: str = "",
    hotline_ref: str = "",
    hotline_deadline: datetime | None = None,
    department: Department | None = None,
    photos: Sequence[ContentFile] = (),
    link_to: Iterable[int] = (),
    inquiry: Inquiry | None = None,
    now: datetime | None = None,
) -> CaseRecorded:
    """Record a case and send it on.

    It goes to ``department``, or else to its category's (``Category.routed_department``),
    and is then *assigned* (the department is told through the channels); with neither it
    stays *registered* at the desk. Its deadlines are counted from now by its category's
    allowances for the urgency (``complaints.deadlines``); a 12345 case needs the
    hotline's reference and deadline, which also caps its own. ``photos`` are already
    cleaned (``complaints.photos.photo_clean``); ``link_to`` are ids of cases of the site
    to link it to (from the similar cases shown). ValidationError, beside the field, for
    bad input: nothing is saved.
    """
    now = now or timezone.now()
    description = description.strip()
    place = place.strip()
    hotline_ref = hotline_ref.strip()
    check_same_site(
        site,
        house=house,
        resident=resident,
        building=building,
        category=category,
        department=department,
        inquiry=inquiry,
    )
    errors: dict[str, str] = {}
    for field, value, choices in (
        ("kind", kind, Case.Kind),
        ("source", source, Case.Source),
        ("urgency", urgency, Urgency),
    ):
        if value not in choices.values:
            errors[field] = _("Pick one of the listed choices.")
    if not description:
        errors["description"] = _("Describe what the resident reported.")
    if not category.is_active:
        errors["category"] = _("This category is no longer in use: pick another one.")
    if source == Case.Source.HOTLINE:
        if not hotline_ref:
            errors["hotline_ref"] = _("A 12345 case needs the hotline's reference number.")
        if hotline_deadline is None:
            errors["hotline_deadline"] = _("A 12345 case needs the deadline the hotline set.")
        elif hotline_deadline <= now:
            errors["hotline_deadline"] = _("This deadline is already past.")
    else:
        hotline_ref, hotline_deadline = "", None
    if house is not None:
        # The house says where; a public place would say it twice, perhaps differently.
        building, place = None, ""
    elif kind in (Case.Kind.COMPLAINT, Case.Kind.REPAIR) and building is None and not place:
        errors["house"] = _("Say which house or public place it is about.")
    if department is not None and not department.is_active:
        errors["department"] = _("This department is no longer active.")
    check_photo_count(photos)
    if errors:
        raise ValidationError(errors)

    if department is None:
        department = category.routed_department()
        if department is not None and not department.is_active:
            department = None  # retired since the category was routed: the desk decides
    case = Case(
        site=site,
        kind=kind,
        source=source,
        hotline_ref=hotline_ref,
        hotline_deadline=hotline_deadline,
        house=house,
        resident=resident,
        building=building,
        place=place,
        category=category,
        description=description,
        urgency=urgency,
        inquiry=inquiry,
        created_by=user,
        created_at=now,
        updated_by=user,
        updated_at=now,
        last_progress_at=now,
    )
    clock, settings = deadlines.rules(site, calendar_time=case.calendar_time)
    # Praise is passed on to the department, not answered against a clock.
    respond, resolve = (
        (None, None) if kind == Case.Kind.PRAISE else deadlines.allowance(category, urgency)
    )
    percent = settings.warn_percent
    due = deadlines.deadlines_from(
        clock, now, respond, resolve, percent=percent, hotline_deadline=hotline_deadline
    )
    for name, value in due.as_fields().items():
        setattr(case, name, value)
    if department is not None:
        case.state, case.department = State.ASSIGNED, department
    case.next_due = deadlines.next_due(case, clock, settings)
    similar = similar_cases(
        site, category=category, house=house, building=building, place=place, now=now
    )
    links = _cases_to_link(site, link_to)

    case.number = case_number(site, now)
    case.save(force_insert=True)
    created = CaseEvent(
        case=case,
        at=now,
        by=user,
        kind=CaseEvent.Kind.CREATED,
        to_state=State.REGISTERED,
        note=description,
        data=_created_data(case),
    )
    events = [created]
    if department is not None:
        assign = Step(Action.ASSIGN, CaseEvent.Kind.ASSIGNED, department=department)
        events += case_event_rows(
            case=case, user=user, now=now, steps=[assign], from_state=State.REGISTERED
        )
    if links:
        case.linked.add(*links)
        # On both timelines, as a link made later from the case's page.
        events += [
            CaseEvent(
                case=a,
                at=now,
                by=user,
                kind=CaseEvent.Kind.LINKED,
                data={"case": b.pk, "number": b.number},
            )
            for other in links
            for a, b in ((case, other), (other, case))
        ]
    CaseEvent.objects.bulk_create(events)
    if department is not None:
        department_tell_assigned(site=site, user=user, case=case)
    photos_attach(case=case, event=created, photos=photos, kind=CasePhoto.Kind.BEFORE)
    return CaseRecorded(case, similar)


def _created_data(case: Case) -> dict:
    data = {
        "number": case.number,
        "kind": case.kind,
        "source": case.source,
        "urgency": case.urgency,
        "category": case.category.full_name,
        "respond_due": case.respond_due,
        "resolve_due": case.resolve_due,
    }
    if case.hotline_ref:
        data.update(hotline_ref=case.hotline_ref, hotline_deadline=case.hotline_deadline)
    return data


def _cases_to_link(site: Site, ids: Iterable[int]) -> list[Case]:
    ids = set(ids)
    if not ids:
        return []
    found = list(Case.objects.for_site(site).filter(pk__in=ids))
    if len(found) != len(ids):
        raise ValidationError({"link_to": _("A case to link was not found.")})
    return found


def department_tell_assigned(
    *, site: Site, user: User | None, case: Case, reason: str = ""
) -> None:
    """The department's robot and inboxes: a new case for them, and by when."""
    values = {
        "number": case.number,
        "category": case.category.full_name,
        "where": case.where or "—",
        "description": case.description[:200],
        "respond": local(case.respond_due),
        "resolve": local(case.resolve_due),
        "reason": reason,
    }
    if reason:
        subject = _("Case %(number)s transferred to you: %(category)s") % values
        text = _(
            "%(where)s: %(description)s\nReason for the transfer: %(reason)s\n"
            "Respond by %(respond)s, resolve by %(resolve)s."
        )
    else:
        subject = _("New case %(number)s: %(category)s") % values
        text = _("%(where)s: %(description)s\nRespond by %(respond)s, resolve by %(resolve)s.")
    case_tell(
        site=site,
        user=user,
        case=case,
        recipients=[DepartmentStaff(case.department)],
        purpose=CASE_ASSIGNED,
        subject=subject,
        text=text % values,
    )


@transaction.atomic
def case_from_inquiry(
    *,
    site: Site,
    user: User,
    inquiry: Inquiry,
    kind: str,
    category: Category,
    description: str = "",
    urgency: str = Urgency.NORMAL,
    department: Department | None = None,
    photos: Sequence[ContentFile] = (),
    now: datetime | None = None,
) -> CaseRecorded:
    """Turn a reception inquiry into a case (one click on the inquiry): its house,
    resident, channel and question come along, it goes to the department the inquiry was
    referred to unless another is named, and the inquiry links to it. An open referral is
    marked handled (“turned into case …”), so the department's inbox does not hold the
    same matter twice. Conflict if the inquiry was already turned into a case."""
    check_same_site(site, inquiry=inquiry)
    existing = Case.objects.filter(inquiry=inquiry).select_related("created_by").first()
    if existing is not None:
        raise Conflict(existing, by=existing.created_by, at=existing.created_at)
    source = Case.Source.PHONE if inquiry.channel == Inquiry.Channel.PHONE else Case.Source.WALK_IN
    try:
        with transaction.atomic():
            recorded = case_create(
                site=site,
                user=user,
                kind=kind,
                source=source,
                category=category,
                description=description or inquiry.question,
                urgency=urgency,
                house=inquiry.house,
                resident=inquiry.resident,
                department=department or inquiry.referred_to,
                photos=photos,
                inquiry=inquiry,
                now=now,
            )
    except IntegrityError:
        # Another clerk turned it into a case a moment ago (the link is one to one).
        existing = Case.objects.filter(inquiry=inquiry).select_related("created_by").first()
        if existing is None:
            raise
        raise Conflict(existing, by=existing.created_by, at=existing.created_at) from None
    if inquiry.referred_to_id is not None and inquiry.referral_done_at is None:
        from visitors.services.inquiries import inquiry_referral_done

        # Conflict: the department answered it meanwhile, and their reply stands.
        with suppress(Conflict):
            inquiry_referral_done(
                inquiry=inquiry,
                user=user,
                reply=_("Turned into case %(number)s.") % {"number": recorded.case.number},
            )
    return recorded


@transaction.atomic
def case_link(*, site: Site, user: User, case: Case, other: Case) -> None:
    """Link two cases of the site (a repeat, the same leak seen from two flats); both
    timelines say so. ValidationError (code "linked") when they already are: two clerks
    linking the same pair at once write it once, the second is told."""
    if case.site_id != site.pk or other.site_id != site.pk:
        raise Case.DoesNotExist
    if other.pk == case.pk:
        raise ValidationError({"link_to": _("A case cannot be linked to itself.")})
    # Both rows locked, in id order (no deadlock with a link the other way round).
    list(Case.objects.select_for_update().filter(pk__in=[case.pk, other.pk]).order_by("pk"))
    if case.linked.filter(pk=other.pk).exists():
        raise ValidationError(
            _("%(number)s is already linked to this case: nothing was changed.")
            % {"number": other.number},
            code="linked",
        )
    case.linked.add(other)
    now = timezone.now()
    CaseEvent.objects.bulk_create(
        CaseEvent(
            case=a,
            at=now,
            by=user,
            kind=CaseEvent.Kind.LINKED,
            data={"case": b.pk, "number": b.number},
        )
        for a, b in ((case, other), (other, case))
    )
