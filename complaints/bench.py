"""The complaints area's benchmark cases (see frontdesk.bench): its lists, the case page,
the call-back page, recording a case, and the resident's feedback link."""

from __future__ import annotations

from datetime import timedelta

from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from complaints.models import Case as CaseRow
from complaints.models import Category
from complaints.services.chasing import cases_chase
from complaints.states import OPEN, State
from frontdesk.bench import PUBLIC_MS, BenchContext, Case
from frontdesk.public import rate_limit
from residents.models import Occupancy

# The beat's tick is budgeted apart from pages: it finds every reminder due across all
# sites' cases and sends them (complaints.services.chasing).
TICK_MS = 200
# The tick measured has this many cases to chase, of all sites: at company scale (a
# hundred thousand cases a year) about two come due in a minute of the working day.
TICK_CASES = 10

# The bench asks for the public page a few hundred times from one address: measured only
# when the run lifts the per-address limit (frontdesk.public) that far.
PUBLIC_REQUESTS = 1_000


def url(name: str, *args) -> str | None:
    """The page's path, or None while the page is not in the URLconf."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def cases(context: BenchContext) -> list[Case]:
    site = context.site
    rows = CaseRow.objects.for_site(site)
    # The busiest open case (the longest timeline), and the latest waiting for its
    # call-back (its feedback link still answers).
    open_case = rows.filter(state__in=OPEN).order_by("-version", "-id").first() or rows.first()
    resolved = (
        rows.filter(state=State.RESOLVED).order_by("-callback_due", "-id").first() or open_case
    )
    today = timezone.localdate()
    month = {"since": f"{today - timedelta(days=29):%Y-%m-%d}", "until": f"{today:%Y-%m-%d}"}
    found: list[Case] = []

    index = url("complaints:index")
    if index:
        from complaints.selectors.lists import VIEWS

        found += [Case(f"complaints: {view.key} list", index, {"view": view.key}) for view in VIEWS]
    every = url("complaints:cases")
    if every:
        found += [
            Case("complaints: every case", every),
            Case("complaints: every case, 30 days in progress", every,
                 {**month, "state": State.IN_PROGRESS}),
        ]  # fmt: skip
    detail = open_case and url("complaints:case_detail", open_case.pk)
    if detail:
        found.append(Case("complaints: case page", detail))
    callback = resolved and url("complaints:case_callback", resolved.pk)
    if callback:
        found.append(Case("complaints: call-back page", callback))
    create = url("complaints:case_create")
    tie = (
        Occupancy.objects.for_site(site)
        .filter(moved_out__isnull=True)
        .select_related("house__building")
        .order_by("house_id", "id")
        .first()
    )
    category = Category.objects.filter(site=site, parent__name="工程维修", name="漏水").first()
    if create and tie and category:
        found.append(
            Case(
                "complaints: record a case (POST)",
                create,
                {
                    "kind": CaseRow.Kind.REPAIR,
                    "source": CaseRow.Source.PHONE,
                    "urgency": "normal",
                    "house": tie.house.label,
                    "resident": tie.resident_id,
                    "category": category.pk,
                    "description": "卫生间天花板漏水，楼上疑似防水层破损",
                },
                method="post",
                status=302,
            )
        )
    feedback = resolved and resolved.state == State.RESOLVED and resolved.feedback_token
    if feedback and rate_limit()[0] >= PUBLIC_REQUESTS:
        found.append(
            Case(
                "complaints: feedback link (public)",
                url("complaints_public:feedback", resolved.feedback_token),
                user=None,
                budget_ms=PUBLIC_MS,
            )
        )
    found += tick()
    return found


def tick() -> list[Case]:
    """The beat's chasing over every site's cases, at the moment TICK_CASES of them have
    come due (their reminders not yet sent), rolled back after each run."""
    moments = list(
        CaseRow.objects.filter(next_due__isnull=False)
        .order_by("next_due")
        .values_list("next_due", flat=True)[:TICK_CASES]
    )
    if not moments:
        return []
    moment = moments[-1]
    return [
        Case(
            f"complaints: beat tick, {TICK_CASES} cases due, all sites",
            "",
            call=lambda: cases_chase(moment),
            user=None,
            budget_ms=TICK_MS,
            # A few queries for each case due; the figure is the tick's time.
            max_queries=None,
        )
    ]
