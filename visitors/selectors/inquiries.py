"""Reads of the inquiry log and of the referrals, always within one site."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils import timezone

from frontdesk.conflicts import Conflict
from frontdesk.models import Department, Site, User
from frontdesk.roles import USE_DESK
from residents.models import House
from visitors.models import Inquiry

# Handled referrals stay on the department's list this long, so staff can see what they
# answered; older ones are in the desk's inquiry log.
RECENT_DAYS = 30

OPEN = "open"
DONE = "done"

# Referrals on a page of the list.
PAGE_SIZE = 30

# Whoever may mark any referral of their sites as handled, not only their department's.
HANDLE_ANY_REFERRAL = "visitors.change_inquiry"


def _with_relations(queryset: QuerySet) -> QuerySet:
    # The resident is fetched apart (one query by id, none when no row has one): a seventh
    # join here tripled the time PostgreSQL spends planning the log's page (1.6 → 4.9 ms).
    return queryset.select_related(
        "house__building", "referred_to", "created_by", "referral_done_by"
    ).prefetch_related("resident")


def inquiry_log(site: Site) -> QuerySet:
    """The site's inquiries, newest first (the (site, -created_at) index)."""
    # What the log's rows show, and no more: joining also who handled a referral, which
    # they do not show, more than doubled the time of the page's query (1.3 → 3 ms).
    return (
        Inquiry.objects.for_site(site)
        .select_related("house__building", "referred_to", "created_by")
        .prefetch_related("resident")
        .order_by("-created_at", "-id")
    )


def departments(site: Site) -> list[Department]:
    """The site's departments, active or not, in their order."""
    return list(Department.objects.for_site(site))


def for_display(inquiries: Iterable[Inquiry]) -> list[Inquiry]:
    """A page of the log with its time as the desk's clock reads it (``time_text``,
    2026-03-01 09:05), formatted here once rather than by the date filter in every row."""
    shown = list(inquiries)
    for inquiry in shown:
        inquiry.time_text = f"{timezone.localtime(inquiry.created_at):%Y-%m-%d %H:%M}"
    return shown


def own_department(user: User, site: Site) -> Department | None:
    """The user's department when it belongs to the current site."""
    department = user.department if user.department_id else None
    if department is None or department.site_id != site.pk:
        return None
    return department


def sees_all_referrals(user: User) -> bool:
    # The desk routes the referrals, so it follows all of them; department staff their own.
    return user.has_perm(USE_DESK)


def referrals(site: Site, *, department: Department | None, status: str = OPEN) -> QuerySet:
    """Inquiries referred to a department (any of the site's when ``department`` is None).

    Open ones oldest first, from the inquiry_open_referral partial index (its condition is
    repeated so the planner can use it); handled ones of the last RECENT_DAYS, latest first.
    """
    queryset = Inquiry.objects.for_site(site).filter(referred_to__isnull=False)
    if department is not None:
        queryset = queryset.filter(referred_to=department)
    else:
        # Department by department, not every site's referrals filtered by site.
        queryset = queryset.filter(referred_to__in=Department.objects.for_site(site).values("pk"))
    if status == DONE:
        since = timezone.now() - timedelta(days=RECENT_DAYS)
        queryset = queryset.filter(referral_done_at__gte=since).order_by("-referral_done_at", "-id")
    else:
        queryset = queryset.filter(referral_done_at__isnull=True).order_by("created_at", "id")
    return _with_relations(queryset)


@dataclass(frozen=True)
class ReferralList:
    """What a user sees of the site's referrals: the desk follows all of them (and may
    filter by department), department staff their own department's."""

    desk: bool
    own_department: Department | None
    # The department shown; None for all of them.
    department: Department | None
    # Each inquiry on it has ``may_handle``: whether this user may record the reply.
    page: Page


def referral_list(
    site: Site, user: User, *, status: str, department: Department | None, page: str | None
) -> ReferralList:
    """One page of the referrals ``user`` sees, as ``referrals`` orders them; the
    ``department`` asked for counts only for the desk."""
    desk = sees_all_referrals(user)
    own = own_department(user, site)
    if not desk:
        department = own
    queryset = referrals(site, department=department, status=status)
    if not desk and own is None:
        queryset = queryset.none()  # staff of no department here: nothing is theirs
    shown = Paginator(queryset, PAGE_SIZE).get_page(page)
    for inquiry in shown:
        inquiry.may_handle = may_handle_referral(user, inquiry)
    return ReferralList(desk, own, department, shown)


def open_referral_count(site: Site, department: Department | None) -> int:
    queryset = Inquiry.objects.for_site(site).filter(
        referred_to__isnull=False, referral_done_at__isnull=True
    )
    if department is not None:
        queryset = queryset.filter(referred_to=department)
    return queryset.count()


def referral_for_site(site: Site, pk: int) -> Inquiry:
    """A referred inquiry of the site, or 404 (also for one answered at the desk)."""
    from frontdesk.scoping import get_for_site_or_404

    return get_for_site_or_404(
        Inquiry.objects.filter(referred_to__isnull=False).select_related(
            "referred_to", "referral_done_by"
        ),
        site,
        pk=pk,
    )


def may_handle_referral(user: User, inquiry: Inquiry) -> bool:
    """A member of the department it was referred to, or a supervisor of its site."""
    if user.department_id is not None and user.department_id == inquiry.referred_to_id:
        return True
    return user.has_perm(HANDLE_ANY_REFERRAL)


def referral_to_handle(site: Site, user: User, pk: int) -> Inquiry:
    """A referral ``user`` is to record the reply to: 404 if not the site's (or answered
    at the desk), 403 if not theirs to handle, Conflict if someone already has."""
    inquiry = referral_for_site(site, pk)
    if not may_handle_referral(user, inquiry):
        raise PermissionDenied
    if inquiry.referral_done_at is not None:
        raise Conflict(inquiry, by=inquiry.referral_done_by, at=inquiry.referral_done_at)
    return inquiry


def house_inquiries(house: House, limit: int = 20) -> list[Inquiry]:
    """The newest inquiries about a house, for its page."""
    return list(
        _with_relations(Inquiry.objects.filter(house=house)).order_by("-created_at", "-id")[:limit]
    )
