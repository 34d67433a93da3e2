"""查询登记: recording what was asked and the answer or referral; the searchable log."""

import pytest
from django.urls import reverse

from frontdesk.models import Department
from residents.models import RecordRequest
from tests import factories

CREATE = reverse("residents:request_create")
LOG = reverse("residents:requests")


@pytest.fixture
def house(site_a):
    house = factories.make_house(site_a)
    factories.make_resident(site_a, "张三丰", "13800138000", house=house)
    return house


def test_it_records_an_answered_request(clerk_client, clerk, house):
    response = clerk_client.post(
        CREATE,
        {
            "house": house.pk,
            "asker_kind": "resident",
            "asker_name": "张三丰",
            "channel": "in_person",
            "question": "物业费交到几月了？",
            "answer": "已交到本月。",
        },
    )
    assert response["Location"] == reverse("residents:house", args=[house.pk])
    entry = RecordRequest.objects.get()
    assert (entry.house, entry.created_by, entry.site) == (house, clerk, house.site)
    html = clerk_client.get(response["Location"]).content.decode()
    assert "物业费交到几月了？" in html
    assert "登记成功" in html or "已登记" in html


def test_it_records_a_referral_and_shows_it_in_the_log(clerk_client, site_a, house):
    engineering = Department.objects.get(site=site_a, name="工程部")
    clerk_client.post(
        CREATE,
        {
            "house": house.pk,
            "asker_kind": "caller",
            "channel": "phone",
            "question": "楼上漏水，想联系楼上住户",
            "referred_to": engineering.pk,
        },
    )
    html = clerk_client.get(LOG, {"referred_to": engineering.pk}).content.decode()
    assert "楼上漏水" in html and "工程部" in html


def test_it_asks_for_an_answer_or_a_referral_and_keeps_what_was_typed(clerk_client, house):
    response = clerk_client.post(
        CREATE,
        {
            "house": house.pk,
            "asker_kind": "resident",
            "channel": "phone",
            "question": "停车费多少？",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "请填写给出的答复" in html
    assert "停车费多少？" in html
    assert not RecordRequest.objects.exists()


def test_it_requires_the_question(clerk_client, house):
    response = clerk_client.post(
        CREATE, {"house": house.pk, "asker_kind": "resident", "channel": "phone", "answer": "x"}
    )
    assert "请记录来询的问题" in response.content.decode()
    assert not RecordRequest.objects.exists()


def test_it_refuses_another_sites_house_or_department(clerk_client, site_b):
    other_house = factories.make_house(site_b)
    other_department = Department.objects.filter(site=site_b).first()
    response = clerk_client.post(
        CREATE,
        {
            "house": other_house.pk,
            "asker_kind": "resident",
            "channel": "phone",
            "question": "x",
            "referred_to": other_department.pk,
        },
    )
    assert response.status_code == 200
    assert not RecordRequest.objects.exists()


@pytest.mark.parametrize(
    "value", ["x" * 10_000, "<script>alert(1)</script>", "'; DROP TABLE x; --", "\x00", "😀"]
)
def test_it_survives_hostile_input(clerk_client, house, value):
    response = clerk_client.post(
        CREATE,
        {
            "house": value,
            "asker_kind": value,
            "channel": value,
            "question": value,
            "referred_to": value,
        },
    )
    assert response.status_code == 200
    assert not RecordRequest.objects.exists()


def test_it_searches_the_log_within_the_site(clerk_client, clerk, clerk_b, site_a, site_b):
    from residents.services import record_request_create

    record_request_create(
        site=site_a, user=clerk, question="门禁卡怎么办理", answer="带身份证到前台"
    )
    record_request_create(site=site_b, user=clerk_b, question="门禁卡丢了", answer="补办")
    html = clerk_client.get(LOG, {"q": "门禁卡"}).content.decode()
    assert "门禁卡怎么办理" in html
    assert "门禁卡丢了" not in html


def test_it_lists_with_the_same_number_of_queries_for_few_or_many(
    clerk_client, clerk, site_a, house, django_assert_num_queries, django_assert_max_num_queries
):
    from residents.services import record_request_create

    def add(n):
        for i in range(n):
            record_request_create(
                site=site_a, user=clerk, house=house, question=f"问题{i}", answer="答"
            )

    add(3)
    clerk_client.get(LOG)
    with django_assert_max_num_queries(15) as few:
        clerk_client.get(LOG)
    add(40)
    with django_assert_num_queries(len(few.captured_queries)):
        clerk_client.get(LOG)


def test_it_needs_login(client, db):
    assert client.get(LOG)["Location"].startswith(reverse("login"))
    assert client.post(CREATE)["Location"].startswith(reverse("login"))
