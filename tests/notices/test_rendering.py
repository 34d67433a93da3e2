"""A notice's body (notices.rendering): Markdown rendered, then sanitised with an explicit
allow-list; placeholders filled; the plain text of the group message."""

from html.parser import HTMLParser

import pytest

from notices.rendering import (
    fill_placeholders,
    placeholders_in,
    plain_text,
    render_body,
    unknown_placeholders,
)


def test_it_renders_headings_lists_bold_and_tables():
    html = render_body(
        "# 停水通知\n\n## 范围\n\n- **3栋**\n- 5栋\n\n1. 储水\n2. 关阀\n\n"
        "| 楼栋 | 时间 |\n|---|--:|\n| 3栋 | 9:00 |\n"
    )
    assert "<h1>停水通知</h1>" in html and "<h2>范围</h2>" in html
    assert "<li><strong>3栋</strong></li>" in html
    assert "<ol>" in html
    assert "<table>" in html and "<th>楼栋</th>" in html
    # A column's alignment as a class, not an inline style (the CSP forbids those).
    assert '<td class="text-end">9:00</td>' in html and "style" not in html


class Tags(HTMLParser):
    """Every tag and attribute of an HTML fragment (text, escaped markup included, aside)."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def dangers(html: str) -> list[str]:
    found = []
    for tag, attrs in Tags(html).tags:
        if tag in ("script", "style", "img", "iframe", "object", "embed", "svg"):
            found.append(tag)
        for name, value in attrs.items():
            if name.startswith("on") or name in ("style", "src", "srcdoc"):
                found.append(f"{tag} {name}")
            if name == "href" and not (value or "").startswith(
                ("http:", "https:", "mailto:", "tel:")
            ):
                found.append(f"{tag} href={value}")
    return found


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        "<style>body{display:none}</style>",
        '<img src=x onerror="alert(1)">',
        '<p onclick="alert(1)">点我</p>',
        "[点我](javascript:alert(1))",
        "[点我](JaVaScRiPt:alert(1))",
        "[点我](data:text/html;base64,PHNjcmlwdD4=)",
        "![外部图片](http://evil.example/track.png)",
        '<a href="https://example.com" style="color:red">x</a>',
        "<iframe src=//evil.example></iframe>",
        "[x](vbscript:msgbox) [y](file:///etc/passwd)",
    ],
)
def test_nothing_dangerous_gets_through(text):
    html = render_body(text)
    assert dangers(html) == [], html


def test_raw_html_typed_in_the_body_is_shown_as_text():
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in render_body("<script>alert(1)</script>")


def test_the_sanitiser_alone_strips_what_a_renderer_might_let_through():
    from notices.rendering import sanitise

    html = sanitise(
        '<p onmouseover="x()" style="color:red">a<script>b()</script><style>p{}</style>'
        '<a href="javascript:alert(1)">l</a><img src="http://e/x.png" onerror="y()"></p>'
        '<table><tr><td class="text-end evil">1</td></tr></table>'
    )
    assert html == (
        '<p>a<a rel="noopener noreferrer nofollow">l</a></p>'
        '<table><tbody><tr><td class="text-end">1</td></tr></tbody></table>'
    )


def test_safe_links_are_kept_and_marked_nofollow():
    html = render_body("[物业官网](https://example.com/a) [电话](tel:057188886601)")
    assert '<a href="https://example.com/a" rel="noopener noreferrer nofollow">' in html
    assert 'href="tel:057188886601"' in html


def test_it_fills_known_placeholders_and_leaves_the_rest_in_sight():
    text = "{小区}{楼栋}将于{日期}{时间段}停水。{备注} {不是 占位符}"
    filled = fill_placeholders(
        text, {"小区": "翠湖花园", "楼栋": "3栋", "日期": "12月5日", "时间段": ""}
    )
    assert filled == "翠湖花园3栋将于12月5日{时间段}停水。{备注} {不是 占位符}"
    assert placeholders_in(text) == ["小区", "楼栋", "日期", "时间段", "备注"]
    assert unknown_placeholders(text) == ["备注"]


def test_the_plain_text_keeps_the_structure_without_markup():
    text = plain_text(
        "# 停水通知\n\n因**管道检修**停水。\n\n1. 储水\n2. 关阀\n\n- 甲\n- 乙\n\n"
        "| 楼栋 | 时间 |\n|---|---|\n| 3栋 | 9:00 |\n\n详见[官网](https://example.com)"
    )
    assert text == (
        "停水通知\n\n因管道检修停水。\n\n1. 储水\n2. 关阀\n\n• 甲\n• 乙\n\n"
        "楼栋  时间\n3栋  9:00\n\n详见官网（https://example.com）"
    )


def test_empty_bodies_render_to_nothing():
    assert render_body("") == "" and plain_text("") == ""


def test_the_check_above_finds_what_it_looks_for():
    assert dangers('<p onclick="x">a</p><a href="javascript:y">b</a><img src=z>') == [
        "p onclick",
        "a href=javascript:y",
        "img",
        "img src",
    ]
