from django.urls import reverse

from frontdesk.middleware import SESSION_ACCESS, SESSION_SITE_ID
from tests import factories

SWITCH = reverse("site_switch")


def test_it_switches_the_current_site(client, supervisor, site_a, site_b):
    client.force_login(supervisor)
    assert f'id="desk-site">{site_a.name}<' in client.get("/").content.decode()
    response = client.post(SWITCH, {"site": site_b.pk, "next": "/visitors/"}, follow=True)
    assert response.redirect_chain[-1][0] == "/visitors/"
    assert client.session[SESSION_SITE_ID] == site_b.pk
    html = client.get("/").content.decode()
    assert f'id="desk-site">{site_b.name}<' in html
    assert "已切换到锦绣华庭" in response.content.decode()


def test_it_refuses_a_site_the_user_does_not_work_at(clerk_client, site_a, site_b):
    response = clerk_client.post(SWITCH, {"site": site_b.pk}, follow=True)
    assert "您不属于该小区" in response.content.decode()
    assert SESSION_SITE_ID not in clerk_client.session
    assert f'id="desk-site">{site_a.name}<' in clerk_client.get("/").content.decode()


def test_it_rejects_nonsense_without_an_error_page(clerk_client):
    response = clerk_client.post(SWITCH, {"site": "'; DROP TABLE x; --"})
    assert response.status_code == 302


def test_it_never_redirects_off_site(client, supervisor, site_b):
    client.force_login(supervisor)
    response = client.post(SWITCH, {"site": site_b.pk, "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_it_falls_back_within_a_minute_when_the_user_leaves_the_site(
    client, supervisor, site_a, site_b
):
    client.force_login(supervisor)
    client.post(SWITCH, {"site": site_b.pk})
    supervisor.sites.remove(site_b)
    # Sites and permissions are cached in the session for SESSION_RENEW_INTERVAL.
    session = client.session
    session[SESSION_ACCESS]["at"] -= 61
    session.save()
    assert f'id="desk-site">{site_a.name}<' in client.get("/").content.decode()
    assert client.get(f"/residents/houses/{factories.make_house(site_b).pk}/").status_code == 404


def test_it_needs_login_and_post(client, clerk):
    assert client.post(SWITCH, {"site": 1})["Location"].startswith(reverse("login"))
    client.force_login(clerk)
    assert client.get(SWITCH).status_code == 405


def test_it_takes_next_only_as_a_path(client, supervisor, site_b):
    client.force_login(supervisor)
    for value in ["0", "desk", "javascript:alert(1)", "//evil.example/"]:
        response = client.post(SWITCH, {"site": site_b.pk, "next": value})
        assert response["Location"] == "/", value
