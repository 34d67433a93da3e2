"""Every write to the inquiry log: a walk-in or phone inquiry, and a department's reply."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from frontdesk.models import Department, Site, User
from residents.models import House
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
    referred_to: Department | None = None,
) -> Inquiry:
    for obj in (house, referred_to):
        if obj is not None and obj.site_id != site.pk:
            raise ValueError("object of another site")
    return Inquiry.objects.create(
        site=site,
        created_by=user,
        channel=channel,
        asker_name=asker_name,
        asker_phone=asker_phone,
        house=house,
        question=question,
        answer=answer,
        referred_to=referred_to,
    )


@transaction.atomic
def inquiry_referral_done(*, inquiry: Inquiry, user: User, reply: str) -> bool:
    """Record the department's reply; False if someone already had (nothing is changed).

    One conditional UPDATE, so of two people answering at once exactly one is recorded.
    """
    now = timezone.now()
    updated = Inquiry.objects.filter(
        pk=inquiry.pk, referred_to__isnull=False, referral_done_at__isnull=True
    ).update(referral_reply=reply, referral_done_at=now, referral_done_by=user)
    if updated:
        inquiry.referral_reply, inquiry.referral_done_at = reply, now
        inquiry.referral_done_by = user
    return bool(updated)
