"""Door slips (催缴单) from the arrears list: two to an A4 sheet, each with its house code,
what is owed and how to pay; recorded as delivered only when the clerk says so."""

import re
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from frontdesk.models import Department
from residents.models import ArrearsReminder, RecordsSettings
from tests.residents.conftest import pay
from tests.residents.owing import owing_house, reminded

URL = reverse("residents:arrears_slips")
RECORD = reverse("residents:arrears_slips_record")


@pytest.fixture
def houses(site_a, site_b):
    made = [
        owing_house(site_a, room="101", months=3, owner="张三丰"),
        owing_house(site_a, room="102", months=2, owner="李四", phone=""),
        owing_house(site_a, building=5, unit=0, room="501", months=1, owner=None),
    ]
    owing_house(site_b, building=9, room="909", months=6, owner="欧阳锋")
    return made


def slips(html: str) -> list[str]:
    return re.findall(r'<article class="door-slip".*?</article>', html, re.S)


def sheets(html: str) -> list[str]:
    return re.findall(r'<section class="slip-sheet">.*?</section>', html, re.S)


def months_before(count: int) -> list[str]:
    """The ``count`` months before this one, oldest first, as a slip writes them."""
    first = timezone.localdate().replace(day=1)
    found = []
    for _ in range(count):
        first = (first.replace(day=1) - date.resolution).replace(day=1)
        found.append(f"{first:%Y-%m}")
    return found[::-1]


def test_it_prints_two_slips_to_a_sheet_with_the_house_code_on_each(clerk_client, houses):
    response = clerk_client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert [len(slips(sheet)) for sheet in sheets(html)] == [2, 1]
    assert html.count('class="slip-cut"') == 1  # between the two slips of the first sheet
    found = slips(html)
    codes = [re.search(r'class="slip-code">(.*?)<', s).group(1) for s in found]
    assert codes == ["3栋2单元101", "3栋2单元102", "5栋501"]
    assert "909" not in html  # another site's debtor

    first = found[0]
    assert "翠湖花园" in first and "缴费通知单" in first
    assert "尊敬的3栋2单元101业主张三丰" in first
    assert "¥900.00" in first
    assert "、".join(months_before(3)) + " （共 3 个月）" in first
    assert "物业服务中心财务室" in first  # the standard way to pay
    assert "0571-88886601" in first  # no finance phone: the site's service phone
    assert f"{timezone.localdate():%Y-%m-%d}" in first
    assert "业主" in found[2] and "¥300.00" in found[2]  # no owner on record: 业主


def test_it_prints_the_sites_way_to_pay_and_the_finance_phone(clerk_client, site_a, houses):
    Department.objects.filter(site=site_a, name="财务部").update(phone="0571-88886688")
    html = clerk_client.get(URL).content.decode()
    assert "0571-88886688" in slips(html)[0]
    RecordsSettings.objects.create(
        site=site_a, how_to_pay="请于每月25日前到3栋101财务室缴纳。", finance_phone="0571-12345678"
    )
    first = slips(clerk_client.get(URL).content.decode())[0]
    assert "请于每月25日前到3栋101财务室缴纳。" in first and "0571-12345678" in first


def test_it_takes_the_lists_filters(clerk_client, houses):
    html = clerk_client.get(URL, {"months": 2}).content.decode()
    assert len(slips(html)) == 2
    building = houses[2].building
    html = clerk_client.get(URL, {"building": building.pk}).content.decode()
    assert [re.search(r'class="slip-code">(.*?)<', s).group(1) for s in slips(html)] == ["5栋501"]
    assert "5栋" in html.split('class="slip-sheet"')[0]  # the filters said above the slips


