"""The company-scale benchmark's machinery (``manage.py bench``), and the core's own cases.

Each area contributes the cases of its pages through its declaration (``Area.bench_cases``,
a function ``cases(context) -> list[Case]``); an area that names none is measured by its
landing page. Every case is a request made
in-process through Django's test client (the whole middleware stack, templates and
queries, no network), timed after a warm-up; a figure is its p50/p95 server time and the
queries one request makes. Two kinds of figure are references rather than pages with a
budget: Django admin doing what a page does (``"admin"``), and a view that only renders
``base.html`` (``"floor"``: what any page costs before it does anything).
"""

from __future__ import annotations

import statistics
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Count
from django.test import Client
from django.urls import reverse

from frontdesk import roles, services
from frontdesk.areas import Area, all_areas, call
from frontdesk.models import Site, User

# The performance issue's budgets: p95 server time in ms, and a cap on queries per page.
LOOKUP_MS = 30  # records lookup, while the clerk types
PAGE_MS = 50  # every desk list and detail page, and the main form posts
DESK_MS = 100  # today's desk
PUBLIC_MS = 20  # public pages opened from a QR code on a phone (notices area, to come)
MAX_QUERIES = 15  # desk pages only; admin is Django's own and has no cap
ADMIN_RATIO = 10  # a lookup must be this many times faster (p50) than admin's search

# Logins of the run, scoped to the busiest site alone; kept between runs (rows they wrote
# may point at them), their site and role set again each run.
BENCH_USERS = {
    "clerk": ("bench_clerk", roles.CLERK),
    "supervisor": ("bench_supervisor", roles.SUPERVISOR),
}


@dataclass(frozen=True)
class Case:
    name: str
    path: str
    # GET: the query string; POST: the form data.
    params: dict = field(default_factory=dict)
    method: str = "get"
    headers: dict = field(default_factory=dict)
    # A key of BENCH_USERS, or None for a public page.
    user: str | None = "clerk"
    budget_ms: float | None = PAGE_MS
    reference: str | None = None  # "admin", "floor" or None
    max_queries: int | None = MAX_QUERIES
    status: int = 200
    # The admin reference this case must beat ADMIN_RATIO times at p50 (listed before it).
    compare_to: str | None = None
    # Slow pages (admin) get a quarter of the requests: their p95 settles sooner than
    # the run would end.
    slow: bool = False
    # Work that is not a page (a beat tick): called instead of a request, in a transaction
    # rolled back after each call, as a form post is.
    call: Callable[[], object] | None = None
    # Work that takes seconds (publishing to a whole site) is timed this many times, after
    # one warm-up, whatever the run's count.
    requests: int | None = None


def reference(name: str, path: str, kind: str, **kwargs) -> Case:
    return Case(name, path, budget_ms=None, reference=kind, max_queries=None, **kwargs)


@dataclass
class BenchContext:
    site: Site
    users: dict[str, User]


@dataclass
class Figure:
    case: Case
    p50_ms: float | None = None
    p95_ms: float | None = None
    queries: int | None = None
    error: str | None = None
    ratio: float | None = None  # admin p50 / this p50, for cases with compare_to

    def misses(self) -> list[str]:
        case = self.case
        if self.error:
            return [self.error]
        found = []
        if case.budget_ms is not None and self.p95_ms > case.budget_ms:
            found.append(f"p95 over {case.budget_ms:g} ms")
        if case.max_queries is not None and self.queries > case.max_queries:
            found.append(f"over {case.max_queries} queries")
        if case.compare_to and (self.ratio is None or self.ratio < ADMIN_RATIO):
            found.append(f"less than {ADMIN_RATIO}x faster than admin")
        return found

    def as_json(self) -> dict:
        return {
            "name": self.case.name,
            "p50_ms": self.p50_ms,
            "p95_ms": self.p95_ms,
            "queries": self.queries,
            "budget_ms": self.case.budget_ms,
            "reference": self.case.reference,
        }


def busiest_site() -> Site | None:
    return Site.objects.annotate(n=Count("houses")).order_by("-n", "id").first()


def bench_context(site: Site) -> BenchContext:
    users = {}
    for key, (username, role) in BENCH_USERS.items():
        user, created = User.objects.get_or_create(
            username=username, defaults={"full_name": "性能测试"}
        )
        if created:
            user.set_unusable_password()  # logged in by force_login only
            user.save(update_fields=["password"])
        user.sites.set([site])
        services.staff_set_role(user=user, role=role)
        users[key] = User.objects.get(pk=user.pk)  # without cached permissions
    return BenchContext(site=site, users=users)


