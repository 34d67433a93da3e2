"""A site's category tree: the default one, its routing, its two levels."""

import pytest
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError, RestrictedError

from complaints.models import Category, CategoryDeadline
from complaints.services.categories import categories_create_defaults
from frontdesk.models import Site
from tests import factories


def tree(site) -> dict[str, str]:
    return {
        c.full_name: c.routed_department().name if c.routed_department() else ""
        for c in Category.objects.for_site(site).select_related("parent__department", "department")
    }


def test_it_gives_a_site_the_default_tree_routed_to_its_departments(site_a):
    categories_create_defaults(site=site_a)
    assert tree(site_a) == {
        "环境卫生": "环境部",
        "环境卫生/垃圾清运": "环境部",
        "环境卫生/绿化养护": "环境部",
        "工程维修": "工程部",
        "工程维修/漏水": "工程部",
        "工程维修/电梯故障": "工程部",
        "工程维修/水电维修": "工程部",
        "秩序安全": "秩序部",
        "秩序安全/噪音": "秩序部",
        "秩序安全/停车": "秩序部",
        "收费争议": "财务部",
        "服务态度": "客服部",
        "其他": "客服部",
    }
    # Every top-level category has its deadlines for each urgency, editable in admin.
    assert CategoryDeadline.objects.for_site(site_a).filter(category__parent=None).count() == 18


def test_running_it_again_adds_only_what_is_missing(site_a, site_b):
    categories_create_defaults(site=site_a)
    Category.objects.filter(site=site_a, name="绿化养护").update(name="绿化")
    created = categories_create_defaults(site=site_a)
    assert [c.full_name for c in created] == ["环境卫生/绿化养护"]
    assert Category.objects.for_site(site_a).count() == 14
    assert not Category.objects.for_site(site_b).exists()


def test_categories_have_two_levels_of_one_site(site_a, site_b):
    leak = factories.make_category(site_a, "工程维修/漏水")
    below = Category(site=site_a, parent=leak, name="厨房")
    with pytest.raises(ValidationError) as refused:
        below.full_clean()
    assert "parent" in refused.value.message_dict
    other = Category(site=site_b, parent=leak.parent, name="漏水")
    with pytest.raises(ValidationError) as refused:
        other.full_clean()
    assert "parent" in refused.value.message_dict


def test_a_category_goes_only_with_its_sub_categories_and_never_with_cases(site_a, clerk):
    factories.make_category(site_a)
    with pytest.raises(RestrictedError):
        Category.objects.get(site=site_a, name="工程维修").delete()
    factories.make_case(site_a, clerk)
    with pytest.raises(ProtectedError):
        Category.objects.get(site=site_a, name="漏水").delete()


def test_a_site_goes_with_its_tree_but_not_with_its_cases(site_a, site_b, clerk):
    factories.make_category(site_b)
    Site.objects.get(pk=site_b.pk).delete()
    assert not Category.objects.filter(site_id=site_b.pk).exists()
    factories.make_case(site_a, clerk)
    with pytest.raises(ProtectedError):
        Site.objects.get(pk=site_a.pk).delete()
