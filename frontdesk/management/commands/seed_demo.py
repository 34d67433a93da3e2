from importlib import import_module

from django.core.management.base import BaseCommand, CommandError

from frontdesk import demo
from frontdesk.models import Site

# Each area's demo module, in dependency order; each has seed_demo(context).
AREA_SEEDERS = ["residents.demo"]


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

    def handle(self, *args, scale: str, if_empty: bool, **options):
        if if_empty and Site.objects.exists():
            self.stdout.write("Database already holds data; demo data not loaded.")
            return
        if scale == "bench":
            raise CommandError("--scale bench is not available yet.")
        context = demo.seed_core()
        for module in AREA_SEEDERS:
            import_module(module).seed_demo(context)
            self.stdout.write(f"  {module}: done")
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {len(context.sites)} sites, logins "
                + ", ".join(context.users)
                + f" (password {demo.demo_password()})."
            )
        )
