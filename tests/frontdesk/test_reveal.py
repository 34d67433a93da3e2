"""Revealing a masked phone or ID number: for this record only, and logged."""

import pytest
from django.urls import reverse

from frontdesk.models import PersonalDataAccess
from tests import factories


@pytest.fixture
def resident(site_a):
    resident = factories.make_resident(site_a, "张三丰", "13800138000")
    resident.id_number = "11010519491231002X"
    resident.save()
    return resident


def url(resident, field):
    return reverse("reveal", args=["residents.resident", resident.pk, field])


def test_it_reveals_and_logs(clerk_client, clerk, site_a, resident):
    response = clerk_client.post(url(resident, "phone"), REMOTE_ADDR="10.0.0.8")
    assert response.status_code == 200
    assert "13800138000" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    access = PersonalDataAccess.objects.get()
    assert (access.user, access.site, access.model, access.object_id, access.field) == (
        clerk,
        site_a,
        "residents.resident",
        str(resident.pk),
        "phone",
    )
    assert access.ip_address == "10.0.0.8"
    assert access.action == PersonalDataAccess.Action.REVEAL


def test_it_reveals_id_numbers(clerk_client, resident):
    assert "11010519491231002X" in clerk_client.post(url(resident, "id_number")).content.decode()


def test_it_is_a_404_for_another_sites_record(client, clerk_b, resident):
    client.force_login(clerk_b)
    assert client.post(url(resident, "phone")).status_code == 404
    assert not PersonalDataAccess.objects.exists()


def test_it_is_a_404_for_fields_that_are_not_revealable(clerk_client, resident):
    assert clerk_client.post(url(resident, "name")).status_code == 404
    bad = reverse("reveal", args=["frontdesk.user", 1, "password"])
    assert clerk_client.post(bad).status_code == 404
    assert not PersonalDataAccess.objects.exists()


def test_it_needs_post_and_login(client, clerk, resident):
    assert client.post(url(resident, "phone"))["Location"].startswith(reverse("login"))
    client.force_login(clerk)
    assert client.get(url(resident, "phone")).status_code == 405


def test_it_is_closed_to_department_staff(client, engineer, resident):
    client.force_login(engineer)
    assert client.post(url(resident, "phone")).status_code == 403
    assert not PersonalDataAccess.objects.exists()


def test_after_the_session_ended_htmx_is_told_so_in_place(client, resident):
    # A page left open past the session's end: htmx would follow the login redirect and
    # show nothing useful; the answer says why, with a way back to that page.
    page = "http://testserver/residents/houses/7/?tab=fees"
    response = client.post(
        url(resident, "phone"), headers={"HX-Request": "true", "HX-Current-URL": page}
    )
    assert response.status_code == 401
    html = response.content.decode()
    assert "登录已过期" in html and "13800138000" not in html
    assert 'href="/accounts/login/?next=/residents/houses/7/%3Ftab%3Dfees"' in html
    assert "no-store" in response["Cache-Control"]
    assert not PersonalDataAccess.objects.exists()


def test_the_way_back_never_leads_to_another_host(client, resident):
    headers = {"HX-Request": "true", "HX-Current-URL": "https://evil.example/phish/"}
    response = client.post(url(resident, "phone"), headers=headers)
    assert response.status_code == 401
    assert 'href="/accounts/login/"' in response.content.decode()
