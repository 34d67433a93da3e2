"""The one access helper of the pages residents open without logging in (/s/<token>/,
/n/<token>/): what every such page needs, in one decorator.

- A limit per address: ``PUBLIC_RATE_LIMIT`` requests (default 60) a minute from one
  REMOTE_ADDR, then a Chinese “too many requests” page (429). Tokens are unguessable,
  but a script trying them by the thousand should be slowed down all the same.
- Not indexed and not kept: ``X-Robots-Tag: noindex`` (the pages also carry the meta
  tag), no caching, and no Referer sent on to other sites, since the token is the URL.

The counts live in Redis (the broker's, shared by every web process) in one-minute
windows. Redis down must not take the residents' pages down with it: the count then falls
back to this process's own cache, which still slows a single client down.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from functools import cache, wraps

import redis
from django.conf import settings
from django.core.cache import cache as local_cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger(__name__)

# (requests, seconds) per address: a resident opening, answering and reloading a page
# makes a handful; the default leaves room for a family behind one home router.
DEFAULT_RATE_LIMIT = (60, 60)
ROBOTS = "noindex, nofollow"


def rate_limit() -> tuple[int, int]:
    return getattr(settings, "PUBLIC_RATE_LIMIT", DEFAULT_RATE_LIMIT)


@cache
def _client(url: str) -> redis.Redis:
    # Short timeouts: a page waits at most this long for a Redis that does not answer.
    return redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)


def _redis() -> redis.Redis:
    return _client(settings.CELERY_BROKER_URL)


def client_address(request: HttpRequest) -> str:
    # REMOTE_ADDR only, never a header a client could forge (as the login lockout).
    return request.META.get("REMOTE_ADDR") or "unknown"


def hit(address: str, *, scope: str = "public") -> int:
    """Count a request from ``address`` in the current window; returns the window's count."""
    _limit, window = rate_limit()
    slot = int(time.time()) // window
    key = f"{scope}:hits:{address}:{slot}"
    try:
        pipe = _redis().pipeline()
        pipe.incr(key)
        pipe.expire(key, window + 1)
        count, _ = pipe.execute()
        return int(count)
    except redis.RedisError:
        logger.warning("public pages: Redis unavailable, counting in this process")
        try:
            local_cache.add(key, 0, window + 1)
            return local_cache.incr(key)
        except ValueError:  # expired between add and incr
            local_cache.set(key, 1, window + 1)
            return 1


def limited(request: HttpRequest, *, scope: str = "public") -> bool:
    """True when ``request``'s address has gone over the limit (the request is counted)."""
    limit, _window = rate_limit()
    return hit(client_address(request), scope=scope) > limit


def not_indexed(response: HttpResponse) -> HttpResponse:
    response["X-Robots-Tag"] = ROBOTS
    # No Referer (which holds the token) to other sites. Not "no-referrer": with it the
    # browser sends the form's POST with "Origin: null", which CSRF rightly refuses.
    response["Referrer-Policy"] = "same-origin"
    add_never_cache_headers(response)
    return response


def public_page(scope: str = "public") -> Callable:
    """Decorator of a public view: rate-limited per address, never indexed or cached."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if limited(request, scope=scope):
                response = render(request, "frontdesk/public_limited.html", status=429)
                response["Retry-After"] = str(rate_limit()[1])
            else:
                response = view(request, *args, **kwargs)
            return not_indexed(response)

        return wrapper

    return decorator
