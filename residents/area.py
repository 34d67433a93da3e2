"""Records (住户查询) as the desk's core knows it: see frontdesk.areas."""

from django.utils.translation import gettext_lazy as _

from frontdesk import revealable, roles
from frontdesk.areas import Area

AREA = Area(
    key="residents",
    label=_("Records lookup"),
    url_name="residents:index",
    icon="bi-house-door",
    description=_("Find houses and residents, fees and arrears; log what was asked."),
    permission=roles.USE_DESK,
    url_prefix="residents/",
    role_permissions={
        roles.SUPERVISOR: [
            "residents.import_roster",
            *[
                f"residents.{action}_{model}"
                for model in (
                    "building",
                    "house",
                    "resident",
                    "occupancy",
                    "vehicle",
                    "bill",
                    "payment",
                )
                for action in ("view", "add", "change")
            ],
            "residents.view_rosterimport",
            # Read on the payment's page; only the allocation service writes them.
            "residents.view_paymentallocation",
        ],
    },
    personal_fields={
        "residents.resident": {
            "phone": revealable.PHONE,
            "phone2": revealable.PHONE,
            "id_number": revealable.ID_NUMBER,
        },
    },
    demo="residents.demo",
    bench_cases="residents.bench.cases",
    bench_urls="residents.bench_urls",
)
