import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from frontdesk.models import Department
from frontdesk.scoping import check_same_site, get_for_site_or_404
from residents.models import House, Occupancy
from tests import factories


def test_it_keeps_rows_to_their_site(site_a, site_b):
    assert set(Department.objects.for_site(site_a).values_list("site", flat=True)) == {site_a.pk}
    assert Department.objects.for_site(None).count() == 0


def test_it_follows_an_indirect_site_lookup(site_a, site_b):
    house = factories.make_house(site_b)
    factories.make_resident(site_b, house=house)
    assert Occupancy.objects.for_site(site_b).count() == 1
    assert Occupancy.objects.for_site(site_a).count() == 0


def test_it_answers_404_for_another_sites_object(site_a, site_b):
    house = factories.make_house(site_b)
    assert get_for_site_or_404(House, site_b, pk=house.pk) == house
    with pytest.raises(Http404):
        get_for_site_or_404(House, site_a, pk=house.pk)
    with pytest.raises(Http404):
        get_for_site_or_404(House.objects.all(), None, pk=house.pk)


def test_it_scopes_to_all_of_a_users_sites(site_a, site_b, clerk, supervisor):
    site_c = factories.make_site()
    assert set(Department.objects.for_user(clerk).values_list("site", flat=True)) == {site_a.pk}
    assert set(Department.objects.for_user(supervisor).values_list("site", flat=True)) == {
        site_a.pk,
        site_b.pk,
    }
    assert site_c.pk not in Department.objects.for_user(supervisor).values_list("site", flat=True)


def test_a_service_refuses_rows_of_another_site(site_a, site_b):
    house_b = factories.make_house(site_b)
    check_same_site(site_b, house=house_b, resident=None)  # None: nothing picked
    with pytest.raises(ValidationError) as refused:
        check_same_site(site_a, house=house_b)
    assert refused.value.message_dict == {"house": ["所选内容属于其他小区，与本记录不一致。"]}


def test_a_row_refuses_relations_of_another_site(site_a, site_b):
    resident_a = factories.make_resident(site_a)
    occupancy = Occupancy(house=factories.make_house(site_b), resident=resident_a)
    with pytest.raises(ValidationError) as refused:
        check_same_site(occupancy, "house", "resident")
    assert set(refused.value.message_dict) == {"resident"}
    occupancy.resident = factories.make_resident(site_b)
    check_same_site(occupancy, "house", "resident")


def test_the_refusal_names_the_department_of_another_site(site_a, site_b):
    department_b = Department.objects.for_site(site_b).first()
    with pytest.raises(ValidationError) as refused:
        check_same_site(site_a, referred_to=department_b)
    assert set(refused.value.message_dict) == {"referred_to"}
