"""The 403, 404 and 500 pages: in Chinese, in the site's layout; the 500 page without the
database; a 404 offers a user of several sites to look in another one."""

import pytest
from django.db import OperationalError, connection
from django.http import HttpRequest
from django.test import Client
from django.urls import get_resolver, path, reverse

from frontdesk import urls as frontdesk_urls
from tests import factories

LAYOUT = '<main class="container-fluid'


def boom(request: HttpRequest):
    raise RuntimeError("a bug")


# This module doubles as a URLconf: the site's pages, and one that fails.
urlpatterns = [path("boom/", boom), *frontdesk_urls.urlpatterns]


def test_it_refuses_in_chinese_in_the_layout(clerk_client):
    response = clerk_client.get(reverse("residents:import"))
    assert response.status_code == 403
    html = response.content.decode()
    assert LAYOUT in html and 'id="error-403"' in html
    assert "无权访问" in html and "您没有权限打开此页面" in html
    assert "403 Forbidden" not in html


def test_it_says_not_found_in_chinese_in_the_layout(clerk_client):
    response = clerk_client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert LAYOUT in html and 'id="error-404"' in html
    assert "找不到页面" in html
    assert "Not Found" not in html
    # One site: nothing to switch to.
    assert 'id="error-404-sites"' not in html


def test_it_offers_a_user_of_several_sites_to_look_in_another(client, supervisor, site_a, site_b):
    house = factories.make_house(site_b)
    url = reverse("residents:house", args=[house.pk])
    client.force_login(supervisor)
    response = client.get(url)
    assert response.status_code == 404
    html = response.content.decode()
    assert 'id="error-404-sites"' in html
    assert f'<input type="hidden" name="site" value="{site_b.pk}">' in html
    assert f'<input type="hidden" name="site" value="{site_a.pk}">' not in html  # the current
    assert f'<input type="hidden" name="next" value="{url}">' in html
    assert "切换到锦绣华庭" in html

    response = client.post(reverse("site_switch"), {"site": site_b.pk, "next": url}, follow=True)
    assert response.redirect_chain[-1][0] == url
    assert response.status_code == 200 and house.label in response.content.decode()


def test_it_offers_no_switch_to_someone_logged_out(client, db):
    html = client.get("/no-such-page/").content.decode()
    assert "找不到页面" in html and 'id="error-404-sites"' not in html


def test_the_500_page_renders_without_the_database():
    # No db fixture: pytest-django refuses any query this test makes.
    response = get_resolver().resolve_error_handler(500)(HttpRequest())
    assert response.status_code == 500
    html = response.content.decode()
    assert LAYOUT in html and 'id="error-500"' in html
    assert "服务器出错" in html and "Server Error" not in html


@pytest.mark.urls(__name__)
def test_it_answers_a_failure_with_the_chinese_500_page(clerk):
    client = Client(raise_request_exception=False)
    client.force_login(clerk)
    response = client.get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert 'id="error-500"' in html and "服务器出错" in html
    assert clerk.get_full_name() not in html  # no navigation: the page asks nothing of anyone


@pytest.mark.urls(__name__)
def test_it_answers_with_the_500_page_when_the_database_is_down(clerk):
    client = Client(raise_request_exception=False)
    client.force_login(clerk)
    queries = []

    def database_down(execute, sql, params, many, context):
        queries.append(sql)
        raise OperationalError("connection refused")

    with connection.execute_wrapper(database_down):
        response = client.get("/")
    assert response.status_code == 500
    assert "服务器出错" in response.content.decode()
    # The session was the one query tried: the error page itself made none.
    assert len(queries) == 1


def test_a_form_sent_without_its_token_gets_the_chinese_expired_page(clerk):
    client = Client(enforce_csrf_checks=True)
    client.force_login(clerk)
    response = client.post(reverse("visitors:inquiry_create"), {"question": "x", "answer": "y"})
    assert response.status_code == 403
    html = response.content.decode()
    assert 'id="error-403-csrf"' in html and "页面已过期" in html
    assert "CSRF verification failed" not in html


def test_a_bad_request_gets_the_chinese_400_page(client, db):
    response = client.get("/", headers={"host": "evil.example"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="error-400"' in html and "请求无法处理" in html
