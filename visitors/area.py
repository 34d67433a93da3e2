"""Reception (来访接待) as the desk's core knows it: see frontdesk.areas."""

from django.utils.translation import gettext_lazy as _

from frontdesk import revealable, roles
from frontdesk.areas import Area, MessagePurpose, Schedule

AREA = Area(
    key="visitors",
    label=_("Reception"),
    url_name="visitors:index",
    icon="bi-person-badge",
    description=_("Register visitors, see who is on site, log inquiries, hand over parcels."),
    permission=roles.USE_DESK,
    url_prefix="visitors/",
    role_permissions={
        roles.SUPERVISOR: [
            # The register and the desk's lists are kept, never deleted (the visit stays
            # for the statistics; retention erases its personal data instead).
            *[
                f"visitors.{action}_{model}"
                for model in ("receptionsettings", "watchentry", "visit", "inquiry", "parcel")
                for action in ("view", "add", "change")
            ],
            "visitors.view_watchhit",
            # The purposes are one list for the whole company (its statistics compare
            # sites): kept by the company's administrators (superusers); a site's
            # supervisor reads it.
            "visitors.view_visitpurpose",
        ],
    },
    schedules=[
        # Visitors' phone and ID numbers past their site's retention period (visitors.tasks).
        Schedule("清除过期访客个人信息（每日）", "visitors.purge_personal_data", 24 * 60 * 60),
    ],
    desk_items="visitors.selectors.desk.desk_items",
    waiting_on="visitors.selectors.desk.waiting_on",
    # A house's page (records) shows its inquiries, with the form, and its parcels waiting.
    panels={"residents.house": "visitors.panels.house_panels"},
    personal_fields={
        "visitors.visit": {"visitor_phone": revealable.PHONE, "id_number": revealable.ID_NUMBER},
        "visitors.inquiry": {"asker_phone": revealable.PHONE},
        "visitors.watchentry": {"phone": revealable.PHONE, "id_number": revealable.ID_NUMBER},
    },
    # The parcel text's template is filled with: 3栋2单元1201, 顺丰, the tracking number's
    # last four digits, and the shelf.
    message_purposes={
        "parcel_waiting": MessagePurpose(
            _("Parcel waiting at the desk"), ("house", "courier", "tail", "shelf")
        ),
    },
    demo="visitors.demo",
    bench_cases="visitors.bench.cases",
)