def test_printing_records_nothing_and_recording_starts_the_interval(clerk_client, clerk, houses):
    clerk_client.get(URL)
    clerk_client.get(URL)  # printed twice
    assert not ArrearsReminder.objects.exists()

    ids = ",".join(str(h.pk) for h in houses)
    response = clerk_client.post(RECORD, {"houses": ids, "query": "months=1"})
    assert response["Location"] == f"{URL}?months=1"  # back to the slips: none left
    recorded = ArrearsReminder.objects.order_by("house__room")
    assert [(r.house.room, r.channel, r.months, r.messages) for r in recorded] == [
        ("101", "slip", 3, 0),
        ("102", "slip", 2, 0),
        ("501", "slip", 1, 0),
    ]
    assert {r.sent_by for r in recorded} == {clerk}
    html = clerk_client.get(response["Location"]).content.decode()
    assert "已记录 3 户的催缴单已送达" in html
    assert slips(html) == []  # all given a slip within the interval
    assert "3 户在 30 天内已送过催缴单，本次不打印" in html
    clerk_client.post(RECORD, {"houses": ids})
    assert ArrearsReminder.objects.count() == 3


def test_a_long_list_prints_in_batches_each_recorded_apart(clerk_client, houses, monkeypatch):
    monkeypatch.setattr("residents.views.arrears.SLIPS_PER_PRINT", 2)
    response = clerk_client.get(URL)
    html = response.content.decode()
    assert len(slips(html)) == 2 and 'id="slips-batch"' in html
    assert len(slips(clerk_client.get(URL, {"page": 2}).content.decode())) == 1
    first = ",".join(str(h.pk) for h in houses[:2])
    assert f'name="houses" value="{first}"' in html  # only the batch printed
    clerk_client.post(RECORD, {"houses": first})
    html = clerk_client.get(URL).content.decode()
    assert [re.search(r'class="slip-code">(.*?)<', s).group(1) for s in slips(html)] == ["5栋501"]


def test_a_text_message_does_not_hold_back_a_slip(clerk_client, clerk, houses):
    reminded(houses[0], clerk, days_ago=1, channel="sms")
    reminded(houses[1], clerk, days_ago=40, channel="slip")
    html = clerk_client.get(URL).content.decode()
    assert len(slips(html)) == 3


def test_it_records_no_slip_for_a_house_that_has_paid_since(clerk_client, houses):
    ids = ",".join(str(h.pk) for h in houses)
    pay(houses[2], "300.00")
    clerk_client.post(RECORD, {"houses": ids})
    assert sorted(ArrearsReminder.objects.values_list("house__room", flat=True)) == ["101", "102"]


def test_it_records_nothing_for_another_sites_houses(client, clerk_b, houses):
    client.force_login(clerk_b)
    html = client.get(URL).content.decode()
    assert [re.search(r'class="slip-code">(.*?)<', s).group(1) for s in slips(html)] == [
        "9栋2单元909"
    ]
    client.post(RECORD, {"houses": ",".join(str(h.pk) for h in houses)})
    assert not ArrearsReminder.objects.exists()


def test_it_refuses_recording_by_get_and_bad_input(clerk_client, houses):
    assert clerk_client.get(RECORD).status_code == 405
    response = clerk_client.post(RECORD, {"houses": "1,,2"}, follow=True)
    assert response.redirect_chain[-1][0] == URL
    assert "房屋清单已被改动" in response.content.decode()
    assert not ArrearsReminder.objects.exists()


def test_it_uses_the_same_number_of_queries_for_few_or_many(
    clerk_client, site_a, houses, django_assert_num_queries
):
    clerk_client.get(URL)
    # Session, user, the header's unread messages, the settings, the run summed up;
    # the batch printed: its houses with their months, with their standing, their owners;
    # the finance phone.
    with django_assert_num_queries(9):
        clerk_client.get(URL)
    for i in range(25):
        owing_house(site_a, building=20, room=f"{1000 + i}", months=1 + i % 4)
    with django_assert_num_queries(9):
        html = clerk_client.get(URL).content.decode()
    assert len(slips(html)) == 28 and len(sheets(html)) == 14
