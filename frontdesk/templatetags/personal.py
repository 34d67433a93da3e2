from django import template
from django.urls import reverse

from frontdesk import revealable
from frontdesk.personal import mask_id_number, mask_phone

register = template.Library()

register.filter("mask_phone", mask_phone)
register.filter("mask_id", mask_id_number)


@register.inclusion_tag("frontdesk/masked.html")
def masked(obj, field: str) -> dict:
    """A masked value with a button that reveals it (logged) for this record only."""
    label = obj._meta.label_lower
    mask = revealable.masker(label, field)
    if mask is None:
        raise template.TemplateSyntaxError(f"{label}.{field} is not registered as revealable")
    value = getattr(obj, field) or ""
    return {
        "masked": mask(value),
        "has_value": bool(value),
        "url": reverse("reveal", args=[label, obj.pk, field]),
    }
