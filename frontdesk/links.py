"""Links that leave the browser: in a WeCom group, an email or a printed page, a path
alone opens nothing. The deployment names its public address (``PUBLIC_BASE_URL``,
e.g. https://desk.example.com); without it, https on the first host it answers to
(``ALLOWED_HOSTS``). Outside any request (the beat, a worker) there is no request to ask."""

from __future__ import annotations

from django.conf import settings


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
