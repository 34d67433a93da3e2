"""Notices in admin, for supervisors: each site's types and templates, edited; requests
and notices with their timelines, read only; nothing of another site's."""

import pytest
from django.urls import reverse

from notices.models import Notice, NoticeTemplate, NoticeType
from notices.states import State
from tests.test_admin_matrix import REGISTERED, admin_id, foreign_keys, site_owned
from tests.test_admin_matrix import site_b_rows as site_b_rows  # a fixture, used below
from tests.test_admin_matrix import (
    test_no_admin_form_names_another_sites_row as walk_admin_forms,
)

from .conftest import bring_to, make_notice, notice_type


@pytest.fixture
def boss(client, local_supervisor):
    client.force_login(local_supervisor)
    return client


def url(model: str, view: str, *args) -> str:
    return reverse(f"admin:notices_{model}_{view}", args=args)


def test_a_supervisor_sees_and_edits_their_sites_types(boss, site_a, site_b):
    response = boss.get(url("noticetype", "changelist"))
    assert response.status_code == 200
    shown = list(response.context["cl"].result_list)
    assert {t.site_id for t in shown} == {site_a.pk} and len(shown) == 6

    water = notice_type(site_a)
    response = boss.post(
        url("noticetype", "change", water.pk),
        {"site": site_a.pk, "name": "停水停电", "sms": "", "sort_order": 1, "is_active": "on"},
    )
    assert response.status_code == 302
    assert NoticeType.objects.get(pk=water.pk).sms is False
    assert boss.get(url("noticetype", "change", notice_type(site_b).pk)).status_code == 302


def test_types_are_never_deleted(boss, site_a):
    assert boss.get(url("noticetype", "delete", notice_type(site_a).pk)).status_code == 403


def test_a_template_with_an_unknown_placeholder_is_refused(boss, site_a):
    response = boss.post(
        url("noticetemplate", "add"),
        {
            "site": site_a.pk,
            "name": "停水",
            "type": notice_type(site_a).pk,
            "title": "{小区}停水通知",
            "body": "{楼栋}于{日子}停水",
            "sort_order": 0,
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert "未知的占位符 {日子}" in response.content.decode()
    assert not NoticeTemplate.objects.exists()


def test_a_template_of_another_sites_type_is_refused(boss, site_a, site_b):
    response = boss.post(
        url("noticetemplate", "add"),
        {
            "site": site_a.pk,
            "name": "停水",
            "type": notice_type(site_b).pk,
            "title": "停水通知",
            "body": "停水",
            "sort_order": 0,
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert not NoticeTemplate.objects.exists()


def test_notices_are_read_with_their_timeline_and_never_changed(
    boss, site_a, site_b, clerk, clerk_b, approver
):
    notice = bring_to(make_notice(site_a, clerk), State.PUBLISHED, clerk=clerk, boss=approver)
    other = make_notice(site_b, clerk_b, title="锦绣华庭的通知")
    listing = boss.get(url("notice", "changelist"))
    assert [n.pk for n in listing.context["cl"].result_list] == [notice.pk]
    page = boss.get(url("notice", "change", notice.pk))
    assert page.status_code == 200
    html = page.content.decode()
    assert "提交审核" in html and "审核通过" in html  # the timeline
    assert reverse("notices:detail", args=[notice.pk]) in html
    assert boss.post(url("notice", "change", notice.pk), {"title": "改"}).status_code == 403
    assert boss.get(url("notice", "delete", notice.pk)).status_code == 403
    assert boss.get(url("notice", "change", other.pk)).status_code == 302
    assert Notice.objects.get(pk=notice.pk).title == "停水通知"


def test_supervisors_may_approve_and_clerks_may_not(local_supervisor, clerk):
    assert local_supervisor.has_perm("notices.approve_notice")
    assert not clerk.has_perm("notices.approve_notice")


# --- Another site's rows named by id (tests/test_admin_matrix.py's walk, with notices') --

NOTICE_ADMINS = [item for item in REGISTERED if item[0]._meta.app_label == "notices"]


@pytest.fixture
def rows_of_b(site_b_rows):  # noqa: F811 (the fixture imported above)
    """site_b_rows: it holds a row of site B for every notices model too."""
    return site_b_rows


def test_every_foreign_key_of_the_notices_admins_has_a_row_of_site_b(rows_of_b):
    targets = {
        f.related_model
        for _model, model_admin in NOTICE_ADMINS
        for m in [model_admin.model, *(i.model for i in model_admin.inlines)]
        for f in foreign_keys(m)
        if site_owned(f.related_model)
    }
    assert targets <= set(rows_of_b), targets - set(rows_of_b)


@pytest.mark.parametrize("item", NOTICE_ADMINS, ids=admin_id)
def test_no_notices_admin_form_names_another_sites_row(client, local_supervisor, rows_of_b, item):
    walk_admin_forms(client, local_supervisor, rows_of_b, item)
