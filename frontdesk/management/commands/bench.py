import dataclasses
import json
import unicodedata
import warnings
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import override_settings

from frontdesk import bench
from frontdesk.models import Site

# Fewer sites than this is the demo data, not company scale: its figures would flatter.
BENCH_MIN_SITES = 10


class Command(BaseCommand):
    help = (
        "Measure the key pages at company scale (after seed_demo --scale bench): p50/p95 "
        "server time and queries, against their budgets; exit 1 when one is missed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--json", dest="json_path", help="Also write the figures to this file.")
        parser.add_argument(
            "--requests",
            type=int,
            default=200,
            help="Timed requests per page (admin pages get a quarter).",
        )
        parser.add_argument("--warmup", type=int, default=10)
        parser.add_argument("--only", help="Measure only the cases whose name contains this.")
        # For the tests alone: they run the machinery on a few factory-made rows.
        parser.add_argument("--allow-small", action="store_true", help="Skip the scale check.")
        parser.add_argument(
            "--budget-scale",
            type=float,
            default=1.0,
            help="Multiply every budget (0 makes every budget fail: the tests' check).",
        )

    def handle(
        self, *args, json_path, requests, warmup, only, allow_small, budget_scale, **options
    ):
        sites = Site.objects.count()
        if sites < BENCH_MIN_SITES and not allow_small:
            raise CommandError(
                f"The database holds {sites} sites, not company scale: "
                "run `python manage.py seed_demo --scale bench` first.",
                returncode=2,
            )
        site = bench.busiest_site()
        if site is None:
            raise CommandError("The database holds no site.", returncode=2)
        context = bench.bench_context(site)
        # WhiteNoise's word that collectstatic was not run: known, see bench_settings.
        warnings.filterwarnings("ignore", "No directory at", UserWarning)
        with override_settings(**self.bench_settings()):
            cases = bench.all_cases(context)
            if only:
                # A lookup chosen brings the admin search it is compared to.
                chosen = {case.name for case in cases if only in case.name}
                chosen |= {case.compare_to for case in cases if case.name in chosen}
                cases = [case for case in cases if case.name in chosen]
            cases = [self.scaled(case, budget_scale) for case in cases]
            self.stdout.write(
                f"Busiest site: {site.name} (id {site.pk}): {site.n:,} houses; "
                f"database {connection.settings_dict['NAME']}; DEBUG={settings.DEBUG}; "
                f"{requests} requests per page ({max(requests // 4, 1)} for admin) "
                f"after {warmup} warm-up.\n"
            )
            self.stdout.write(
                self.row("page", "p50 ms", "p95 ms", "queries", "budget", "vs admin", "verdict")
            )
            figures = bench.run(
                context, cases, requests, warmup, lambda f: self.stdout.write(self.line(f))
            )
        if json_path:
            Path(json_path).write_text(
                json.dumps([figure.as_json() for figure in figures], ensure_ascii=False, indent=2)
            )
            self.stdout.write(f"Figures written to {json_path}.")
        missed = [figure for figure in figures if figure.misses()]
        if missed:
            raise CommandError(
                f"{len(missed)} of {len(figures)} figures missed their budget: "
                + "; ".join(f"{f.case.name} ({', '.join(f.misses())})" for f in missed),
                returncode=1,
            )
        self.stdout.write(self.style.SUCCESS(f"All {len(figures)} figures within budget."))

    def bench_settings(self) -> dict:
        changed = {
            "ROOT_URLCONF": "frontdesk.bench_urls",
            # The test client's own host name, besides the configured ones.
            "ALLOWED_HOSTS": [*settings.ALLOWED_HOSTS, "testserver"],
            # Every request of the run comes from one address: public pages' limit per
            # address (frontdesk.public) would answer 429 after the first minute's sixty.
            "PUBLIC_RATE_LIMIT": (10**9, 60),
        }
        # Production pages name their static files through collectstatic's manifest.
        # Without one every page would fail on its first {% static %}: name them plainly
        # instead, which costs the same, rather than write a staticfiles/ others would use.
        if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
            changed["STORAGES"] = {
                **settings.STORAGES,
                "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
            }
        return changed

    @staticmethod
    def scaled(case: bench.Case, factor: float) -> bench.Case:
        if case.budget_ms is None or factor == 1:
            return case
        return dataclasses.replace(case, budget_ms=case.budget_ms * factor)

    @staticmethod
    def row(name, p50, p95, queries, budget, ratio, verdict) -> str:
        # Chinese characters take two columns in a terminal.
        pad = 44 - sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in name)
        return f"{name}{' ' * pad} {p50:>8} {p95:>8} {queries:>7} {budget:>9} {ratio:>8}  {verdict}"

    def line(self, figure: bench.Figure) -> str:
        case = figure.case
        if figure.error:
            return self.row(case.name, "-", "-", "-", "-", "-", figure.error)
        budget = f"{case.budget_ms:g} ms" if case.budget_ms is not None else "-"
        misses = figure.misses()
        if misses:
            verdict = "OVER: " + ", ".join(misses)
        elif case.reference:
            verdict = f"({case.reference} reference)"
        elif case.budget_ms is None:
            verdict = "(no budget)"
        else:
            verdict = "ok"
        return self.row(
            case.name,
            f"{figure.p50_ms:.2f}",
            f"{figure.p95_ms:.2f}",
            str(figure.queries),
            budget,
            f"{figure.ratio:.1f}x" if figure.ratio is not None else "",
            verdict,
        )
