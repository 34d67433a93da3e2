"""SMS templates in admin: a purpose from the areas' list, parameters that purpose fills,
one active template per site and purpose, and a test SMS to a mobile number."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from frontdesk import roles
from frontdesk.channels.models import Delivery, SmsTemplate
from frontdesk.channels.purposes import all_purposes
from tests import factories


@pytest.fixture
def boss(client, local_supervisor):
    client.force_login(local_supervisor)
    return client


@pytest.fixture
def template(site_a):
    return factories.make_sms_template(site_a, "test", template_id="2233445", params="site")


@pytest.fixture
def sms_provider(settings):
    """A provider configured (never reached: the test only writes the delivery)."""
    settings.TENCENT_SMS_SECRET_ID = "AKIDtest"
    settings.TENCENT_SMS_SECRET_KEY = "test-secret"
    settings.TENCENT_SMS_APP_ID = "1400000000"


ADD = "admin:channels_smstemplate_add"


def change_url(template: SmsTemplate) -> str:
    return reverse("admin:channels_smstemplate_change", args=[template.pk])


def send_test_url(template: SmsTemplate) -> str:
    return reverse("admin:channels_smstemplate_test", args=[template.pk])


def form_data(site, **changes) -> dict:
    data = {
        "site": site.pk,
        "purpose": "parcel_waiting",
        "template_id": "1987654",
        "sign_name": "翠湖物业",
        "params": "house，courier, tail,shelf",
        "text": "您的{2}快递（尾号{3}）已到前台{4}，房号{1}。",
        "is_active": "on",
    }
    return {k: v for k, v in {**data, **changes}.items() if v is not None}


def errors_of(response) -> dict:
    assert response.status_code == 200
    return response.context["adminform"].form.errors


def test_it_adds_a_template_for_an_areas_purpose(boss, site_a):
    response = boss.post(reverse(ADD), form_data(site_a))

    assert response.status_code == 302
    template = SmsTemplate.objects.get()
    assert (template.site, template.purpose, template.template_id) == (
        site_a,
        "parcel_waiting",
        "1987654",
    )
    # Written one way, whichever commas were typed.
    assert template.params == "house,courier,tail,shelf"
    html = boss.get(reverse("admin:channels_smstemplate_changelist")).content.decode()
    # The purpose by its label, not its key.
    assert str(all_purposes()["parcel_waiting"].label) in html


def test_the_purposes_offered_are_the_cores_and_the_areas(boss):
    form = boss.get(reverse(ADD)).context["adminform"].form
    offered = dict(form.fields["purpose"].choices)
    assert {"test", "robot_broken", "parcel_waiting"} <= set(offered)
    assert str(offered["test"]) == "测试消息"
    assert str(form.fields["purpose"].label) == "用途"


def test_it_refuses_a_template_id_that_is_not_a_number(boss, site_a):
    errors = errors_of(boss.post(reverse(ADD), form_data(site_a, template_id="SMS_12345")))

    assert errors["template_id"] == ["模板ID是短信服务商审核通过后给出的数字编号。"]
    assert not SmsTemplate.objects.exists()


def test_it_refuses_a_parameter_the_purpose_does_not_fill(boss, site_a):
    errors = errors_of(boss.post(reverse(ADD), form_data(site_a, params="house,name,phone")))

    assert errors["params"] == [
        "此用途没有这些参数：name、phone。可用的参数：house、courier、tail、shelf。"
    ]
    errors = errors_of(
        boss.post(reverse(ADD), form_data(site_a, purpose="robot_broken", params="site"))
    )
    assert errors["params"] == ["此用途没有这些参数：site。此用途不填任何参数。"]
    assert not SmsTemplate.objects.exists()


def test_it_refuses_an_unknown_purpose(boss, site_a):
    errors = errors_of(boss.post(reverse(ADD), form_data(site_a, purpose="no_such_thing")))
    assert "purpose" in errors and "params" not in errors
    assert not SmsTemplate.objects.exists()


def test_one_active_template_per_site_and_purpose(boss, site_a, template):
    errors = errors_of(boss.post(reverse(ADD), form_data(site_a, purpose="test", params="site")))

    assert errors["purpose"] == [
        "本小区此用途已有启用的模板 2233445：请先停用它，或将本模板保存为不启用。"
    ]
    assert list(SmsTemplate.objects.all()) == [template]

    # Saved inactive, it waits beside the active one; switching it on is refused the same.
    data = form_data(site_a, purpose="test", params="site", is_active=None)
    assert boss.post(reverse(ADD), data).status_code == 302
    spare = SmsTemplate.objects.get(is_active=False)
    errors = errors_of(boss.post(change_url(spare), {**data, "is_active": "on"}))
    assert "purpose" in errors
    spare.refresh_from_db()
    assert not spare.is_active


def test_the_active_template_can_be_saved_again(boss, site_a, template):
    data = form_data(site_a, purpose="test", params="site", sign_name="锦绣物业")
    assert boss.post(change_url(template), data).status_code == 302
    template.refresh_from_db()
    assert template.sign_name == "锦绣物业"


def test_another_site_may_have_its_own_active_template(client, supervisor, site_a, site_b):
    factories.make_sms_template(site_a, "test", params="site")
    client.force_login(supervisor)
    data = form_data(site_b, purpose="test", params="site")
    assert client.post(reverse(ADD), data).status_code == 302
    assert SmsTemplate.objects.filter(site=site_b, is_active=True).count() == 1


def test_the_test_page_asks_for_a_mobile(boss, template):
    html = boss.get(change_url(template)).content.decode()
    assert "发送测试短信" in html and send_test_url(template) in html

    response = boss.get(send_test_url(template))
    html = response.content.decode()
    assert response.status_code == 200
    assert "2233445" in html and "手机号" in html and "每个参数都填“测试”" in html


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("0571-88886601", "短信只能发往手机号：以 1 开头的 11 位数字。"),
        ("12345", "不是有效的中国电话号码"),
        ("", "这个字段是必填项。"),
    ],
)
def test_the_test_sms_needs_a_mobile_number(boss, template, typed, error):
    response = boss.post(send_test_url(template), {"phone": typed})

    assert response.status_code == 200
    [message] = response.context["form"].errors["phone"]
    assert message.startswith(error) or error in message
    assert f'value="{typed}"' in response.content.decode() or not typed
    assert not Delivery.objects.exists()


def test_the_test_sms_is_queued(boss, template, local_supervisor, sms_provider):
    response = boss.post(send_test_url(template), {"phone": "139 1234 5678"}, follow=True)

    delivery = Delivery.objects.get()
    assert (delivery.channel, delivery.state, delivery.purpose) == ("sms", "pending", "test")
    assert (delivery.phone, delivery.params, delivery.urgent) == (
        "13912345678",
        {"site": "测试"},
        True,
    )
    assert (delivery.site, delivery.created_by) == (template.site, local_supervisor)
    assert (delivery.about_type, delivery.about_id) == (
        ContentType.objects.get_for_model(SmsTemplate),
        str(template.pk),
    )
    assert response.redirect_chain == [(change_url(template), 302)]
    assert "测试消息已加入发送队列" in response.content.decode()


def test_without_a_provider_the_test_sms_says_why_it_was_not_sent(boss, template):
    html = boss.post(send_test_url(template), {"phone": "13912345678"}, follow=True)
    html = html.content.decode()

    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.code) == ("skipped", "no_provider")
    assert "测试消息未发送：尚未配置短信服务。" in html


def test_an_inactive_template_is_not_tried(boss, template, sms_provider):
    template.is_active = False
    template.save(update_fields=["is_active"])

    assert "发送测试短信" not in boss.get(change_url(template)).content.decode()
    response = boss.post(send_test_url(template), {"phone": "13912345678"}, follow=True)

    assert "只能测试已启用的模板。" in response.content.decode()
    assert not Delivery.objects.exists()


def test_another_sites_template_is_out_of_reach(client, template, site_b, sms_provider):
    boss_b = factories.make_user(site_b, role=roles.SUPERVISOR, username="boss_b")
    client.force_login(boss_b)

    assert client.get(send_test_url(template)).status_code == 404
    assert client.post(send_test_url(template), {"phone": "13912345678"}).status_code == 404
    # Django admin redirects to its index with a "does not exist" message.
    assert client.get(change_url(template))["Location"] == reverse("admin:index")
    response = client.post(reverse(ADD), form_data(template.site))
    assert "site" in errors_of(response)
    assert list(SmsTemplate.objects.all()) == [template]
    assert not Delivery.objects.exists()


@pytest.mark.parametrize("who", ["clerk", "engineer"])
def test_clerks_and_department_staff_have_no_templates(client, request, template, who):
    client.force_login(request.getfixturevalue(who))
    for url in (reverse("admin:channels_smstemplate_changelist"), send_test_url(template)):
        assert client.get(url).status_code == 302  # admin's login


def test_it_lists_with_the_same_number_of_queries_for_few_or_many(
    boss, site_a, django_assert_num_queries
):
    url = reverse("admin:channels_smstemplate_changelist")
    for n in (1, 12):
        while SmsTemplate.objects.count() < n:
            factories.make_sms_template(site_a, "test", is_active=False)
        boss.get(url)  # the first request may renew the session
        # Session, user, the user's sites; the site filter's sites; the filtered and the
        # total count; the page with its sites.
        with django_assert_num_queries(7):
            response = boss.get(url)
        assert len(response.context["cl"].result_list) == n
