"""Measure the records lookup at company scale (after `seed_demo --scale bench`).

For the busiest site, each kind of key is looked up many times after a warm-up: through
the page's htmx partial, the full page, the selector alone, and, as the reference a
supervisor would otherwise use, Django admin's search of residents (and a plain
``icontains`` query standing in for any ad-hoc search). Prints p50/p95 server time and
the query count of each, then EXPLAIN ANALYZE of the lookup's queries for the most
common surname.

    DEBUG=0 SECRET_KEY=... ALLOWED_HOSTS=localhost DATABASE_URL=... \\
        .venv/bin/python scripts/measure_lookup.py [--requests 200] [--json PATH]

Two throwaway logins scoped to the busiest site alone are created for the run and
deleted after it; nothing else is written.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "frontdesk.settings")

import django  # noqa: E402
from django.conf import settings  # noqa: E402

# Production pages name their static files through collectstatic's manifest. Without one
# (collectstatic not run here) every page would fail on its first {% static %}: name them
# plainly instead, which costs the same, rather than write a staticfiles/ others would use.
STATIC_MANIFEST = (Path(settings.STATIC_ROOT) / "staticfiles.json").exists()
if not STATIC_MANIFEST:
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Count, Q  # noqa: E402
from django.db.models.functions import Left  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from frontdesk import roles, services  # noqa: E402
from frontdesk.models import Site, User  # noqa: E402
from residents.models import Resident, SearchTerm  # noqa: E402
from residents.selectors import lookup  # noqa: E402

HOST = (os.environ.get("ALLOWED_HOSTS") or "localhost").split(",")[0].strip()
PARTIAL = {"HX-Request": "true", "HX-Target": "lookup-results"}
CLERK, SUPERVISOR = "measure_lookup_clerk", "measure_lookup_supervisor"


def busiest_site() -> Site:
    return Site.objects.annotate(n=Count("houses")).order_by("-n", "id").first()


def keys(site: Site) -> list[tuple[str, str]]:
    """One query of each kind, taken from the site's own data so that each one matches."""
    residents = Resident.objects.filter(site=site)
    two = (
        residents.filter(name__startswith="张")
        .annotate(part=Left("name", 2))
        .values("part")
        .annotate(n=Count("id"))
        .order_by("-n", "part")
        .first()["part"]
    )
    phone = residents.exclude(phone="").order_by("id").values_list("phone", flat=True).first()
    # The worst case: the first letter typed, the one that starts the most keys.
    letter = (
        SearchTerm.objects.filter(site=site, term__regex=r"^[a-z]")
        .annotate(letter=Left("term", 1))
        .values("letter")
        .annotate(n=Count("id"))
        .order_by("-n", "letter")
        .first()["letter"]
    )
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


def throwaway_user(username: str, site: Site, role: str) -> User:
    User.objects.filter(username=username).delete()
    user = User.objects.create_user(username=username, full_name="性能测试")
    user.sites.set([site])
    services.staff_set_role(user=user, role=role)
    return user


def timed(call: Callable[[], object], requests: int, warmup: int) -> dict:
    """p50/p95 in ms over ``requests`` calls after ``warmup``, and one call's query count."""
    for _ in range(warmup):
        call()
    # Counted by a wrapper rather than CaptureQueriesContext: each request starts by
    # clearing the connection's query log under the latter's feet.
    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        outcome = call()
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    cuts = statistics.quantiles(times, n=100, method="inclusive")
    return {
        "p50": round(cuts[49], 2),
        "p95": round(cuts[94], 2),
        "queries": queries,
        "outcome": outcome,
    }


def http(client: Client, path: str, q: str, headers: dict | None = None) -> Callable:
    def call():
        response = client.get(path, {"q": q}, headers=headers or {}, secure=True)
        if response.status_code != 200:
            raise RuntimeError(f"{path}?q={q}: HTTP {response.status_code}")
        return f"{len(response.content) / 1024:.1f} KiB"

    return call


