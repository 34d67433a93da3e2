"""Every write to the inquiry log (咨询/查询登记): a question put to the desk, and a
department's reply to one referred to it."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from frontdesk.conflicts import Conflict
from frontdesk.models import Department, Site, User
from frontdesk.scoping import check_same_site
from residents.models import House, Resident
from visitors.models import Inquiry


@transaction.atomic
def inquiry_create(
    *,
    site: Site,
    user: User,
    question: str,
    channel: str = Inquiry.Channel.WALK_IN,
    answer: str = "",
    asker_name: str = "",
    asker_phone: str = "",
    house: House | None = None,
    resident: Resident | None = None,
    referred_to: Department | None = None,
) -> Inquiry:
    """A question put to the desk, answered there or referred to a department (whose
    staff then find it in their referrals, visitors.selectors.inquiries.referral_list)."""
    check_same_site(site, house=house, resident=resident, referred_to=referred_to)
    return Inquiry.objects.create(
        site=site,
        created_by=user,
        channel=channel,
        asker_name=asker_name,
        asker_phone=asker_phone,
        house=house,
        resident=resident,
        question=question,
        answer=answer,
        referred_to=referred_to,
    )


@transaction.atomic
def inquiry_referral_done(*, inquiry: Inquiry, user: User, reply: str) -> Inquiry:
    """Record the department's reply; Conflict if someone already had (nothing is changed).

    One conditional UPDATE, so of two people answering at once exactly one is recorded.
    """
    if inquiry.referred_to_id is None:
        raise ValueError("inquiry not referred to a department")
    now = timezone.now()
    updated = Inquiry.objects.filter(
        pk=inquiry.pk, referred_to__isnull=False, referral_done_at__isnull=True
    ).update(referral_reply=reply, referral_done_at=now, referral_done_by=user)
    if not updated:
        current = Inquiry.objects.select_related("referral_done_by").get(pk=inquiry.pk)
        if current.referral_done_at is None:
            # Not answered but no longer referred (changed in admin meanwhile).
            raise Inquiry.DoesNotExist
        raise Conflict(current, by=current.referral_done_by, at=current.referral_done_at)
    inquiry.referral_reply, inquiry.referral_done_at = reply, now
    inquiry.referral_done_by = user
    return inquiry
