"""The reception area's benchmark cases (see frontdesk.bench)."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count
from django.utils import timezone

from frontdesk.bench import PAGE_MS, BenchContext, Case
from frontdesk.filters import start_of
from frontdesk.models import Site
from residents.models import Occupancy
from visitors.models import Parcel, Visit, VisitPurpose

# The request the registration page sends while the phone is typed (visits.returning).
RETURNING = {"HX-Request": "true", "HX-Target": "returning"}


def returning_phone(site: Site) -> str:
    """A phone that came more than once lately: the lookup then has a last visit to show."""
    found = (
        Visit.objects.for_site(site)
        .filter(checked_in_at__gte=timezone.now() - timedelta(days=30))
        .exclude(visitor_phone="")
        .values("visitor_phone")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .order_by("-n", "visitor_phone")
        .first()
    )
    if found:
        return found["visitor_phone"]
    return (
        Visit.objects.for_site(site)
        .exclude(visitor_phone="")
        .values_list("visitor_phone", flat=True)
        .first()
    ) or "13800138000"


def cases(context: BenchContext) -> list[Case]:
    site = context.site
    visits = Visit.objects.for_site(site)
    # The longest on site today: the page a clerk opens to check someone out. Any visit
    # stands in on a site without one (the bench rolls every post back, so one serves all).
    today = timezone.localdate()
    visit = (
        visits.on_site()
        .filter(checked_in_at__gte=start_of(today))
        .order_by("checked_in_at")
        .first()
        or visits.on_site().first()
        or visits.first()
    )
    visit_id = visit.pk if visit else 0
    tie = (
        Occupancy.objects.for_site(site)
        .filter(moved_out__isnull=True)
        .select_related("house__building")
        .order_by("house_id", "id")
        .first()
    )
    house, resident = (tie.house, tie.resident_id) if tie else (None, "")
    purpose = VisitPurpose.objects.filter(is_active=True).order_by("sort_order", "id").first()
    parcel = Parcel.objects.for_site(site).order_by("-received_at", "-id").first()
    phone = returning_phone(site)
    month = {"since": f"{today - timedelta(days=29):%Y-%m-%d}", "until": f"{today:%Y-%m-%d}"}
    name = visit.visitor_name[:1] if visit else "王"
    found = [
        Case("reception: on site now", "/visitors/"),
        Case("reception: registration form", "/visitors/register/"),
        Case(
            "reception: register a visitor (POST)",
            "/visitors/register/",
            {
                "visitor_phone": "13912340000",
                "visitor_name": "杨晓东",
                "party_size": 2,
                "purpose": purpose.pk if purpose else "",
                "house": house.pk if house else "",
                "resident": resident,
                "plate": "浙A12345",
                "expected_stay": 60,
                "id_number": "",
                "notes": "",
            },
            method="post",
            status=302,
        ),
        Case(
            "reception: returning visitor",
            "/visitors/register/returning/",
            {"visitor_phone": phone},
            headers=RETURNING,
        ),
        Case("reception: visitor register", "/visitors/visits/"),
        Case(
            "reception: register, 30 days of one purpose",
            "/visitors/visits/",
            {**month, "purpose": purpose.pk if purpose else ""},
        ),
        Case("reception: visit page", f"/visitors/visits/{visit_id}/"),
        Case(
            "reception: check out (POST)",
            f"/visitors/visits/{visit_id}/checkout/",
            method="post",
            status=302,
        ),
        Case("reception: pass", f"/visitors/visits/{visit_id}/pass/"),
        Case("reception: inquiries", "/visitors/inquiries/"),
        Case(
            "reception: record an inquiry (POST)",
            "/visitors/inquiries/new/",
            {
                "channel": "phone",
                "asker_name": "陈女士",
                "question": "小区停车月卡怎么办理？",
                "answer": "带行驶证和房产证到前台办理。",
            },
            method="post",
            status=302,
        ),
        Case("reception: referrals", "/visitors/referrals/"),
        Case("reception: parcels", "/visitors/parcels/"),
        Case("reception: parcel page", f"/visitors/parcels/{parcel.pk if parcel else 0}/"),
        Case(
            "reception: log a parcel (POST)",
            "/visitors/parcels/new/",
            {
                "house": house.label if house else "",
                "recipient_name": "张先生",
                "courier": "sf",
                "tracking_number": "SF1234567890123",
                "shelf": "A-3",
            },
            method="post",
            status=302,
        ),
        Case("reception: reports, 30 days", "/visitors/reports/", month, budget_ms=PAGE_MS),
        # Admin's changelists of the big tables, as the site's supervisor: reported, no
        # budget and no query cap (Django's pages, not ours), as residents.bench does.
        *[
            Case(
                f"admin changelist: {model}{label}",
                f"/admin/visitors/{model}/",
                params,
                user="supervisor",
                budget_ms=None,
                max_queries=None,
                slow=True,
            )
            for model, label, params in [
                ("visit", "", {}),
                ("visit", f", search {name}", {"q": name}),
                ("visit", ", search a phone", {"q": phone}),
                ("inquiry", "", {}),
                ("inquiry", f", search {name}", {"q": name}),
                ("parcel", "", {}),
                (
                    "parcel",
                    ", search a tracking number",
                    {"q": parcel.tracking_number if parcel else "SF1"},
                ),
            ]
        ],
    ]
    return found
