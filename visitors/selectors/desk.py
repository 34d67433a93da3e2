"""What reception puts on today's desk: the counts that ask for someone's attention."""

from __future__ import annotations

from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from frontdesk.areas import DeskItem
from frontdesk.models import Site, User
from frontdesk.roles import USE_DESK
from visitors.models import DEFAULT_PARCEL_OVERDUE_DAYS, Inquiry
from visitors.selectors.visits import start_of_today

# One round trip for all of them: today's desk is the page opened most often. Each count
# walks a partial index (on site, waiting parcels, open referrals), never the whole table.
COUNTS = """
SELECT
  (SELECT count(*) FROM visitors_visit
    WHERE site_id = %(site)s AND checked_out_at IS NULL AND checked_in_at >= %(today)s),
  (SELECT count(*) FROM visitors_visit
    WHERE site_id = %(site)s AND checked_out_at IS NULL AND checked_in_at >= %(today)s
      AND expected_out_at < %(now)s),
  (SELECT count(*) FROM visitors_visit
    WHERE site_id = %(site)s AND checked_out_at IS NULL AND checked_in_at < %(today)s),
  (SELECT count(*) FROM visitors_parcel
    WHERE site_id = %(site)s AND collected_at IS NULL),
  (SELECT count(*) FROM visitors_parcel
    WHERE site_id = %(site)s AND collected_at IS NULL
      AND received_at < %(now)s - make_interval(days => COALESCE(
        (SELECT parcel_overdue_days FROM visitors_receptionsettings WHERE site_id = %(site)s),
        %(overdue_days)s))),
  (SELECT count(*) FROM visitors_inquiry
    WHERE site_id = %(site)s AND referred_to_id IS NOT NULL AND referral_done_at IS NULL)
"""


def referral_item(count: int) -> DeskItem:
    return DeskItem(
        _("Inquiries referred, not yet handled"),
        count,
        reverse("visitors:referrals"),
        "warning" if count else "primary",
    )


def waiting_on(site: Site, user: User) -> list[DeskItem]:
    """The inquiries referred to the user's own department and not yet answered."""
    if user.department_id is None:
        return []
    count = (
        Inquiry.objects.for_site(site)
        .filter(referred_to_id=user.department_id, referral_done_at__isnull=True)
        .count()
    )
    return [referral_item(count)]


def desk_items(site: Site, user: User) -> list[DeskItem]:
    """The site's reception counts, for the desk's own staff (department staff find their
    referrals in waiting_on)."""
    if not user.has_perm(USE_DESK):
        return []
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            COUNTS,
            {
                "site": site.pk,
                "today": start_of_today(),
                "now": now,
                "overdue_days": DEFAULT_PARCEL_OVERDUE_DAYS,
            },
        )
        on_site, late, earlier, waiting, old_parcels, referrals = cursor.fetchone()
    on_site_url = reverse("visitors:index")
    parcels_url = reverse("visitors:parcels")
    items = [
        DeskItem(_("Visitors on site"), on_site, on_site_url),
        DeskItem(_("Past their expected stay"), late, on_site_url, "warning"),
        DeskItem(
            _("Never checked out (earlier days)"), earlier, on_site_url + "#handover", "warning"
        ),
        DeskItem(_("Parcels waiting"), waiting, parcels_url),
        DeskItem(
            _("Parcels uncollected too long"),
            old_parcels,
            parcels_url + "?status=overdue",
            "warning",
        ),
        referral_item(referrals),
    ]
    # Late things only when there are some: the desk shows what needs doing.
    return [i for i in items if i.count or i.level == "primary"]
