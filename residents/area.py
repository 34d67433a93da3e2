"""Records (住户查询) as the desk's core knows it: see frontdesk.areas."""

from django.utils.translation import gettext_lazy as _

from frontdesk import revealable, roles
from frontdesk.areas import Area, MessagePurpose

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
            # Each site's reminder interval and payment instructions; the reminders given
            # are read in admin, written by the arrears pages alone.
            "residents.view_recordssettings",
            "residents.add_recordssettings",
            "residents.change_recordssettings",
            "residents.view_arrearsreminder",
        ],
    },
    personal_fields={
        "residents.resident": {
            "phone": revealable.PHONE,
            "phone2": revealable.PHONE,
            "id_number": revealable.ID_NUMBER,
        },
    },
    # The payment reminder's template is filled with: the site's name, 3栋2单元1201, the
    # amount owed (1200.00), the months owed, and the finance office's phone.
    message_purposes={
        "arrears_reminder": MessagePurpose(
            _("Payment reminder (arrears)"), ("site", "house", "amount", "months", "phone")
        ),
    },
    demo="residents.demo",
    bench_cases="residents.bench.cases",
    bench_urls="residents.bench_urls",
)
