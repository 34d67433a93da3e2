"""One notice and what its pages read: the notice with its type, people, audience and
attachments; its timeline; what this user may do to it now; its versions."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from frontdesk.models import Site, User
from frontdesk.scoping import get_for_site_or_404
from notices.access import may_act
from notices.models import Notice, NoticeAttachment, NoticeEntrance, NoticeEvent
from notices.states import Action, actions_allowed
from residents.models import Building, House

# The actions the notice's page offers (editing has its own page, expiring is the beat's,
# superseding is publishing a correction's).
PAGE_ACTIONS = (
    Action.SUBMIT,
    Action.APPROVE,
    Action.SEND_BACK,
    Action.PUBLISH,
    Action.PUBLISH_NOW,
    Action.NEW_VERSION,
    Action.WITHDRAW,
)


def notice_detail(site: Site, pk: int) -> Notice:
    """The notice with everything its pages show, in a fixed number of queries; a 404 for
    another site's."""
    return get_for_site_or_404(
        Notice.objects.select_related(
            "site",
            "type",
            "request",
            "created_by",
            "submitted_by",
            "approved_by",
            "published_by",
            "withdrawn_by",
            "updated_by",
            "supersedes",
        ).prefetch_related(
            Prefetch("buildings", queryset=Building.objects.order_by("number")),
            Prefetch("houses", queryset=House.objects.select_related("building")),
            Prefetch("entrances", queryset=NoticeEntrance.objects.select_related("building")),
            Prefetch(
                "attachments", queryset=NoticeAttachment.objects.order_by("uploaded_at", "id")
            ),
        ),
        site,
        pk=pk,
    )


def timeline(notice: Notice) -> QuerySet[NoticeEvent]:
    return NoticeEvent.objects.filter(notice=notice).select_related("by").order_by("at", "id")


def versions(notice: Notice) -> list[Notice]:
    """Every version of the notice, newest first (with their states), for its page."""
    return list(
        Notice.objects.filter(series=notice.series, site_id=notice.site_id)
        .only("pk", "version", "state", "title", "published_at", "site_id")
        .order_by("-version")
    )


def actions_for(user: User, notice: Notice) -> list[Action]:
    """The page's actions this user may take in the notice's state."""
    allowed = set(actions_allowed(notice.state))
    return [a for a in PAGE_ACTIONS if a in allowed and may_act(user, notice, a)]


def may_edit(user: User, notice: Notice) -> bool:
    return Action.EDIT in actions_allowed(notice.state) and may_act(user, notice, Action.EDIT)


def attachment_detail(site: Site, pk: int) -> NoticeAttachment:
    return get_object_or_404(NoticeAttachment.objects.for_site(site), pk=pk)
