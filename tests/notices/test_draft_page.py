"""Drafting a notice (notices:create, from scratch, a request or a template), editing it
(notices:edit), starting from a template (notices:template_start) and the body's preview
(notices:preview). Bad input: a clear Chinese message beside the field, what was typed
kept, nothing saved."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from notices.models import Notice, NoticeAttachment, NoticeEntrance, NoticeTemplate
from notices.services import drafts
from notices.states import State
from residents.models import Building
from tests import factories

from .conftest import bring_to, jpeg, make_notice, notice_type, pdf

CREATE = reverse("notices:create")
TEMPLATE_START = reverse("notices:template_start")
PREVIEW = reverse("notices:preview")


def edit_url(notice) -> str:
    return reverse("notices:edit", args=[notice.pk])


@pytest.fixture
def houses(site_a):
    return [
        factories.make_house(site_a, building=3, unit=2, room="1201"),
        factories.make_house(site_a, building=3, unit=1, room="1101"),
        factories.make_house(site_a, building=5, unit=1, room="501"),
    ]


def form_data(site, **overrides) -> dict:
    today = timezone.localdate()
    return {
        "type": notice_type(site).pk,
        "title": "3栋停水通知",
        "body": "因管道检修，**周六** 停水。",
        "audience": "site",
        "effective_from": today.isoformat(),
        "expires_on": (today + timedelta(days=3)).isoformat(),
        "issuer": "翠湖花园物业服务中心",
        **overrides,
    }


def test_it_offers_the_form_with_the_sites_defaults(clerk_client, site_a, houses):
    response = clerk_client.get(CREATE)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["issuer"] == "翠湖花园物业服务中心"
    assert [t.name for t in form.fields["type"].queryset][:2] == ["缴费通知", "停水停电"]
    assert [label for _v, label in form.fields["entrances"].choices] == [
        "3栋1单元",
        "3栋2单元",
        "5栋1单元",
    ]


def test_it_saves_a_draft_for_chosen_buildings_with_attachments(
    clerk_client, site_a, clerk, houses, media
):
    buildings = list(Building.objects.for_site(site_a).order_by("number"))
    data = form_data(site_a, audience="buildings", buildings=[b.pk for b in buildings[:1]]) | {
        "attachments": [jpeg(), pdf()]
    }
    response = clerk_client.post(CREATE, data)
    notice = Notice.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("notices:detail", args=[notice.pk])
    assert (notice.state, notice.created_by, notice.audience) == (State.DRAFT, clerk, "buildings")
    assert list(notice.buildings.all()) == buildings[:1]
    assert sorted(NoticeAttachment.objects.values_list("name", "kind")) == [
        ("map.jpg", "jpeg"),
        ("schedule.pdf", "pdf"),
    ]


def test_it_saves_entrances_and_houses_as_rows(clerk_client, site_a, houses):
    three = Building.objects.get(site=site_a, number=3)
    clerk_client.post(CREATE, form_data(site_a, audience="entrances", entrances=[f"{three.pk}:2"]))
    notice = Notice.objects.get()
    assert list(NoticeEntrance.objects.values_list("building__number", "unit")) == [(3, 2)]

    clerk_client.post(
        CREATE, form_data(site_a, audience="houses", houses="3-2-1201\n5栋1单元501、3-2-1201")
    )
    second = Notice.objects.exclude(pk=notice.pk).get()
    assert sorted(h.label for h in second.houses.all()) == ["3栋2单元1201", "5栋1单元501"]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"expires_on": "2020-01-01", "effective_from": "2020-01-05"},
            "expires_on",
            "截止日期不能早于生效日期。",
        ),
        ({"title": ""}, "title", "请填写通知标题。"),
        ({"body": "   "}, "body", "请填写通知正文。"),
        ({"type": ""}, "type", "请选择通知类型。"),
        ({"audience": "buildings"}, "buildings", "请至少选择一项，或改为通知全体住户。"),
        ({"audience": "houses", "houses": "3-2-9999"}, "houses", "3-2-9999："),
        ({"effective_from": "2026-02-30"}, "effective_from", "请输入日期"),
        ({"title": "长" * 101}, "title", "最多 100 个字"),
    ],
)
def test_it_refuses_bad_input_beside_the_field_and_saves_nothing(
    clerk_client, site_a, houses, overrides, field, message
):
    response = clerk_client.post(CREATE, form_data(site_a, **overrides))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    assert message in " ".join(errors[field])
    assert not Notice.objects.exists()
    # What was typed is kept.
    if "title" in overrides:
        assert response.context["form"]["title"].value() == overrides["title"]


def test_it_refuses_another_sites_building_and_type(clerk_client, site_a, site_b, houses):
    other = factories.make_house(site_b, building=9, unit=1, room="901").building
    response = clerk_client.post(
        CREATE,
        form_data(site_a, audience="buildings", buildings=[other.pk], type=notice_type(site_b).pk),
    )
    errors = response.context["form"].errors
    assert "buildings" in errors and "type" in errors
    assert not Notice.objects.exists()


def test_it_refuses_another_sites_entrance(clerk_client, site_a, site_b, houses):
    other = factories.make_house(site_b, building=9, unit=1, room="901").building
    response = clerk_client.post(
        CREATE, form_data(site_a, audience="entrances", entrances=[f"{other.pk}:1"])
    )
    assert "entrances" in response.context["form"].errors
    assert not Notice.objects.exists()


def test_it_refuses_an_attachment_that_is_not_what_its_name_says(clerk_client, site_a, media):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("通知.pdf", b"MZ\x90\x00 not a pdf at all", "application/pdf")
    response = clerk_client.post(CREATE, form_data(site_a) | {"attachments": [fake]})
    assert "attachments" in response.context["form"].errors
    assert "这里不能上传这类文件" in " ".join(response.context["form"].errors["attachments"])
    assert not Notice.objects.exists()


def test_it_starts_from_a_request(clerk_client, site_a, clerk):
    asked = drafts.notice_request_create(
        site=site_a, user=clerk, requested_by="工程部 张经理", content="周二 3栋停水"
    )
    response = clerk_client.get(CREATE, {"request": asked.pk})
    assert response.context["form"].initial["body"] == "周二 3栋停水"
    clerk_client.post(f"{CREATE}?request={asked.pk}", form_data(site_a))
    assert Notice.objects.get().request == asked


def test_a_request_of_another_site_is_ignored(clerk_client, site_b, clerk_b, site_a):
    asked = drafts.notice_request_create(
        site=site_b, user=clerk_b, requested_by="李队", content="锦绣华庭的事"
    )
    response = clerk_client.get(CREATE, {"request": asked.pk})
    assert "锦绣华庭的事" not in response.content.decode()


@pytest.fixture
def template(site_a):
    return NoticeTemplate.objects.create(
        site=site_a,
        name="停水通知",
        type=notice_type(site_a),
        title="{小区}停水通知",
        body="{楼栋}将于{日期} {时间段}停水。{备注}",
    )


def test_it_fills_a_templates_placeholders(clerk_client, site_a, template):
    assert template.name in clerk_client.get(TEMPLATE_START).content.decode()
    response = clerk_client.get(
        CREATE, {"template": template.pk, "date": "12月5日", "period": "", "buildings": "3栋"}
    )
    initial = response.context["form"].initial
    assert initial["title"] == "翠湖花园停水通知"
    # An empty value and an unknown placeholder stay in sight.
    assert initial["body"] == "3栋将于12月5日 {时间段}停水。{备注}"
    assert initial["type"] == template.type_id


def test_a_template_of_another_site_is_refused(clerk_client, site_b):
    other = NoticeTemplate.objects.create(
        site=site_b, name="x", type=notice_type(site_b), title="t", body="b"
    )
    response = clerk_client.get(CREATE, {"template": other.pk})
    assert response.status_code == 200
    assert "template" in response.context["form"].errors


def test_a_template_with_an_unknown_placeholder_is_refused_in_admin_terms(site_a):
    from django.core.exceptions import ValidationError

    template = NoticeTemplate(
        site=site_a, name="x", type=notice_type(site_a), title="{小区}", body="{日子}停水"
    )
    with pytest.raises(ValidationError) as refused:
        template.full_clean()
    assert refused.value.message_dict["body"] == [
        "未知的占位符 {日子}。可用的占位符：{小区}、{日期}、{时间段}、{楼栋}。"
    ]


def test_the_preview_renders_and_sanitises(clerk_client):
    response = clerk_client.post(
        PREVIEW, {"body": "**加粗** <script>alert(1)</script> [x](javascript:alert(1))"}
    )
    html = response.content.decode()
    assert "<strong>加粗</strong>" in html
    assert "<script>" not in html and 'href="javascript' not in html


# --- Editing --------------------------------------------------------------------------


def test_it_edits_a_draft(clerk_client, site_a, draft):
    data = form_data(site_a, title="更正后的标题", revision=draft.revision)
    response = clerk_client.post(edit_url(draft), data)
    assert response.status_code == 302
    assert Notice.objects.get(pk=draft.pk).title == "更正后的标题"


def test_it_edits_a_notice_sent_back_and_shows_the_comment(
    clerk_client, site_a, clerk, approver, draft
):
    bring_to(draft, State.RETURNED, clerk=clerk, boss=approver)
    assert "请补充时间段" in clerk_client.get(edit_url(draft)).content.decode()
    fresh = Notice.objects.get(pk=draft.pk)
    clerk_client.post(edit_url(draft), form_data(site_a, title="补充后", revision=fresh.revision))
    assert Notice.objects.get(pk=draft.pk).title == "补充后"


def test_a_published_notice_is_not_edited(clerk_client, site_a, clerk, approver, draft):
    bring_to(draft, State.PUBLISHED, clerk=clerk, boss=approver)
    revision = Notice.objects.get(pk=draft.pk).revision
    response = clerk_client.post(
        edit_url(draft), form_data(site_a, title="偷偷改", revision=revision)
    )
    assert response.status_code == 302
    assert Notice.objects.get(pk=draft.pk).title == "停水通知"
    page = clerk_client.get(response["Location"]).content.decode()
    assert "该通知当前为“已发布”，现在不能修改。" in page


def test_two_clerks_saving_one_draft_the_second_gets_a_conflict(client, site_a, clerk, draft):
    other = factories.make_user(site_a, username="clerk_2", full_name="李娜")
    seen = draft.revision
    client.force_login(other)
    client.post(edit_url(draft), form_data(site_a, title="李娜的修改", revision=seen))
    client.force_login(clerk)
    response = client.post(edit_url(draft), form_data(site_a, title="王丽的修改", revision=seen))
    assert response.status_code == 409
    assert "李娜" in response.content.decode()
    assert response.context["form"]["title"].value() == "王丽的修改"
    assert Notice.objects.get(pk=draft.pk).title == "李娜的修改"


def test_it_removes_and_adds_attachments(clerk_client, site_a, clerk, media):
    notice = make_notice(site_a, clerk)
    from notices.attachments import attachment_clean, attachments_store

    (kept,) = attachments_store(notice=notice, user=clerk, files=[attachment_clean(pdf())])
    notice = Notice.objects.get(pk=notice.pk)
    data = form_data(site_a, revision=notice.revision, remove_attachments=[kept.pk])
    clerk_client.post(edit_url(notice), data | {"attachments": [jpeg("新图.jpg")]})
    assert list(NoticeAttachment.objects.values_list("name", flat=True)) == ["新图.jpg"]


def test_another_sites_clerk_cannot_open_the_edit_page(client, clerk_b, draft):
    client.force_login(clerk_b)
    assert client.get(edit_url(draft)).status_code == 404
