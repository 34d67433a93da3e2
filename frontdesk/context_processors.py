from django.http import HttpRequest

from frontdesk import selectors


def desk(request: HttpRequest) -> dict:
    """What the base layout needs: the user's sites, the current one, and the areas."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "current_site": getattr(request, "site", None),
        "user_sites": getattr(request, "sites", []),
        "nav_areas": selectors.areas_for_user(user),
    }
