"""Notices (公告通知) as the desk's core knows it: see frontdesk.areas."""

from django.utils.translation import gettext_lazy as _

from frontdesk import roles
from frontdesk.areas import Area, MessagePurpose, Schedule

AREA = Area(
    key="notices",
    label=_("Notices"),
    url_name="notices:index",
    icon="bi-megaphone",
    description=_("Draft, approve, print and deliver notices to residents."),
    permission=roles.USE_DESK,
    built=True,
    url_prefix="notices/",
    # A supervisor's approvals queue (nobody else's desk pays a query for it).
    waiting_on="notices.selectors.desk.waiting_on",
    demo="notices.demo",
    # The page a poster's QR code opens on a phone (/n/<token>/), without logging in.
    public_urls={"n/": "notices.urls.public"},
    bench_cases="notices.bench.cases",
    # Publishing tells the audience buildings' groups and, for outages and urgent
    # notices, texts the owners (notices.services.delivery); the SMS template recorded
    # for this purpose is filled with these parameters.
    message_purposes={
        "notice": MessagePurpose(_("Notice published"), ("site", "type", "title", "date", "phone")),
        # Told to the residents' groups only (notices.services.delivery.notice_withdrawn).
        "notice_withdrawn": MessagePurpose(_("Notice withdrawn"), ("title",)),
    },
    schedules=[
        # Published notices past their last day become expired (notices.tasks).
        Schedule("公告到期下架（每小时）", "notices.expire_due", 60 * 60),
    ],
    role_permissions={
        roles.SUPERVISOR: [
            # Approving, sending back, publishing urgent notices at once (notices.access).
            "notices.approve_notice",
            # Each site's notice types and templates. Types are retired (not active),
            # never deleted: notices name them; a template nobody wants may go.
            *[
                f"notices.{action}_{model}"
                for model in ("noticetype", "noticetemplate")
                for action in ("view", "add", "change")
            ],
            "notices.delete_noticetemplate",
            # Notices, their requests, attachments and timelines are read in admin; every
            # change goes through the notice's page, so that it is on the timeline.
            "notices.view_noticerequest",
            "notices.view_notice",
            "notices.view_noticeevent",
            "notices.view_noticeattachment",
            # Each site's posting locations (boards, lift lobbies, gates). Retired (not
            # active), never deleted: postings name them.
            "notices.view_postinglocation",
            "notices.add_postinglocation",
            "notices.change_postinglocation",
        ],
    },
)