def selector(site: Site, q: str) -> Callable:
    def call():
        result = lookup(site, q)
        return f"{len(result.houses)} houses, {len(result.residents)} residents" + (
            " (more)" if result.more else ""
        )

    return call


def stand_in(site: Site, q: str) -> Callable:
    """What a hand-written search would do: icontains over the columns, count + page."""

    def call():
        found = Resident.objects.filter(site=site).filter(
            Q(name__icontains=q)
            | Q(phone__icontains=q)
            | Q(name_initials__icontains=q)
            | Q(name_pinyin__icontains=q)
        )
        count = found.count()
        list(found.order_by("name", "id")[:100])
        return f"{count} residents"

    return call


def measure(site: Site, requests: int, warmup: int, admin_requests: int) -> list[dict]:
    clerk = throwaway_user(CLERK, site, roles.CLERK)
    supervisor = throwaway_user(SUPERVISOR, site, roles.SUPERVISOR)
    desk, admin = Client(SERVER_NAME=HOST), Client(SERVER_NAME=HOST)
    desk.force_login(clerk)
    admin.force_login(supervisor)
    rows = []
    try:
        for label, q in keys(site):
            ways = [
                ("htmx partial", http(desk, "/residents/", q, PARTIAL), requests),
                ("full page", http(desk, "/residents/", q), requests),
                ("selector lookup()", selector(site, q), requests),
                ("admin changelist", http(admin, "/admin/residents/resident/", q), admin_requests),
                ("stand-in icontains", stand_in(site, q), admin_requests),
            ]
            for way, call, n in ways:
                try:
                    stats = timed(call, n, warmup)
                except Exception as error:  # a page being written may still fail: say so
                    stats = {"p50": None, "p95": None, "queries": None, "outcome": repr(error)}
                rows.append({"key": label, "q": q, "way": way, **stats})
                print(
                    f"{label:<22} {way:<20} "
                    + (
                        f"p50 {stats['p50']:8.2f} ms  p95 {stats['p95']:8.2f} ms  "
                        f"{stats['queries']:3d} queries  {stats['outcome']}"
                        if stats["p50"] is not None
                        else f"FAILED: {stats['outcome']}"
                    ),
                    flush=True,
                )
    finally:
        desk.logout()
        admin.logout()
        User.objects.filter(username__in=[CLERK, SUPERVISOR]).delete()
    return rows


def explain(site: Site, q: str) -> list[tuple[str, str]]:
    """EXPLAIN ANALYZE of every query the selector runs for ``q``."""
    with CaptureQueriesContext(connection) as captured:
        lookup(site, q)
    plans = []
    with connection.cursor() as cursor:
        for query in captured:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
            plans.append((query["sql"], "\n".join(row[0] for row in cursor.fetchall())))
    return plans


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200, help="timed requests per key")
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument(
        "--admin-requests", type=int, default=200, help="timed requests of the references"
    )
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()

    site = busiest_site()
    terms = SearchTerm.objects.filter(site=site).count()
    print(
        f"Busiest site: {site.name} (id {site.pk}): {site.n:,} houses, "
        f"{Resident.objects.filter(site=site).count():,} residents, {terms:,} search terms; "
        f"database {connection.settings_dict['NAME']}; DEBUG={settings.DEBUG}"
        + ("" if STATIC_MANIFEST else "; no collectstatic manifest: plain static URLs")
        + "\n"
    )
    rows = measure(site, args.requests, args.warmup, args.admin_requests)
    plans = explain(site, "张")
    print("\nEXPLAIN ANALYZE of the lookup's queries for 张:")
    for sql, plan in plans:
        print(f"\n{sql}\n{plan}")
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {"site": site.name, "houses": site.n, "rows": rows, "explain": plans},
                ensure_ascii=False,
                indent=2,
            )
        )


if __name__ == "__main__":
    main()
