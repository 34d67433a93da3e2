"""Form widgets drawn in Python where Django draws them through templates.

Django renders a <select> with one template for the select and one more for each of its
options (and one for each's attributes): a filter of a few selects costs dozens of
template renders (~6 ms of the case list's 35 at bench scale; an admin form with a long
choice list far more), and each input two (its own, which includes input.html).
``Renderer`` draws the plain select, the inputs and the textarea in Python, to the markup
of Django's own templates; any other widget (radios, lists of checkboxes, files), and a
select whose options use another template, still go through the templates.
"""

from __future__ import annotations

from django.forms.renderers import DjangoTemplates
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"
TEXTAREA = "django/forms/widgets/textarea.html"
# The templates that are input.html and nothing more (each includes it).
INPUTS = {
    f"django/forms/widgets/{name}.html"
    for name in (
        *("input", "text", "number", "email", "url", "tel", "password", "search"),
        *("date", "time", "datetime", "hidden", "color", "checkbox"),
    )
}


class Renderer(DjangoTemplates):
    """The project's form renderer (FORM_RENDERER)."""

    def render(self, template_name, context, request=None):
        if template_name == SELECT:
            drawn = select_html(context["widget"])
            if drawn is not None:
                return drawn
        elif template_name in INPUTS:
            return input_html(context["widget"])
        elif template_name == TEXTAREA:
            return textarea_html(context["widget"])
        return super().render(template_name, context, request)


def input_html(widget: dict) -> SafeString:
    """input.html: type, name, the value unless None, then the attributes."""
    value = widget["value"]
    return format_html(
        '<input type="{}" name="{}"{}{}>',
        widget["type"],
        widget["name"],
        format_html(' value="{}"', str(value)) if value is not None else "",
        attrs_html(widget["attrs"]),
    )


def textarea_html(widget: dict) -> SafeString:
    """textarea.html: its value on the line after the tag, when there is one."""
    return format_html(
        '<textarea name="{}"{}>\n{}</textarea>',
        widget["name"],
        attrs_html(widget["attrs"]),
        widget["value"] or "",
    )


def select_html(widget: dict) -> SafeString | None:
    """Django's select.html for this widget's context, or None when an option has a
    template of its own."""
    groups = []
    for group_name, options, _index in widget["optgroups"]:
        if any(option["template_name"] != OPTION for option in options):
            return None
        # select_option.html, its file's last newline included.
        drawn = format_html_join(
            "",
            '\n  <option value="{}"{}>{}</option>\n',
            ((str(o["value"]), attrs_html(o["attrs"]), o["label"]) for o in options),
        )
        if group_name:
            drawn = format_html('\n  <optgroup label="{}">{}\n  </optgroup>', group_name, drawn)
        groups.append(drawn)
    return format_html(
        '<select name="{}"{}>{}\n</select>',
        widget["name"],
        attrs_html(widget["attrs"]),
        mark_safe("".join(groups)),
    )


def attrs_html(attrs: dict) -> SafeString:
    """attrs.html: in order, True as a bare name, False left out, else name="value"."""
    return format_html_join(
        "",
        "{}",
        (
            (
                format_html(" {}", name)
                if value is True
                else format_html(' {}="{}"', name, str(value)),
            )
            for name, value in attrs.items()
            if value is not False
        ),
    )
