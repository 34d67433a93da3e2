"""A token as the public page will look it up (the page itself is a later step)."""

from __future__ import annotations

from notices.models import Notice


def notice_by_token(token: str) -> Notice | None:
    """The version a QR code leads to: the newest published version of the token's notice
    (a correction's, once published), expired or withdrawn ones included, so the page can
    say so; None for a token unknown or never published. One query."""
    if not token or len(token) > Notice._meta.get_field("token").max_length:
        return None
    return Notice.objects.public(token).select_related("site", "type").first()
