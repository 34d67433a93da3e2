"""``{% row_url "notices:detail" row.pk %}``: a row's link in a long list, its URL
reversed once a name (frontdesk.links.url_parts)."""

from django import template

from frontdesk.links import PK, url_parts

register = template.Library()


@register.simple_tag
def row_url(name: str, pk: int) -> str:
    """The URL named ``name`` of the record ``pk`` (a URL with the id as its only argument)."""
    before, after = url_parts(name, PK)
    return f"{before}{int(pk)}{after}"
