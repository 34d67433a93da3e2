import time
from contextlib import contextmanager
from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import connection

from frontdesk import demo
from frontdesk.areas import all_areas
from frontdesk.models import Site


def area_seeders() -> list[str]:
    """Each area's demo module (Area.demo), in INSTALLED_APPS order, which is dependency
    order; each has seed_demo(context) and may have seed_bench(context), which loads the
    area's company-scale volume for the sites in context.bench (after the demo data of the
    demo sites) and returns its row counts."""
    return [area.demo for area in all_areas() if area.demo]


def seeders() -> list[str]:
    """The areas' demo modules, then the core's channels: their messages are about what
    the areas hold (the parcels, the buildings' groups)."""
    return [*area_seeders(), "frontdesk.channels.demo"]


class Command(BaseCommand):
    help = "Load deterministic demo data (two sites, residents, the demo logins); idempotent."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            choices=["demo", "bench"],
            default="demo",
            help="demo: two sites for trying the desk; bench: company scale for the benchmark.",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already holds sites (used by make run).",
        )
        parser.add_argument(
            "--bench-sites",
            type=int,
            default=demo.BENCH_SITES,
            help="With --scale bench: sites in all, the demo ones included (for trials).",
        )
        parser.add_argument(
            "--bench-houses",
            type=int,
            default=demo.BENCH_HOUSES,
            help="With --scale bench: houses in all, the demo sites' included (for trials).",
        )

    def handle(
        self, *args, scale: str, if_empty: bool, bench_sites: int, bench_houses: int, **options
    ):
        if if_empty and Site.objects.exists():
            self.stdout.write("Database already holds data; demo data not loaded.")
            return
        self.verbosity = options["verbosity"]
        started = time.perf_counter()
        with self.phase("core: demo sites, departments, logins"):
            context = demo.seed_core()
        if self.verbosity >= 1:
            context.log = self.stdout.write
        for module in seeders():
            with self.phase(f"{module}: demo data"):
                import_module(module).seed_demo(context)
        if scale == "bench":
            self.seed_bench(context, bench_sites, bench_houses)
            self.stdout.write(f"Company scale loaded in {time.perf_counter() - started:.1f} s.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {len(context.sites) + len(context.bench)} sites, logins "
                + ", ".join(context.users)
                + f" (password {demo.demo_password()})."
            )
        )

    def seed_bench(self, context: demo.SeedContext, sites: int, houses: int) -> None:
        specs = demo.bench_site_specs(total_houses=houses, site_count=sites)
        with self.phase(f"core: {len(specs)} company-scale sites"):
            demo.seed_bench_sites(context, specs)
        for module in seeders():
            seed_bench = getattr(import_module(module), "seed_bench", None)
            if seed_bench is not None:
                with self.phase(f"{module}: company scale"):
                    seed_bench(context)
        tables = self.area_tables()
        # Fresh COPYs leave the planner without statistics (the lookup would guess its
        # plans) and every page unvacuumed (the first readers would set the hint bits):
        # settle both now rather than under the first benchmark.
        quoted = [connection.ops.quote_name(table) for table in tables]
        with self.phase("vacuum and analyze"), connection.cursor() as cursor:
            # VACUUM cannot run inside a transaction (a test's): statistics alone there.
            vacuum = "ANALYZE " if connection.in_atomic_block else "VACUUM (ANALYZE) "
            cursor.execute(vacuum + ", ".join(quoted))
            cursor.execute(
                " UNION ALL ".join(f"SELECT %s, count(*) FROM {table}" for table in quoted),
                tables,
            )
            counts = cursor.fetchall()
        self.stdout.write("Rows:")
        for table, count in counts:
            if count:
                self.stdout.write(f"  {table:<40} {count:>12,}")

    def area_tables(self) -> list[str]:
        labels = ["frontdesk", "channels"] + [area.key for area in all_areas() if area.demo]
        return [
            model._meta.db_table
            for label in labels
            for model in apps.get_app_config(label).get_models(include_auto_created=True)
            if not model._meta.proxy and model._meta.managed
        ]

    @contextmanager
    def phase(self, name: str):
        started = time.perf_counter()
        if self.verbosity >= 1:
            self.stdout.write(f"{name} …")
        yield
        if self.verbosity >= 1:
            self.stdout.write(f"{name}: {time.perf_counter() - started:.1f} s")
