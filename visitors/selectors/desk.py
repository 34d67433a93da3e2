"""What reception puts on today's desk: the counts that ask for someone's attention."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from frontdesk.models import Site, User
from frontdesk.roles import USE_DESK
from visitors.models import DEFAULT_PARCEL_OVERDUE_DAYS
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
    WHERE site_id = %(site)s AND referred_to_id IS NOT NULL AND referral_done_at IS NULL
      AND (%(department)s::bigint IS NULL OR referred_to_id = %(department)s::bigint))
"""


@dataclass(frozen=True)
class DeskItem:
    label: Promise
    count: int
    url: str
    # Bootstrap colour: "warning" for what is late, "primary" for the day's work.
    level: str = "primary"


def desk_items(site: Site, user: User) -> list[DeskItem]:
    desk = user.has_perm(USE_DESK)
    # Department staff see only the referrals sent to their own department.
    department = None if desk else user.department_id
    if not desk and department is None:
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
                "department": department,
            },
        )
        on_site, late, earlier, waiting, old_parcels, referrals = cursor.fetchone()
    referral_item = DeskItem(
        _("Inquiries referred, not yet handled"),
        referrals,
        reverse("visitors:referrals"),
        "warning" if referrals else "primary",
    )
    if not desk:
        return [referral_item]
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
        referral_item,
    ]
    # Late things only when there are some: the desk shows what needs doing.
    return [i for i in items if i.count or i.level == "primary"]