def all_cases(context: BenchContext) -> list[Case]:
    """The core's cases, then each area's in INSTALLED_APPS order."""
    return [*cases(context), *(c for area in all_areas() for c in area_cases(area, context))]


def area_cases(area: Area, context: BenchContext) -> list[Case]:
    if area.bench_cases:
        return call(area.bench_cases, context)
    return [Case(f"{area.key} landing", reverse(area.url_name))]


def request_of(case: Case, client: Client) -> Callable[[], None]:
    if case.call is not None:
        return rolled_back(case.call)
    send = client.post if case.method == "post" else client.get

    def call() -> None:
        # secure=True: production redirects plain HTTP to HTTPS before any view runs.
        if case.method == "post":
            # A form post writes: each one is rolled back, so the bench leaves the data as
            # it found it (the commit is the only cost left out). Pages are not wrapped:
            # their session writes must stay, as they do between a clerk's requests.
            with transaction.atomic():
                response = send(case.path, case.params, headers=case.headers, secure=True)
                transaction.set_rollback(True)
        else:
            response = send(case.path, case.params, headers=case.headers, secure=True)
        if response.status_code != case.status:
            raise RuntimeError(f"HTTP {response.status_code}, expected {case.status}")

    return call


def rolled_back(work: Callable[[], object]) -> Callable[[], None]:
    def call() -> None:
        with transaction.atomic():
            work()
            transaction.set_rollback(True)

    return call


# Savepoints are the bench's own rollback (and a test's transaction), not the page's.
OWN_SQL = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


def timed(call: Callable[[], None], requests: int, warmup: int) -> tuple[float, float, int]:
    """p50 and p95 in ms over ``requests`` calls after ``warmup``, and the usual query count.

    Queries are counted by a wrapper rather than CaptureQueriesContext (each request
    clears the connection's query log under the latter's feet), on every timed request:
    the most common count is the page's, not the one request a minute that also reads
    the user's sites and permissions again (CurrentSiteMiddleware).
    """
    for _ in range(warmup):
        call()
    counts, times, queries = Counter(), [], 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        if not sql.startswith(OWN_SQL):
            queries += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        for _ in range(requests):
            queries = 0
            started = time.perf_counter()
            call()
            times.append((time.perf_counter() - started) * 1000)
            counts[queries] += 1
    if len(times) == 1:
        times *= 2  # quantiles needs two points; the smallest runs (tests) make one
    cuts = statistics.quantiles(times, n=100, method="inclusive")
    return round(cuts[49], 2), round(cuts[94], 2), counts.most_common(1)[0][0]


def run(
    context: BenchContext,
    cases: list[Case],
    requests: int,
    warmup: int,
    progress: Callable[[Figure], None] = lambda figure: None,
) -> list[Figure]:
    clients = {None: Client()}
    for key, user in context.users.items():
        clients[key] = Client()
        clients[key].force_login(user)
    by_name: dict[str, Figure] = {}
    for case in cases:
        figure = Figure(case)
        try:
            n = max(requests // 4, 1) if case.slow else requests
            if case.method == "post" and case.user is not None:
                # A post is rolled back, its session's write with it: a page first renews
                # the session's cached access (once a minute), as the clerk's last page
                # did, or every timed post would read it again.
                clients[case.user].get(reverse("desk"), secure=True)
            if case.requests is not None:
                n, case_warmup = min(case.requests, requests), min(warmup, 1)
            else:
                case_warmup = warmup
            figure.p50_ms, figure.p95_ms, figure.queries = timed(
                request_of(case, clients[case.user]), n, case_warmup
            )
        except Exception as error:  # one broken page is a failed figure, not a lost run
            figure.error = f"failed: {error!r}"
        admin = by_name.get(case.compare_to)
        if admin and admin.p50_ms and figure.p50_ms:
            figure.ratio = round(admin.p50_ms / figure.p50_ms, 1)
        by_name[case.name] = figure
        progress(figure)
    return list(by_name.values())


def cases(context: BenchContext) -> list[Case]:
    """The core's own pages, the channels' (the inbox, the delivery log) among them."""
    # By name, as areas' cases are: the channels' module builds on this one's Case.
    return [
        reference("floor: base.html only", "/__bench__/floor/", "floor"),
        Case("today's desk", "/", budget_ms=DESK_MS),
        *call("frontdesk.channels.bench.cases", context),
        # The notices area adds its public page, as an anonymous request:
        # Case("public notice page", f"/n/{token}/", user=None, budget_ms=PUBLIC_MS)
    ]
