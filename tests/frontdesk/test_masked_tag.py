"""{% masked obj "field" %}: the masked value and its reveal button for this record, a
dash when there is nothing to show; only for fields registered as revealable."""

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.urls import reverse
from django.utils import translation

from tests import factories


def draw(obj, field: str) -> str:
    with translation.override("zh-hans"):
        return Template('{% load personal %}{% masked obj "' + field + '" %}').render(
            Context({"obj": obj})
        )


def test_it_shows_the_mask_and_a_reveal_for_this_record(site_a):
    one = factories.make_resident(site_a, "张三丰", "13800138000")
    two = factories.make_resident(site_a, "李四", "13900139000")
    html = draw(one, "phone")
    assert "138****8000" in html and "13800138000" not in html
    assert f'hx-post="{reverse("reveal", args=["residents.resident", one.pk, "phone"])}"' in html
    assert f'hx-post="{reverse("reveal", args=["residents.resident", two.pk, "phone"])}"' in draw(
        two, "phone"
    )
    assert "显示" in html


def test_nothing_recorded_is_a_dash(site_a):
    html = draw(factories.make_resident(site_a, "王五", ""), "phone")
    assert html == '<span class="text-secondary">—</span>'


def test_a_field_not_revealable_is_refused(site_a):
    with pytest.raises(TemplateSyntaxError):
        draw(factories.make_resident(site_a, "赵六", "13800000001"), "name")
