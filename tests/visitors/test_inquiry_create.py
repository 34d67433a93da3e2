"""咨询登记: the quick form of walk-in and phone inquiries, with or without a referral."""

import re

import pytest
from django.urls import reverse

from frontdesk.models import Department
from tests import factories
from visitors.models import Inquiry

CREATE = reverse("visitors:inquiry_create")
LOG = reverse("visitors:inquiries")


@pytest.fixture
def house(site_a):
    return factories.make_house(site_a, building=3, unit=2, room="1201")


def post(client, **data):
    return client.post(CREATE, {"channel": "walk_in", "question": "问题", **data})


def test_it_records_an_answered_walk_in(clerk_client, clerk, site_a, house):
    response = post(
        clerk_client,
        asker_name="李女士",
        asker_phone="138 0013 8000",
        house="3栋2单元1201",
        question="电梯几点检修？",
        answer="周三上午 9 点到 11 点。",
    )
    assert response["Location"] == LOG
    inquiry = Inquiry.objects.get()
    assert (inquiry.site, inquiry.created_by, inquiry.house) == (site_a, clerk, house)
    assert inquiry.channel == Inquiry.Channel.WALK_IN
    assert inquiry.asker_phone == "13800138000"
    assert inquiry.referred_to is None
    html = clerk_client.get(LOG).content.decode()
    assert "咨询已登记" in html
    assert "电梯几点检修？" in html
    assert "138****8000" in html and "13800138000" not in html


def test_it_records_a_phone_inquiry_referred_to_a_department(clerk_client, site_a):
    engineering = Department.objects.get(site=site_a, name="工程部")
    response = post(
        clerk_client, channel="phone", question="楼道灯不亮", referred_to=engineering.pk
    )
    assert response["Location"] == LOG
    inquiry = Inquiry.objects.get()
    assert (inquiry.channel, inquiry.referred_to, inquiry.answer) == ("phone", engineering, "")
    assert inquiry.referral_done_at is None
    assert "已登记并转交工程部" in clerk_client.get(LOG).content.decode()


@pytest.mark.parametrize("code", ["3-2-1201", "3栋2单元1201", "3栋2单元1201室", " 3 - 2 - 1201 "])
def test_it_reads_the_house_code_as_clerks_type_it(clerk_client, house, code):
    post(clerk_client, house=code, answer="答")
    assert Inquiry.objects.get().house == house


def test_it_asks_for_an_answer_or_a_department_and_keeps_what_was_typed(clerk_client):
    response = post(clerk_client, asker_name="李女士", question="停车费多少？")
    assert response.status_code == 200
    html = response.content.decode()
    assert "请填写给出的答复，或选择转交的部门" in html
    assert "停车费多少？" in html and "李女士" in html
    assert not Inquiry.objects.exists()


def test_it_refuses_a_bad_phone(clerk_client):
    response = post(clerk_client, asker_phone="12345", answer="答")
    assert response.status_code == 200
    html = response.content.decode()
    # The one message of every phone field (frontdesk.fields.PhoneFormField).
    assert "不是有效的中国电话号码" in html
    assert 'value="12345"' in html
    assert not Inquiry.objects.exists()


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("9-9-9999", "本小区没有房屋 9-9-9999"),
        ("阳光小区", "请按 3-2-1201 或 3栋2单元1201 的格式填写房号"),
    ],
)
def test_it_refuses_an_unknown_or_unreadable_house(clerk_client, house, code, message):
    response = post(clerk_client, house=code, answer="答")
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Inquiry.objects.exists()


def test_it_asks_which_house_when_the_code_is_ambiguous(clerk_client, site_a):
    factories.make_house(site_a, building=3, unit=1, room="1201")
    factories.make_house(site_a, building=3, unit=2, room="1201")
    response = post(clerk_client, house="3-1201", answer="答")
    assert "请同时填写楼栋和单元" in response.content.decode()
    assert not Inquiry.objects.exists()


def test_it_refuses_another_sites_house_or_department(clerk_client, site_b):
    factories.make_house(site_b, building=5, unit=1, room="0501")
    other_department = Department.objects.get(site=site_b, name="工程部")
    response = post(clerk_client, house="5-1-0501", referred_to=other_department.pk)
    assert response.status_code == 200
    html = response.content.decode()
    assert "本小区没有房屋" in html
    assert "请选择本小区的部门" in html
    assert not Inquiry.objects.exists()


def test_it_offers_only_the_sites_active_departments(clerk_client, site_a, site_b):
    Department.objects.filter(site=site_a, name="财务部").update(is_active=False)
    html = clerk_client.get(CREATE).content.decode()
    assert "工程部" in html and "财务部" not in html
    other = Department.objects.get(site=site_b, name="秩序部")
    assert f'value="{other.pk}"' not in html


def test_it_starts_on_the_first_field_and_keeps_the_channel_chosen(clerk_client):
    html = clerk_client.get(LOG).content.decode()
    form = html[html.index('id="inquiry-form"') :]
    first_input = re.search(r"<input (?![^>]*csrfmiddlewaretoken)[^>]*>", form).group(0)
    assert 'value="walk_in"' in first_input and "autofocus" in first_input
    assert "checked" in first_input
    html = post(clerk_client, channel="phone", question="x").content.decode()
    assert re.search(r'value="phone" id="id_channel_1" checked', html)


@pytest.mark.parametrize(
    "value", ["x" * 10_000, "<script>alert(1)</script>", "'; DROP TABLE x; --", "\x00", "😀"]
)
def test_it_survives_hostile_input(clerk_client, value):
    response = clerk_client.post(
        CREATE,
        {
            "channel": value,
            "asker_name": value,
            "asker_phone": value,
            "house": value,
            "question": value,
            "answer": value,
            "referred_to": value,
        },
    )
    assert response.status_code == 200
    assert not Inquiry.objects.exists()


def test_it_is_for_the_desk_only(client, engineer):
    client.force_login(engineer)
    assert client.post(CREATE, {"question": "x", "answer": "y"}).status_code == 403
    assert not Inquiry.objects.exists()


def test_it_needs_login(client, db):
    assert client.get(CREATE)["Location"].startswith(reverse("login"))
    assert client.post(CREATE)["Location"].startswith(reverse("login"))
