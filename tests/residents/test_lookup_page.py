"""/residents/?q= — the one lookup box, full page and htmx partial."""

import pytest
from django.urls import reverse

from tests import factories

URL = reverse("residents:index")
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "lookup-results"}


@pytest.fixture
def zsf(site_a):
    house = factories.make_house(site_a, building=3, unit=2, room="1201")
    return factories.make_resident(site_a, "张三丰", "13800138000", house=house)


def test_it_finds_as_the_clerk_types(clerk_client, zsf):
    response = clerk_client.get(URL, {"q": "zsf"}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html  # only the results, for htmx to swap in
    assert "张三丰" in html
    assert "138****8000" in html
    assert "13800138000" not in html
    assert "3栋2单元1201" in html


def test_it_renders_the_whole_page_for_a_plain_request(clerk_client, zsf):
    html = clerk_client.get(URL, {"q": "3-2-1201"}).content.decode()
    assert "<html" in html and 'id="lookup-q"' in html
    assert f'href="{reverse("residents:house", args=[zsf.houses.get().pk])}"' in html
    assert "no-store" in clerk_client.get(URL)["Cache-Control"]


def test_it_says_when_nothing_matches(clerk_client, zsf):
    html = clerk_client.get(URL, {"q": "9-9-9999"}, **HTMX).content.decode()
    assert 'id="no-results"' in html
    assert "没有与" in html


def test_it_never_shows_another_sites_residents(client, clerk_b, zsf):
    client.force_login(clerk_b)
    html = client.get(URL, {"q": "张三丰"}, **HTMX).content.decode()
    assert 'id="no-results"' in html
    assert "result-name" not in html


@pytest.mark.parametrize(
    "q", ["", "x" * 10_000, "' OR 1=1 --", "<script>alert(1)</script>", "\x00\x01", "😀😀", "%_%"]
)
def test_it_handles_bad_queries(clerk_client, zsf, q):
    response = clerk_client.get(URL, {"q": q})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_it_warns_about_a_very_long_query(clerk_client):
    html = clerk_client.get(URL, {"q": "张" * 500}).content.decode()
    assert "查询内容过长" in html


def test_it_needs_login_and_the_desk_permission(client, engineer):
    assert client.get(URL)["Location"].startswith(reverse("login"))
    client.force_login(engineer)
    assert client.get(URL).status_code == 403


@pytest.mark.parametrize("q", ["张", "1201"])
def test_it_uses_the_same_number_of_queries_for_10_or_100_results(
    clerk_client, site_a, django_assert_num_queries, q
):
    def load(n, offset):
        for i in range(offset, offset + n):
            house = factories.make_house(site_a, building=i + 1, unit=1, room="1201")
            factories.make_resident(site_a, f"张{i}", f"1390000{i:04d}", house=house)

    load(10, 0)
    clerk_client.get(URL, {"q": q}, **HTMX)
    # Session, user, the lookup's one statement (residents or houses).
    with django_assert_num_queries(3):
        clerk_client.get(URL, {"q": q}, **HTMX)
    load(90, 10)
    with django_assert_num_queries(3):
        clerk_client.get(URL, {"q": q}, **HTMX)


def test_a_lookup_typed_after_the_session_ended_says_so_in_place(client, db):
    response = client.get(
        reverse("residents:index"),
        {"q": "张"},
        headers={
            "HX-Request": "true",
            "HX-Target": "lookup-results",
            "HX-Current-URL": "http://testserver/residents/?q=%E5%BC%A0",
        },
    )
    assert response.status_code == 401
    html = response.content.decode()
    assert "登录已过期" in html and "/accounts/login/?next=/residents/%3Fq%3D" in html


def test_each_row_links_to_its_page_and_offers_a_case(clerk_client, site_a, zsf):
    homeless = factories.make_resident(site_a, "张<b>无房", "13900139000")
    house = zsf.houses.get()
    html = clerk_client.get(URL, {"q": "张"}, **HTMX).content.decode()
    house_page = reverse("residents:house", args=[house.pk])
    case = reverse("complaints:case_create")
    # A resident with a house: their house's page, and a case about it for them.
    assert f'href="{house_page}"' in html
    assert f'href="{case}?house={house.pk}&amp;resident={zsf.pk}"' in html
    # One without: a new inquiry about them, no case button; their name escaped.
    assert f'href="{reverse("visitors:inquiry_create")}?resident={homeless.pk}"' in html
    assert f"resident={homeless.pk}&amp;" not in html
    assert "张&lt;b&gt;无房" in html and "<b>" not in html
    assert "未关联房屋" in html and "登记工单" in html
    assert html.count("result-case") == 1


def test_a_house_row_offers_a_case_about_the_house(clerk_client, site_a, zsf):
    house = zsf.houses.get()
    html = clerk_client.get(URL, {"q": "3-2-1201"}, **HTMX).content.decode()
    assert 'class="result-house">3栋2单元1201</strong>' in html
    assert f'href="{reverse("complaints:case_create")}?house={house.pk}"' in html
    assert "张三丰（业主）" in html
