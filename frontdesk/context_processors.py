from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from frontdesk import selectors
from frontdesk.channels.selectors.inbox import inbox_unread_count


def desk(request: HttpRequest) -> dict:
    """What the base layout needs: the user's sites, the current one, and the areas."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "current_site": getattr(request, "site", None),
        "user_sites": getattr(request, "sites", []),
        "nav_areas": selectors.areas_for_user(user),
        # The header's unread messages: counted (one query on the delivery_inbox_unread
        # index) only when a page shows the header, not for fragments and admin pages.
        "inbox_unread": SimpleLazyObject(lambda: inbox_unread_count(user)),
    }
