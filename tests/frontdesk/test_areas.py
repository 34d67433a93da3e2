"""Every area's landing page: login required, Chinese, desk areas closed to department staff."""

import pytest
from django.urls import reverse

from tests import factories

AREAS = [
    ("residents:index", "/residents/", "住户查询", True),
    ("visitors:index", "/visitors/", "来访接待", True),
    ("complaints:index", "/complaints/", "投诉建议", False),
    ("notices:index", "/notices/", "公告通知", True),
    ("coordination:index", "/coordination/", "内部协调", False),
    ("admin_tasks:index", "/admin-tasks/", "行政事务", True),
]


@pytest.mark.parametrize(("name", "path", "label", "desk_only"), AREAS)
def test_it_lives_at_the_contracts_url(name, path, label, desk_only):
    assert reverse(name) == path


@pytest.mark.parametrize(("name", "path", "label", "desk_only"), AREAS)
def test_it_sends_anonymous_users_to_login(client, db, name, path, label, desk_only):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={path}"


@pytest.mark.parametrize(("name", "path", "label", "desk_only"), AREAS)
def test_it_opens_for_a_clerk_in_chinese(clerk_client, name, path, label, desk_only):
    response = clerk_client.get(path)
    assert response.status_code == 200
    assert f"</i> {label}</h1>" in response.content.decode()


@pytest.mark.parametrize(("name", "path", "label", "desk_only"), AREAS)
def test_it_opens_to_department_staff_only_what_the_desk_routes(
    client, engineer, name, path, label, desk_only
):
    client.force_login(engineer)
    assert client.get(path).status_code == (403 if desk_only else 200)


@pytest.mark.parametrize(("name", "path", "label", "desk_only"), AREAS)
def test_it_refuses_a_user_without_a_site(client, db, name, path, label, desk_only):
    client.force_login(factories.make_user())
    assert client.get(path).status_code == 403
