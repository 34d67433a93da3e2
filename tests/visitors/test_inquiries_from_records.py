"""查询登记 from the records: a question about a house or resident, answered or referred,
recorded with the one inquiry form and listed on the house's page and in the one log."""

import pytest
from django.test import Client
from django.urls import reverse

from frontdesk.models import Department
from tests import factories
from visitors.models import Inquiry
from visitors.services.inquiries import inquiry_create

CREATE = reverse("visitors:inquiry_create")
LOG = reverse("visitors:inquiries")


@pytest.fixture
def house(site_a):
    house = factories.make_house(site_a)
    factories.make_resident(site_a, "张三丰", "13800138000", house=house)
    return house


def house_page(house) -> str:
    return reverse("residents:house", args=[house.pk])


def test_it_records_an_answered_request(clerk_client, clerk, house):
    response = clerk_client.post(
        CREATE,
        {
            "house": house.label,
            "next": house_page(house),
            "asker_kind": "resident",
            "asker_name": "张三丰",
            "channel": "walk_in",
            "question": "物业费交到几月了？",
            "answer": "已交到本月。",
        },
    )
    assert response["Location"] == reverse("residents:house", args=[house.pk])
    entry = Inquiry.objects.get()
    assert (entry.house, entry.created_by, entry.site) == (house, clerk, house.site)
    html = clerk_client.get(response["Location"]).content.decode()
    assert "物业费交到几月了？" in html
    assert "登记成功" in html or "已登记" in html


def test_the_house_page_offers_the_form_for_that_house_and_back(clerk_client, house):
    html = clerk_client.get(house_page(house)).content.decode()
    assert 'id="inquiry-form"' in html
    assert f'value="{house.label}"' in html
    assert f'name="next" value="{house_page(house)}"' in html


def test_an_occupants_link_opens_the_form_about_them(clerk_client, house):
    resident = house.residents.get()
    response = clerk_client.get(
        CREATE, {"house": house.pk, "resident": resident.pk, "next": house_page(house)}
    )
    html = response.content.decode()
    assert "关于住户 张三丰" in html or "张三丰" in html
    assert f'name="resident" value="{resident.pk}"' in html
    assert f'value="{house.label}"' in html
    clerk_client.post(
        CREATE,
        {
            "house": house.label,
            "resident": resident.pk,
            "next": house_page(house),
            "channel": "phone",
            "question": "车位还能续租吗？",
            "answer": "可以。",
        },
    )
    assert Inquiry.objects.get().resident == resident


def test_it_records_a_referral_and_shows_it_in_the_log(clerk_client, site_a, house):
    engineering = Department.objects.get(site=site_a, name="工程部")
    clerk_client.post(
        CREATE,
        {
            "house": house.label,
            "asker_kind": "caller",
            "channel": "phone",
            "question": "楼上漏水，想联系楼上住户",
            "referred_to": engineering.pk,
        },
    )
    html = clerk_client.get(LOG, {"referred_to": engineering.pk}).content.decode()
    assert "楼上漏水" in html and "工程部" in html


def test_a_referral_from_the_house_page_reaches_the_department(
    clerk_client, engineer, site_a, house
):
    engineering = Department.objects.get(site=site_a, name="工程部")
    clerk_client.post(
        CREATE,
        {
            "house": house.label,
            "next": house_page(house),
            "channel": "walk_in",
            "question": "楼道灯不亮",
            "referred_to": engineering.pk,
        },
    )
    client = Client()  # the engineer's own browser
    client.force_login(engineer)
    html = client.get(reverse("visitors:referrals")).content.decode()
    assert "楼道灯不亮" in html
    inquiry = Inquiry.objects.get()
    client.post(reverse("visitors:referral_done", args=[inquiry.pk]), {"reply": "已换灯泡"})
    inquiry.refresh_from_db()
    assert (inquiry.referral_reply, inquiry.referral_done_by) == ("已换灯泡", engineer)
    assert "已换灯泡" in clerk_client.get(house_page(house)).content.decode()


def test_it_asks_for_an_answer_or_a_referral_and_keeps_what_was_typed(clerk_client, house):
    response = clerk_client.post(
        CREATE,
        {
            "house": house.label,
            "asker_kind": "resident",
            "channel": "phone",
            "question": "停车费多少？",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "请填写给出的答复" in html
    assert "停车费多少？" in html
    assert not Inquiry.objects.exists()


def test_it_requires_the_question(clerk_client, house):
    response = clerk_client.post(
        CREATE, {"house": house.label, "asker_kind": "resident", "channel": "phone", "answer": "x"}
    )
    assert "请记录来询的问题" in response.content.decode()
    assert not Inquiry.objects.exists()


def test_it_refuses_another_sites_resident_or_department(clerk_client, site_b):
    other_resident = factories.make_resident(site_b, "刘备", "13900139000")
    other_department = Department.objects.filter(site=site_b).first()
    response = clerk_client.post(
        CREATE,
        {
            "resident": other_resident.pk,
            "asker_kind": "resident",
            "channel": "phone",
            "question": "x",
            "referred_to": other_department.pk,
        },
    )
    assert response.status_code == 200
    assert not Inquiry.objects.exists()


def test_it_ignores_another_sites_house_or_resident_in_the_link(clerk_client, site_b):
    other = factories.make_house(site_b, building=9, unit=1, room="901")
    resident = factories.make_resident(site_b, "刘备", "13900139000", house=other)
    html = clerk_client.get(CREATE, {"house": other.pk, "resident": resident.pk}).content.decode()
    assert "刘备" not in html and other.label not in html


@pytest.mark.parametrize(
    "value", ["x" * 10_000, "<script>alert(1)</script>", "'; DROP TABLE x; --", "\x00", "😀"]
)
def test_it_survives_hostile_input(clerk_client, house, value):
    response = clerk_client.post(
        CREATE,
        {
            "house": value,
            "resident": value,
            "asker_kind": value,
            "channel": value,
            "question": value,
            "referred_to": value,
        },
    )
    assert response.status_code == 200
    assert not Inquiry.objects.exists()


def test_it_searches_the_log_within_the_site(clerk_client, clerk, clerk_b, site_a, site_b):
    inquiry_create(site=site_a, user=clerk, question="门禁卡怎么办理", answer="带身份证到前台")
    inquiry_create(site=site_b, user=clerk_b, question="门禁卡丢了", answer="补办")
    html = clerk_client.get(LOG, {"q": "门禁卡"}).content.decode()
    assert "门禁卡怎么办理" in html
    assert "门禁卡丢了" not in html


def test_the_old_request_log_addresses_lead_to_the_inquiry_log(clerk_client, house):
    response = clerk_client.get(reverse("residents:requests"), {"q": "门禁卡"})
    assert response["Location"] == f"{LOG}?q=%E9%97%A8%E7%A6%81%E5%8D%A1"
    response = clerk_client.get(reverse("residents:request_create"), {"house": house.pk})
    assert response["Location"] == f"{CREATE}?house={house.pk}"
    # A form posted from a page opened before the change is posted again where it lives.
    response = clerk_client.post(reverse("residents:request_create"), {"question": "x"})
    assert (response.status_code, response["Location"]) == (307, CREATE)


def test_it_needs_login(client, db):
    assert client.get(LOG)["Location"].startswith(reverse("login"))
    assert client.post(CREATE)["Location"].startswith(reverse("login"))
