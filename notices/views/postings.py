"""张贴: a notice's postings section (its boards, each posted, taken down or not yet, with
the opens of its QR code), recording a copy posted or taken down, the site's posting
checklist, and the posters, one per board."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from frontdesk.access import site_view
from frontdesk.areas import area
from frontdesk.conflicts import Conflict, conflict_message
from frontdesk.pagination import CappedPaginator
from frontdesk.qr import qr_svg
from frontdesk.roles import USE_DESK
from frontdesk.uploads import file_response
from notices.forms.postings import PHOTO_ACCEPT, PostingForm, RemovalForm
from notices.models import Notice, PostingLocation
from notices.rendering import render_body
from notices.selectors import postings as selectors
from notices.selectors.notices import notice_detail
from notices.services import postings as services

POSTED = pgettext_lazy("conflict", "posted")
TAKEN_DOWN = pgettext_lazy("conflict", "taken down")
ANCHOR = "#notice-postings"
# The checklist's two lists, one at a time (each paginated on its own).
CHECKLIST_TABS = ("waiting", "take_down")


def _section(
    request: HttpRequest,
    notice: Notice,
    *,
    posted: tuple[int, PostingForm] | None = None,
    alert: str = "",
    status: int = 200,
) -> HttpResponse:
    """The postings section: the fragment the notice's page loads (htmx), or a page of its
    own (without JavaScript, and when a form comes back with what went wrong: ``posted``,
    the board's id and its form)."""
    template = (
        "notices/_postings.html" if request.headers.get("HX-Request") else "notices/postings.html"
    )
    return render(
        request,
        template,
        {
            "area": area("notices"),
            "notice": notice,
            "board": selectors.notice_board(notice),
            "postable": services.may_post(notice, timezone.localdate()),
            "photo_accept": PHOTO_ACCEPT,
            "posted_location": posted[0] if posted else None,
            "posted_errors": posted[1].errors.get("photo", []) if posted else [],
            "alert": alert,
        },
        status=status,
    )


@never_cache
@site_view(USE_DESK)
def section(request: HttpRequest, pk: int) -> HttpResponse:
    return _section(request, selectors.notice_for_postings(request.site, pk))


def _back_to_notice(notice: Notice) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("notices:detail", args=[notice.pk]) + ANCHOR)


@never_cache
@require_POST
@site_view(USE_DESK)
def record(request: HttpRequest, pk: int, location: int) -> HttpResponse:
    """A copy of the notice posted on one board, with an optional photo."""
    notice = selectors.notice_for_postings(request.site, pk)
    board = selectors.location_detail(request.site, location)
    form = PostingForm(request.POST, request.FILES)
    if not form.is_valid():
        return _section(request, notice, posted=(board.pk, form), status=400)
    try:
        services.posting_record(
            site=request.site,
            user=request.user,
            notice=notice,
            location=board,
            photo=form.cleaned_data["photo"],
        )
    except Conflict as conflict:
        alert = conflict_message(conflict, POSTED, subject=board.name)
        return _section(request, notice, alert=alert, status=409)
    except ValidationError as error:
        return _section(request, notice, alert=" ".join(error.messages), status=400)
    messages.success(request, _("Posted at %(location)s: recorded.") % {"location": board.name})
    return _back_to_notice(notice)


@never_cache
@require_POST
@site_view(USE_DESK)
def remove(request: HttpRequest, pk: int) -> HttpResponse:
    """A copy taken down (after expiry, withdrawal or a correction; or to be replaced)."""
    posting = selectors.posting_detail(request.site, pk)
    form = RemovalForm(request.POST)
    back = form.cleaned_data["back"] if form.is_valid() else ""
    try:
        services.posting_remove(site=request.site, user=request.user, posting=posting)
    except Conflict as conflict:
        alert = conflict_message(conflict, TAKEN_DOWN, subject=posting.location.name)
        return _section(request, posting.notice, alert=alert, status=409)
    messages.success(
        request, _("Taken down from %(location)s: recorded.") % {"location": posting.location.name}
    )
    if back == "checklist":
        return HttpResponseRedirect(reverse("notices:checklist") + "?show=take_down")
    return _back_to_notice(posting.notice)


@never_cache
@site_view(USE_DESK)
def photo(request: HttpRequest, pk: int) -> HttpResponse:
    posting = selectors.posting_detail(request.site, pk)
    if not posting.photo:
        raise Http404
    day = timezone.localtime(posting.posted_at)
    ext = posting.photo.name.rsplit(".", 1)[-1] if "." in posting.photo.name else "jpg"
    return file_response(posting.photo, f"{posting.location.name}-{day:%Y%m%d}.{ext}")


@never_cache
@site_view(USE_DESK)
def checklist(request: HttpRequest) -> HttpResponse:
    """张贴检查: boards still waiting for the site's notices in force, and copies of notices
    no longer in force still up, to take down; one list at a time, each paginated."""
    today = timezone.localdate()
    lists = {
        "waiting": selectors.notices_waiting(request.site, today),
        "take_down": selectors.postings_to_take_down(request.site, today),
    }
    show = request.GET.get("show")
    show = show if show in CHECKLIST_TABS else "waiting"
    page = CappedPaginator(lists[show], selectors.PAGE).get_page(request.GET.get("page"))
    other = next(tab for tab in CHECKLIST_TABS if tab != show)
    counts = {show: page.paginator.count, other: CappedPaginator(lists[other], 1).count}
    return render(
        request,
        "notices/checklist.html",
        {"area": area("notices"), "show": show, "page": page, "counts": counts},
    )


# --- Posters, one per board ----------------------------------------------------------------


def poster_qr(request: HttpRequest, notice: Notice, location: PostingLocation | None) -> SafeString:
    """The QR code of the notice's public page; with a location, its code (``?at=``), so
    that an open is counted for that board."""
    url = request.build_absolute_uri(notice.public_path)
    if location is not None:
        url += "?" + urlencode({"at": location.code})
    return qr_svg(url, scale=4)


def poster_page(
    request: HttpRequest, notice: Notice, locations: list[PostingLocation | None]
) -> HttpResponse:
    """The A4 poster, one sheet per location (each printed on a page of its own), with the
    board's name printed small and its own QR code."""
    return render(
        request,
        "notices/poster.html",
        {
            "area": area("notices"),
            "notice": notice,
            "body": render_body(notice.body),
            "posters": [
                {"location": location, "qr": poster_qr(request, notice, location)}
                for location in locations
            ],
            "issued_on": timezone.localtime(notice.published_at or notice.updated_at).date(),
        },
    )


@never_cache
@site_view(USE_DESK)
def posters(request: HttpRequest, pk: int) -> HttpResponse:
    """Every board's poster of the notice in one print: one page per active location it
    goes to (one poster without a location when the site has none yet)."""
    notice = notice_detail(request.site, pk)
    return poster_page(request, notice, list(selectors.locations_for(notice)) or [None])
