"""The records area's benchmark cases (see frontdesk.bench)."""

from django.db.models import Count
from django.db.models.functions import Left

from frontdesk.bench import LOOKUP_MS, BenchContext, Case, reference
from frontdesk.models import Site
from residents.models import Building, Resident, SearchTerm
from residents.selectors import arrears as selectors
from residents.selectors.reminders import MAX_HOUSES

STOCK_ADMIN_RESIDENTS = "/__bench__/residents/stock-admin/residents/resident/"

# The headers of the request the lookup page sends while the clerk types.
PARTIAL = {"HX-Request": "true", "HX-Target": "lookup-results"}


def lookup_keys(site: Site) -> list[tuple[str, str]]:
    """One query of each kind, taken from the site's own data so that each one matches."""
    residents = Resident.objects.filter(site=site)
    two = (
        residents.filter(name__startswith="张")
        .annotate(part=Left("name", 2))
        .values("part")
        .annotate(n=Count("id"))
        .order_by("-n", "part")
        .first()
    )
    phone = residents.exclude(phone="").order_by("id").values_list("phone", flat=True).first()
    # The worst case: the first letter typed, the one that starts the most keys.
    letter = (
        SearchTerm.objects.filter(site=site, term__regex=r"^[a-z]")
        .annotate(letter=Left("term", 1))
        .values("letter")
        .annotate(n=Count("id"))
        .order_by("-n", "letter")
        .first()
    )
    two = two["part"] if two else "张三"
    phone = phone or "13800138000"
    letter = letter["letter"] if letter else "y"
    return [
        ("surname 张", "张"),
        (f"name part {two}", two),
        ("initials zs", "zs"),
        ("pinyin zhang", "zhang"),
        (f"first letter {letter}", letter),
        ("whole phone", phone),
        ("phone last 4", phone[-4:]),
        ("code 3-2-1201", "3-2-1201"),
        ("code 3栋2单元1201", "3栋2单元1201"),
        ("code 3-1201", "3-1201"),
        ("code 1201", "1201"),
    ]


def cases(context: BenchContext) -> list:
    site = context.site
    found = []
    for label, q in lookup_keys(site):
        stock = f"admin search (Django's own): {label}"
        found += [
            # Admin's resident search as this project configures it: the desk's own keys.
            # Reported beside the lookup, not a gate: both read the same index, and the
            # admin changelist's own page costs more than a tenth of a lookup.
            reference(
                f"admin search (desk keys): {label}",
                "/admin/residents/resident/",
                "admin",
                params={"q": q},
                user="supervisor",
                slow=True,
            ),
            # What a supervisor would have instead of the desk: Django admin's changelist
            # with its stock search (icontains over the same fields; residents.bench_urls).
            # First, so that the lookup's ratio to it is known when its line is printed.
            reference(
                stock,
                STOCK_ADMIN_RESIDENTS,
                "admin",
                params={"q": q},
                user="supervisor",
                slow=True,
            ),
            Case(
                f"records lookup: {label}",
                "/residents/",
                {"q": q},
                headers=PARTIAL,
                budget_ms=LOOKUP_MS,
                compare_to=stock,
            ),
        ]
    # The house page of the site's largest debtor: the fullest one (bills, arrears).
    debtor = selectors.arrears_totals(site).first()
    house = debtor["house"] if debtor else site.houses.order_by("id").values("id")[0]["id"]
    found += [
        Case("records: house page (debtor)", f"/residents/houses/{house}/"),
        Case("records: arrears list", "/residents/arrears/"),
        *reminder_cases(site),
        *[
            Case(f"records: data quality {section}", "/residents/quality/", {"section": section})
            for section in ("no_phone", "bad_phone", "no_owner", "duplicates")
        ],
        # Importing rosters is the supervisor's (residents.import_roster).
        Case("records: import page", "/residents/import/", user="supervisor"),
        # Admin's changelists of the big tables, as the site's supervisor: reported, no
        # budget (the issue sets none) and no query cap (Django's pages, not ours).
        *[
            Case(
                f"admin changelist: {model}",
                f"/admin/residents/{model}/",
                user="supervisor",
                budget_ms=None,
                max_queries=None,
                slow=True,
            )
            for model in ("resident", "house", "bill", "payment")
        ],
        # Their searches by house code, on the lookup's keys as the resident search is.
        *[
            Case(
                f"admin changelist: {model}, search 3-2-1201",
                f"/admin/residents/{model}/",
                {"q": "3-2-1201"},
                user="supervisor",
                budget_ms=None,
                max_queries=None,
                slow=True,
            )
            for model in ("house", "bill", "payment")
        ],
    ]
    return found


def reminder_cases(site: Site) -> list[Case]:
    """Payment reminders from the arrears list (the notices issue's arrears-to-notices
    step): the list filtered, the confirmation of a run and its door slips for every owing
    house of the site, and a run recorded (rolled back, as every post of the bench). The
    busiest site owes in a full run's worth of houses, the 2,000 the issue budgets the
    confirmation for (residents.demo.seed_reminder_run); the names say how many."""
    building = (
        Building.objects.filter(site=site, houses__bills__isnull=False)
        .order_by("number")
        .values_list("pk", flat=True)
        .first()
    )
    filtered = {"months": 2, "building": building or 0}
    owing = list(selectors.arrears_totals(site).values_list("house", flat=True)[:MAX_HOUSES])
    houses = f"{len(owing):,} houses"
    return [
        Case("records: arrears list, filtered", "/residents/arrears/", filtered),
        Case(
            f"records: reminders confirmation, {houses} (all owing)",
            "/residents/arrears/reminders/",
        ),
        Case(f"records: door slips, {houses} (all owing)", "/residents/arrears/slips/"),
        # The run's writes, without the SMS provider a bench machine lacks: the door
        # slips of every owing house recorded as delivered (a reminder per house). A
        # write of hundreds of rows, as publishing a notice is: its own budget, not a
        # page's (the issue gives publishing to 10,000 households 5 s).
        Case(
            f"records: door slips delivered, {houses} (POST)",
            "/residents/arrears/slips/delivered/",
            {"houses": ",".join(map(str, owing))},
            method="post",
            status=302,
            budget_ms=1000,
        ),
    ]
