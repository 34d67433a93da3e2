"""The page a poster's QR code opens (/n/<token>/): the notice on a phone, no login.

What it shows is what the paper on the board says, plus its attachments, the issuing
site and its service phone, and whether it has expired or been withdrawn; an old
version's token shows the version in force, saying it was updated. No name, house or
phone of any resident: anyone holding the link sees it. Rate-limited per address and
never indexed (frontdesk.public).

Caching and counting. A notice board's QR code is scanned by many phones within minutes
of each other, so the page may be kept for a minute by the phone and any proxy
(``Cache-Control: public, max-age=60``): it holds nothing personal, and a correction or a
withdrawal shows within the minute. A page served from a cache never reaches the server,
so the page does not count itself: it carries a 1×1 image from ``/n/<token>/seen?at=…``,
which is never cached and is what counts the open (notices.services.opens) — every time
the page is shown, cached or not, and not when a link preview or a crawler only fetches
the HTML. It works without JavaScript, and its own per-address limit keeps a script
from inflating the counts.
"""

from __future__ import annotations

import base64
from functools import wraps
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_safe

from frontdesk.public import public_page
from frontdesk.uploads import file_response
from notices.models import Notice, PostingLocation
from notices.rendering import render_body
from notices.selectors.public import notice_by_token
from notices.selectors.public_page import (
    is_older_version,
    public_attachment,
    public_attachments,
)
from notices.services.opens import TOKEN_LENGTH, is_urlsafe, notice_open_count
from notices.states import State

CACHE_SECONDS = 60
CODE_LENGTH = PostingLocation._meta.get_field("code").max_length
# A transparent 1×1 GIF: the smallest image every browser shows without complaint.
PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")


def cacheable(view):
    """A page of the notice kept for a minute by phones and proxies (see the module).
    Outside ``public_page``, whose headers say "never cache": those stay on the answers
    that must not be kept (not found, too many requests), and on every page a logged-in
    member of staff sees (frontdesk.middleware.PrivatePagesMiddleware runs after)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code == 200:
            del response["Expires"]
            response["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
        return response

    return wrapper


def _shown(token: str) -> Notice | None:
    """The version the token leads to (notice_by_token); None for what cannot be a token,
    without asking the database."""
    return notice_by_token(token) if is_urlsafe(token, TOKEN_LENGTH) else None


def _not_found(request: HttpRequest) -> HttpResponse:
    # The project's 404 page, answered here rather than raised, so that public_page marks
    # it never to be kept or indexed like any other answer of these pages.
    return render(request, "404.html", status=404)


def _code(request: HttpRequest) -> str:
    # Passed on to the counter as it came (it decides); only kept from growing the URL.
    return request.GET.get("at", "")[: CODE_LENGTH + 1]


@require_safe
@cacheable
@public_page("notice")
def notice(request: HttpRequest, token: str) -> HttpResponse:
    shown = _shown(token)
    if shown is None:
        return _not_found(request)
    code = _code(request)
    seen = reverse("notices_public:seen", args=[token])
    if code:
        seen += "?" + urlencode({"at": code})
    today = timezone.localdate()
    return render(
        request,
        "notices/public_notice.html",
        {
            "notice": shown,
            "body": render_body(shown.body),
            "attachments": public_attachments(shown),
            "withdrawn": shown.state == State.WITHDRAWN,
            # Past its last day, also before the hourly expiry has caught up with it.
            "expired": shown.state == State.EXPIRED
            or (shown.state == State.PUBLISHED and shown.expires_on < today),
            # The token is an older version's: its poster is out of date.
            "updated": shown.token != token and is_older_version(token, shown),
            "token": token,
            "seen": seen,
            "published_on": timezone.localtime(shown.published_at).date(),
        },
    )


@require_GET
@public_page("notice_seen")
def seen(request: HttpRequest, token: str) -> HttpResponse:
    """Count one open of the page (see the module); the image whatever was counted."""
    notice_open_count(token=token, code=_code(request))
    return HttpResponse(PIXEL, content_type="image/gif")


@require_GET
@public_page("notice_files")
def attachment(request: HttpRequest, token: str, pk: int) -> HttpResponse:
    """One of the attachments the page lists, as a download (frontdesk.uploads.
    file_response: the type from the content, the name as an attachment's, nosniff)."""
    shown = _shown(token)
    row = public_attachment(shown, pk) if shown is not None else None
    if row is None:
        return _not_found(request)
    return file_response(row.file, row.name)
