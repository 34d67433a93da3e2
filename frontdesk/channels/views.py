"""The inbox: a member of staff's own messages, whatever the current site.

Any logged-in user has one (clerks, supervisors, department staff, someone of no site
yet), so the views ask for a login and no site or permission: everything they read or
change is limited to the user's own rows by the selectors and services.
"""

import re
from datetime import UTC, datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from frontdesk.channels.selectors import inbox as selectors
from frontdesk.channels.services import inbox as services

SHOW = "show"
SHOW_ALL = "all"

# A message id as a form sends it: ASCII digits that fit a bigint (not "²" or "١").
ID = re.compile(r"[0-9]{1,18}")
# The moment a page was shown: microseconds since the epoch (a date in the years 2001–2286).
SHOWN_AT = re.compile(r"[0-9]{16}")
# More than any page of the list can tick, so nobody posts a million ids.
MAX_IDS = 100


@never_cache
@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """Unread messages first (?show=all for every one), newest first, 30 a page."""
    show_all = request.GET.get(SHOW) == SHOW_ALL
    number = selectors.page_number(request.GET.get("page"))
    page = selectors.inbox_page(request.user, number, only_unread=not show_all)
    return render(
        request,
        "channels/inbox.html",
        {
            "page": page,
            "show_all": show_all,
            # Counted once for the tab and the header (it overrides the header's own).
            "inbox_unread": selectors.inbox_unread_count(request.user),
            "list_query": _list_query(request),
            "many_sites": len(getattr(request, "sites", ())) > 1,
            "shown_at": int(timezone.now().timestamp() * 1_000_000),
        },
    )


@never_cache
@login_required
def open_item(request: HttpRequest, pk: int) -> HttpResponse:
    """Opening a message reads it: to its page when it links to one here, else shown."""
    item = services.inbox_open(user=request.user, pk=pk)
    if item.link and url_has_allowed_host_and_scheme(
        item.link, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(item.link)
    return render(request, "channels/inbox_item.html", {"item": item})


@never_cache
@require_POST
@login_required
def mark_read(request: HttpRequest) -> HttpResponse:
    """One message (ids=…) or all of them (all=1: those that had come when the page showed)."""
    if request.POST.get("all"):
        count = services.inbox_mark_read(
            user=request.user, ids=None, shown_at=_moment(request.POST.get("shown_at", ""))
        )
        if count:
            messages.success(
                request,
                ngettext("%(n)d message marked as read.", "%(n)d messages marked as read.", count)
                % {"n": count},
            )
    else:
        ids = [int(v) for v in request.POST.getlist("ids")[:MAX_IDS] if ID.fullmatch(v)]
        services.inbox_mark_read(user=request.user, ids=ids)
    # Back to the list as it was: the same tab and page.
    query = _list_query(request)
    back = reverse("channels:inbox")
    return HttpResponseRedirect(f"{back}?{query}" if query else back)


def _moment(value: str) -> datetime | None:
    """The page's time as it sent it back (microseconds since the epoch), or None."""
    if not SHOWN_AT.fullmatch(value):
        return None
    return datetime.fromtimestamp(int(value) / 1_000_000, tz=UTC)


def _list_query(request: HttpRequest) -> str:
    """The list's tab and page, from the query string, and nothing else of it."""
    query = QueryDict(mutable=True)
    if request.GET.get(SHOW) == SHOW_ALL:
        query[SHOW] = SHOW_ALL
    number = selectors.page_number(request.GET.get("page"))
    if number > 1:
        query["page"] = str(number)
    return query.urlencode()
