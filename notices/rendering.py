"""A notice's body: written in Markdown, shown as HTML on the notice's page, its poster and
its public page, and as plain text in a residents' group.

- ``render_body`` is the one way a body becomes HTML: Markdown (headings, lists, bold,
  tables) rendered by markdown-it-py with raw HTML off, then cleaned by nh3 (Ammonia)
  with an explicit allow-list, so that nothing a clerk pastes from a web page or a
  message (a script, a style, an event attribute, a javascript: link, an image from
  another server) reaches a resident's phone. Both steps, not one: the renderer's own
  escaping is the first line, the sanitiser the one that is audited.
- ``fill_placeholders`` fills a template's ``{小区}``, ``{日期}``, ``{时间段}``, ``{楼栋}``;
  an unknown one is left as it is, in sight, for the clerk to notice and correct.
- ``plain_text`` is the body without markup, for the group text (WeChat groups without a
  robot show no Markdown).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import nh3
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from markdown_it import MarkdownIt
from markdown_it.token import Token

# --- Placeholders ------------------------------------------------------------------------

SITE = "小区"
DATE = "日期"
PERIOD = "时间段"
BUILDINGS = "楼栋"
# What each means, as the template form and admin explain them.
PLACEHOLDERS: dict[str, object] = {
    SITE: _("the site's name"),
    DATE: _("the date, as typed when starting from the template"),
    PERIOD: _("the time of day, e.g. 9:00–17:00"),
    BUILDINGS: _("the buildings concerned, e.g. 3栋、5栋"),
}
# {名称}: a few characters without braces or spaces. Anything else in braces is text.
PLACEHOLDER = re.compile(r"\{([^{}\s]{1,12})\}")


def placeholders_in(text: str) -> list[str]:
    """Every placeholder named in ``text``, in order, once each."""
    return list(dict.fromkeys(PLACEHOLDER.findall(text)))


def unknown_placeholders(text: str) -> list[str]:
    return [name for name in placeholders_in(text) if name not in PLACEHOLDERS]


def fill_placeholders(text: str, values: Mapping[str, str]) -> str:
    """``text`` with each known placeholder given a value replaced by it; the others (not
    given, or unknown) stay as typed, braces and all."""

    def replace(match: re.Match) -> str:
        value = values.get(match.group(1))
        return value if value else match.group(0)

    return PLACEHOLDER.sub(replace, text)


# --- Markdown to safe HTML -----------------------------------------------------------------

# Everything a notice's Markdown can produce, and nothing else: no img (attachments carry
# pictures, served by us), no div or span, no style anywhere (the CSP forbids inline
# styles, and a style can hide or fake text), no id or class but the tables' alignment.
ALLOWED_TAGS = {
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "p",
    "br",
    "hr",
    "strong",
    "em",
    "s",
    "del",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "a",
}
# (The cells' class is allowed through ALLOWED_CLASSES alone, as Ammonia requires.)
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
ALIGN_CLASSES = {"left": "text-start", "center": "text-center", "right": "text-end"}
ALLOWED_CLASSES = {"th": set(ALIGN_CLASSES.values()), "td": set(ALIGN_CLASSES.values())}
# Links to web pages, mail and phone numbers (拨打 0571-…); never javascript:, data: or file:.
URL_SCHEMES = {"http", "https", "mailto", "tel"}
# Content dropped with its tag, not kept as text.
DROPPED_WITH_CONTENT = {"script", "style"}
# The page is ours; a link in a notice leads elsewhere and is not endorsed by it.
LINK_REL = "noopener noreferrer nofollow"


def _markdown() -> MarkdownIt:
    # "commonmark" with raw HTML off: a <script> typed in the body is shown as text.
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.core.ruler.push("notice_table_alignment", _alignment_as_class)
    return md


def _alignment_as_class(state) -> None:
    """A column's alignment as a Bootstrap class instead of markdown-it's inline style."""
    for token in state.tokens:
        if token.type in ("th_open", "td_open"):
            style = token.attrs.pop("style", "")
            align = style.removeprefix("text-align:") if isinstance(style, str) else ""
            if align in ALIGN_CLASSES:
                token.attrSet("class", ALIGN_CLASSES[align])


MARKDOWN = _markdown()


def sanitise(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags=DROPPED_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )


def render_body(text: str) -> SafeString:
    """The body as HTML fit to put in any page: rendered, then sanitised."""
    return mark_safe(sanitise(MARKDOWN.render(text or "")))  # noqa: S308 (sanitised above)


# --- Markdown to plain text ----------------------------------------------------------------


def plain_text(text: str) -> str:
    """The body without its markup: headings and paragraphs as lines, list items with a
    bullet or their number, table rows with their cells side by side, links as their text
    and address. Empty lines between blocks, as a message in a group reads best."""
    lines: list[str] = []
    lists: list[list] = []  # one per open list: [ordered, next number]
    bullet = ""  # the prefix of a list item whose text comes next
    row: list[str] | None = None  # the cells of the table row being read
    for token in MARKDOWN.parse(text or ""):
        kind = token.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            lists.append([kind == "ordered_list_open", int(token.attrGet("start") or 1)])
        elif kind in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
            if not lists:
                lines.append("")
        elif kind == "list_item_open":
            ordered, number = lists[-1]
            bullet = "  " * (len(lists) - 1) + (f"{number}." if ordered else "•") + " "
            lists[-1][1] = number + 1
        elif kind == "tr_open":
            row = []
        elif kind == "tr_close":
            lines.append("  ".join(row or []))
            row = None
        elif kind == "table_close":
            lines.append("")
        elif kind == "hr":
            lines.extend(["——————", ""])
        elif kind in ("fence", "code_block"):
            lines.extend([*token.content.rstrip("\n").split("\n"), ""])
        elif kind == "inline":
            words = _inline_text(token.children or [])
            if row is not None:
                row.append(words)
            else:
                lines.append(bullet + words)
                bullet = ""
        elif kind in ("paragraph_close", "heading_close") and not lists:
            lines.append("")
    return _squeeze(lines)


def _inline_text(children: list[Token]) -> str:
    parts: list[str] = []
    href = ""
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif child.type == "link_open":
            href = str(child.attrGet("href") or "")
            parts.append("")
        elif child.type == "link_close" and href:
            parts.append(f"（{href}）")
            href = ""
        elif child.type == "image":
            parts.append(child.content)
    return "".join(parts)


def _squeeze(lines: list[str]) -> str:
    """No more than one empty line in a row, none at either end."""
    out: list[str] = []
    for line in "\n".join(lines).split("\n"):
        line = line.rstrip()
        if line or (out and out[-1]):
            out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)
