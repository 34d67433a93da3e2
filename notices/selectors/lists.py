"""The desk's lists of notices and requests, each of one site, newest first, and what
waits on a supervisor (the approvals queue) or on the desk (sent back, approved to
publish)."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from frontdesk.models import Site, User
from frontdesk.scoping import get_for_site_or_404
from notices.access import is_approver
from notices.models import Notice, NoticeRequest, NoticeTemplate, NoticeType
from notices.states import State

PAGE = 30


def notices_all(site: Site) -> QuerySet[Notice]:
    """The site's notices, newest first (notice_site_time, notice_site_state_time), with
    what a row shows joined: one query a page."""
    return (
        Notice.objects.for_site(site)
        .select_related("type", "created_by")
        .defer("body")
        .order_by("-created_at", "-id")
    )


def approvals_queue(site: Site) -> QuerySet[Notice]:
    """Submitted notices, oldest first: the supervisor's queue, urgent ones on top."""
    return (
        Notice.objects.for_site(site)
        .filter(state=State.SUBMITTED)
        .select_related("type", "created_by", "submitted_by")
        .defer("body")
        .order_by("-urgent", "submitted_at", "id")
    )


def counts(site: Site, user: User) -> dict[str, int]:
    """The tabs' counts, in one statement: waiting for approval, sent back to this user,
    approved and waiting to be published."""
    return Notice.objects.for_site(site).aggregate(
        submitted=Count("pk", filter=Q(state=State.SUBMITTED)),
        returned=Count("pk", filter=Q(state=State.RETURNED, created_by=user)),
        approved=Count("pk", filter=Q(state=State.APPROVED)),
    )


def notice_types(site: Site, *, active: bool = True) -> QuerySet[NoticeType]:
    types = NoticeType.objects.for_site(site).order_by("sort_order", "id")
    return types.filter(is_active=True) if active else types


def notice_templates(site: Site) -> QuerySet[NoticeTemplate]:
    return (
        NoticeTemplate.objects.for_site(site)
        .filter(is_active=True, type__is_active=True)
        .select_related("type")
        .order_by("sort_order", "id")
    )


def requests_all(site: Site) -> QuerySet[NoticeRequest]:
    """The site's requests, newest first, with how many notices each became."""
    return (
        NoticeRequest.objects.for_site(site)
        .select_related("department", "received_by")
        .annotate(notice_count=Count("notices"))
        .order_by("-received_at", "-id")
    )


def request_detail(site: Site, pk: int) -> NoticeRequest:
    return get_for_site_or_404(NoticeRequest, site, pk=pk)


def show_approvals(user: User) -> bool:
    return is_approver(user)
