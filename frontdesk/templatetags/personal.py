from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from frontdesk import revealable
from frontdesk.links import PK, url_parts
from frontdesk.personal import mask_id_number, mask_phone

register = template.Library()

register.filter("mask_phone", mask_phone)
register.filter("mask_id", mask_id_number)

NOTHING = mark_safe('<span class="text-secondary">—</span>')


@register.simple_tag
def masked(obj, field: str) -> SafeString:
    """A masked value with a button that reveals it (logged) for this record only; drawn
    here rather than by a template of its own, being in every row of several lists."""
    label = obj._meta.label_lower
    mask = revealable.masker(label, field)
    if mask is None:
        raise template.TemplateSyntaxError(f"{label}.{field} is not registered as revealable")
    value = getattr(obj, field) or ""
    if not value:
        return NOTHING
    # Reversed once for each model and field, each row's id put in its place (a list of
    # 30 rows reversed the URL 30 times).
    before, after = url_parts("reveal", label, PK, field)
    return format_html(
        '<span class="masked text-nowrap"><span class="font-monospace">{}</span>\n'
        '<button type="button" class="btn btn-link btn-sm p-0 ms-1 align-baseline reveal" '
        'hx-post="{}{}{}" hx-target="closest .masked" hx-swap="outerHTML"\n'
        '        title="{}">{}</button></span>',
        mask(value),
        before,
        obj.pk,
        after,
        gettext("Show the full number (the access is logged)"),
        gettext("Show"),
    )
