"""Links: the URL of each row of a long list, reversed once a name (``url_parts``,
``url_prefix``; ``{% row_url %}`` in templates), and links that leave the browser.

Reversing a URL walks the resolver (~30–50 µs here): a list of 30 rows with two links
each spent 2–3 ms on it. A URL is reversed once with an id no row has, and each row's
id is put in its place.

Links that leave the browser: in a WeCom group, an email or a printed page, a path
alone opens nothing. The deployment names its public address (``PUBLIC_BASE_URL``,
e.g. https://desk.example.com); without it, https on the first host it answers to
(``ALLOWED_HOSTS``). Outside any request (the beat, a worker) there is no request to ask."""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.urls import reverse

# A record id no row has (nine digits, where ids are counted in thousands); it marks
# where the row's id goes among a URL's arguments.
PK = 987654321


@lru_cache(maxsize=256)
def url_parts(name: str, *args) -> tuple[str, str]:
    """The URL named ``name`` with ``args`` (``PK`` in the record id's place), split where
    the id goes."""
    before, after = reverse(name, args=args).split(str(PK))
    return before, after


def url_prefix(name: str) -> str:
    """A record's URL up to its id (/residents/houses/), for ``{{ prefix }}{{ id }}/``: of a
    URL whose one argument is the id, ending with it and a slash."""
    return url_parts(name, PK)[0]


def public_base_url() -> str:
    configured = settings.PUBLIC_BASE_URL
    if configured:
        return configured.rstrip("/")
    host = next(
        (h for h in settings.ALLOWED_HOSTS if h and h != "*" and not h.startswith(".")),
        "localhost",
    )
    return f"https://{host}"


def absolute(link: str) -> str:
    """``link`` as it is when it already names its host, else on the public address."""
    if not link or "://" in link:
        return link
    return public_base_url() + ("" if link.startswith("/") else "/") + link
