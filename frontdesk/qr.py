"""QR codes for printed passes, as inline SVG: no image files, nothing fetched, and a
printer gets sharp edges at any size."""

import segno
from django.utils.safestring import SafeString, mark_safe


def qr_svg(data: str, scale: int = 3) -> SafeString:
    # svg_inline writes only segno's own markup (a <path> of the modules), no user text.
    return mark_safe(segno.make(data, error="m").svg_inline(scale=scale, omitsize=True))  # noqa: S308
