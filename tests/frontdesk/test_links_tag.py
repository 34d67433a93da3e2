"""{% row_url %} and url_prefix give what {% url %} gives, reversing each name once."""

import pytest
from django.template import Context, Template
from django.urls import reverse

from frontdesk import links
from frontdesk.templatetags.links import row_url


@pytest.mark.parametrize(
    "name", ["notices:detail", "notices:posting_remove", "complaints:case_detail"]
)
def test_it_gives_what_url_gives(name):
    html = Template("{% load links %}{% row_url name pk %}").render(
        Context({"name": name, "pk": 1234})
    )
    assert html == reverse(name, args=[1234])


def test_each_name_is_reversed_once(monkeypatch):
    links.url_parts.cache_clear()
    calls = []
    monkeypatch.setattr(links, "reverse", lambda *a, **k: calls.append(a) or reverse(*a, **k))
    assert [row_url("notices:detail", pk) for pk in (1, 22)] == [
        reverse("notices:detail", args=[1]),
        reverse("notices:detail", args=[22]),
    ]
    assert len(calls) == 1
    links.url_parts.cache_clear()


def test_a_prefix_is_the_url_up_to_the_id():
    assert links.url_prefix("residents:house") + "77/" == reverse("residents:house", args=[77])
