"""Complaints (投诉建议) as the desk's core knows it: see frontdesk.areas."""

from django.utils.translation import gettext_lazy as _

from frontdesk import roles
from frontdesk.areas import Area, MessagePurpose, Schedule

AREA = Area(
    key="complaints",
    label=_("Complaints and suggestions"),
    url_name="complaints:index",
    icon="bi-chat-left-text",
    description=_("Complaints, suggestions and repairs until the resident is satisfied."),
    # Every member of staff: the desk routes work to departments here.
    permission=None,
    built=True,
    url_prefix="complaints/",
    desk_items="complaints.selectors.desk.desk_items",
    waiting_on="complaints.selectors.desk.waiting_on",
    # A house's page lists its cases, with "record a case" for it.
    panels={"residents.house": "complaints.panels.house_panels"},
    # The resident's feedback link (/s/<token>/), answered on a phone without logging in.
    public_urls={"s/": "complaints.urls.public"},
    demo="complaints.demo",
    bench_cases="complaints.bench.cases",
    schedules=[
        # Every reminder and escalation due (complaints.tasks, complaints.services.chasing).
        Schedule("追踪工单时限（每分钟）", "complaints.chase_due", 60),
    ],
    role_permissions={
        roles.SUPERVISOR: [
            # Each site's category tree with its routing and deadlines, and its chasing
            # rules. Categories are retired (not active), never deleted: cases name them.
            *[
                f"complaints.{action}_{model}"
                for model in ("category", "categorydeadline", "casesettings")
                for action in ("view", "add", "change")
            ],
            "complaints.delete_categorydeadline",
            # Cases and their timelines are read in admin; every change goes through the
            # case's page, so that it is on the timeline. Nothing of them is ever deleted.
            "complaints.view_case",
            "complaints.view_caseevent",
            "complaints.view_casephoto",
            "complaints.view_callbackattempt",
        ],
    },
    # Department staff hear of new, transferred, reopened and withdrawn cases through
    # their group robot and inboxes; the clerk who recorded a case, of its hand-back.
    message_purposes={
        "case_assigned": MessagePurpose(_("New or transferred case for a department")),
        "case_handed_back": MessagePurpose(_("Case handed back to the desk")),
        "case_reopened": MessagePurpose(_("Case reopened")),
        "case_withdrawn": MessagePurpose(_("Case withdrawn")),
        # The beat's chasing (complaints.services.chasing).
        "case_due_soon": MessagePurpose(_("Case near its deadline")),
        "case_overdue": MessagePurpose(_("Case overdue (escalation)")),
        "case_idle": MessagePurpose(_("Case without progress")),
    },
)
