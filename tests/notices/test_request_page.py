"""Recording management's request as it came (notices:request_create)."""

from django.urls import reverse

from notices.models import NoticeRequest

CREATE = reverse("notices:request_create")


def test_it_records_a_request_and_opens_its_draft(clerk_client, site_a, clerk):
    engineering = site_a.departments.get(name="工程部")
    response = clerk_client.post(
        CREATE,
        {
            "requested_by": "工程部 张经理",
            "department": engineering.pk,
            "via": "phone",
            "content": "下周二 3栋、5栋 水箱清洗停水",
            "wanted_on": "2026-12-08",
        },
    )
    asked = NoticeRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('notices:create')}?request={asked.pk}"
    assert (asked.site, asked.received_by, asked.department) == (site_a, clerk, engineering)
    assert str(asked.wanted_on) == "2026-12-08"


def test_it_refuses_bad_input_in_chinese_and_saves_nothing(clerk_client, site_b):
    other = site_b.departments.first()
    response = clerk_client.post(
        CREATE,
        {"requested_by": "", "content": " ", "department": other.pk, "wanted_on": "明天"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["requested_by"] == ["请填写提出通知需求的人。"]
    assert errors["content"] == ["请填写需要通知的内容。"]
    assert errors["department"] == ["请从列表中选择。"]
    assert errors["wanted_on"] == ["请输入日期，如 2026-12-04。"]
    assert not NoticeRequest.objects.exists()


def test_department_staff_are_refused(client, engineer):
    client.force_login(engineer)
    assert client.get(CREATE).status_code == 403
