"""来访登记: the registration form, its checks, the site's ID rule, a returning visitor."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories
from visitors.models import ReceptionSettings, Visit, VisitPurpose

REGISTER = reverse("visitors:register")


def form(house=None, **overrides) -> dict:
    data = {
        "visitor_phone": "139 1234 5678",
        "visitor_name": "李四",
        "party_size": "2",
        "purpose": VisitPurpose.objects.get(name="走亲访友").pk,
        "house": house.pk if house else "",
        "resident": "",
        "plate": "浙a·12345",
        "expected_stay": "120",
        "notes": "",
    }
    data.update(overrides)
    return data


def test_it_registers_a_visitor_and_opens_the_pass(clerk_client, clerk, house_a):
    before = timezone.now()
    response = clerk_client.post(REGISTER, form(house_a))
    visit = Visit.objects.get()
    assert response["Location"] == reverse("visitors:pass", args=[visit.pk]) + "?new=1"
    assert (visit.site, visit.house, visit.checked_in_by) == (house_a.site, house_a, clerk)
    # Normalised as typed: spaces out of the phone, the plate upper-case without its dot.
    assert (visit.visitor_phone, visit.plate, visit.party_size) == ("13912345678", "浙A12345", 2)
    assert visit.on_site and visit.id_number == ""
    assert timedelta(minutes=119) < visit.expected_out_at - before < timedelta(minutes=121)
    page = clerk_client.get(response["Location"]).content.decode()
    assert "李四 已登记" in page
    assert "<svg" in page and visit.pass_token in page


def test_it_links_the_resident_picked_with_the_house(clerk_client, house_a):
    resident = house_a.occupancies.get().resident
    clerk_client.post(REGISTER, form(house_a, resident=resident.pk))
    assert Visit.objects.get().resident == resident


def test_it_refuses_a_resident_without_the_house(clerk_client, house_a):
    resident = house_a.occupancies.get().resident
    response = clerk_client.post(REGISTER, form(None, resident=resident.pk))
    assert response.status_code == 200 and not Visit.objects.exists()
    assert "请选择被访住户所在的房屋" in response.content.decode()


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("visitor_phone", "12345", "不是有效的中国电话号码"),
        ("visitor_phone", "", "请询问访客的电话号码"),
        ("visitor_name", "   ", "请填写访客姓名"),
        ("plate", "ABC123", "车牌号格式不对"),
        ("party_size", "0", "至少一人"),
        ("party_size", "abc", "请填写人数"),
        ("purpose", "999999", "请选择列出的来访事由"),
        ("expected_stay", "7", "选择一个有效的选项"),
    ],
)
def test_it_refuses_bad_input_beside_the_field_and_keeps_it(
    clerk_client, house_a, field, value, message
):
    response = clerk_client.post(REGISTER, form(house_a, **{field: value}))
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert not Visit.objects.exists()
    # What was typed stays in the form.
    assert 'value="李四"' in html or field == "visitor_name"


def test_it_refuses_a_house_of_another_site(clerk_client, site_b):
    other = factories.make_house(site_b)
    response = clerk_client.post(REGISTER, form(other))
    assert "此房屋不在当前小区" in response.content.decode()
    assert not Visit.objects.exists()


def test_it_asks_for_no_id_number_unless_the_site_requires_it(clerk_client, house_a, site_a):
    html = clerk_client.get(REGISTER).content.decode()
    assert 'name="id_number"' not in html
    # Posted anyway (a hand-made request): ignored, not stored.
    clerk_client.post(REGISTER, form(house_a, id_number="11010519491231002X"))
    assert Visit.objects.get().id_number == ""

    ReceptionSettings.objects.create(site=site_a, id_number_required=True)
    assert 'name="id_number"' in clerk_client.get(REGISTER).content.decode()


def test_it_checks_the_id_number_check_digit_where_required(clerk_client, house_a, site_a):
    ReceptionSettings.objects.create(site=site_a, id_number_required=True)
    missing = clerk_client.post(REGISTER, form(house_a))
    assert "本小区要求登记访客身份证号" in missing.content.decode()
    wrong = clerk_client.post(REGISTER, form(house_a, id_number="110105194912310021"))
    assert "身份证号无效" in wrong.content.decode()
    assert not Visit.objects.exists()
    clerk_client.post(REGISTER, form(house_a, id_number="11010519491231002x"))
    assert Visit.objects.get().id_number == "11010519491231002X"


def test_it_says_what_is_collected_and_for_how_long(clerk_client, site_a):
    ReceptionSettings.objects.create(site=site_a, retention_days=15)
    html = clerk_client.get(REGISTER).content.decode()
    assert "15 天后删除" in html


def test_it_offers_only_active_purposes(clerk_client):
    VisitPurpose.objects.filter(name="看房").update(is_active=False)
    html = clerk_client.get(REGISTER).content.decode()
    assert "走亲访友" in html and "看房" not in html


def test_anonymous_goes_to_the_login_page(client):
    response = client.get(REGISTER)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_department_staff_may_not_register(client, engineer):
    client.force_login(engineer)
    assert client.get(REGISTER).status_code == 403


def test_its_query_count_is_fixed(clerk_client, django_assert_num_queries):
    # Session, user, sites, permissions (2), the header's unread messages, the site's
    # settings, the purposes (the select and crispy's look at it), the session's save in a
    # savepoint.
    with django_assert_num_queries(12):
        assert clerk_client.get(REGISTER).status_code == 200


# The returning visitor, recognised by phone while it is typed.

RETURNING = reverse("visitors:returning")


def test_it_recognises_a_returning_visitor_by_phone(clerk_client, clerk, site_a, house_a):
    factories.make_visit(site_a, clerk, "王五", "13912345678", house=house_a, plate="浙B88888")
    html = clerk_client.get(RETURNING, {"visitor_phone": "139-1234-5678"}).content.decode()
    assert 'data-visitor_name="王五"' in html and 'data-plate="浙B88888"' in html
    assert f'data-house="{house_a.pk}"' in html
    assert "再次来访" in html


def test_it_does_not_recognise_another_sites_visitor(clerk_client, site_b):
    clerk_b = factories.make_user(site_b)
    factories.make_visit(site_b, clerk_b, "王五", "13912345678")
    html = clerk_client.get(RETURNING, {"visitor_phone": "13912345678"}).content.decode()
    assert "王五" not in html


def test_it_answers_nothing_for_a_partial_phone(clerk_client, clerk, site_a):
    factories.make_visit(site_a, clerk, "王五", "13912345678")
    assert clerk_client.get(RETURNING, {"visitor_phone": "1391234"}).content == b""


@pytest.mark.parametrize("earlier_visits", [1, 6])
def test_a_returning_lookup_has_a_fixed_query_count(
    clerk_client, clerk, site_a, django_assert_num_queries, earlier_visits
):
    for _ in range(earlier_visits):
        factories.make_visit(site_a, clerk, "王五", "13912345678")
    # The request's own 5 and the session's save (3), the last visit, the watch list.
    with django_assert_num_queries(10):
        clerk_client.get(RETURNING, {"visitor_phone": "13912345678"})


# The house picker: the records lookup, offered as houses to pick.

PICK = reverse("visitors:pick_house")


def test_the_picker_offers_houses_and_residents(clerk_client, house_a):
    resident = house_a.occupancies.get().resident
    by_code = clerk_client.get(PICK, {"q": "3-2-1201"}).content.decode()
    assert f'data-house="{house_a.pk}"' in by_code and "3栋2单元1201" in by_code
    by_name = clerk_client.get(PICK, {"q": "zsf"}).content.decode()
    assert f'data-resident="{resident.pk}"' in by_name


def test_the_picker_offers_nothing_of_another_site(clerk_client, site_b):
    factories.make_house(site_b, 5, 1, "501")
    assert "data-house" not in clerk_client.get(PICK, {"q": "5-1-501"}).content.decode()


def test_a_landline_typed_another_way_is_the_same_visitor(clerk_client, clerk, site_a, house_a):
    clerk_client.post(REGISTER, form(house_a, visitor_phone="0571 8888 6601", plate=""))
    assert Visit.objects.get().visitor_phone == "0571-88886601"
    html = clerk_client.get(RETURNING, {"visitor_phone": "057188886601"}).content.decode()
    assert 'data-visitor_name="李四"' in html
