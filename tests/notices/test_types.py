"""Each site's notice types: the defaults a site starts with (from the data migration for
the sites there were, from notices.signals for every new one), edited in admin."""

from notices.models import DEFAULT_TYPES, NoticeType
from notices.services.types import notice_types_create_defaults
from tests import factories


def test_a_new_site_starts_with_the_default_types(db):
    site = factories.make_site("新小区")
    types = list(NoticeType.objects.filter(site=site).values_list("name", "sms"))
    assert types == DEFAULT_TYPES
    assert [n for n, sms in types if sms] == ["停水停电", "紧急通知"]


def test_creating_the_defaults_again_changes_nothing(site_a, django_assert_num_queries):
    renamed = NoticeType.objects.get(site=site_a, name="温馨提示")
    renamed.sms = True
    renamed.save()
    with django_assert_num_queries(1):
        notice_types_create_defaults(site=site_a)
    assert NoticeType.objects.filter(site=site_a).count() == len(DEFAULT_TYPES)
    assert NoticeType.objects.get(pk=renamed.pk).sms is True


def test_each_site_has_its_own_types(site_a, site_b):
    assert NoticeType.objects.for_site(site_a).count() == len(DEFAULT_TYPES)
    assert not NoticeType.objects.for_site(site_a).filter(site=site_b).exists()
