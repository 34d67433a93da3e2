"""Shared desk PCs: sessions end after 30 minutes idle and 12 hours after login."""

import time

from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse

from frontdesk.middleware import SESSION_LOGIN_AT, SESSION_SEEN_AT
from tests.factories import PASSWORD


def login(client, user):
    client.post(reverse("login"), {"username": user.username, "password": PASSWORD})


def set_session(client, **values):
    session = client.session
    session.update(values)
    session.save()


def test_it_idles_out_after_thirty_minutes():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_ABSOLUTE_AGE == 12 * 60 * 60


def test_it_stamps_the_login_time(client, clerk):
    before = time.time()
    login(client, clerk)
    assert client.session[SESSION_LOGIN_AT] >= before


def test_it_ends_the_session_twelve_hours_after_login(client, clerk):
    login(client, clerk)
    set_session(client, **{SESSION_LOGIN_AT: time.time() - 12 * 3600 - 1})
    response = client.get("/visitors/")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/visitors/"
    assert "会话已结束" in client.get(response["Location"]).content.decode()
    assert client.get("/").status_code == 302


def test_it_keeps_a_session_in_use_alive(client, clerk):
    login(client, clerk)
    set_session(client, **{SESSION_LOGIN_AT: time.time() - 11 * 3600})
    assert client.get("/").status_code == 200


def test_it_renews_the_expiry_at_most_once_a_minute(client, clerk):
    login(client, clerk)
    key = client.session.session_key
    set_session(client, **{SESSION_SEEN_AT: time.time() - 120})
    Session.objects.filter(pk=key).update(expire_date="2000-01-01T00:00:00Z")
    # An expired row is a logged-out user: renewal keeps live sessions alive only.
    assert client.get("/").status_code == 302

    login(client, clerk)
    key = client.session.session_key
    set_session(client, **{SESSION_SEEN_AT: time.time() - 120})
    first = Session.objects.get(pk=key).expire_date
    time.sleep(0.01)
    client.get("/")
    renewed = Session.objects.get(pk=key).expire_date
    assert renewed > first
    client.get("/")
    assert Session.objects.get(pk=key).expire_date == renewed


def test_it_ends_a_session_left_idle(client, clerk):
    login(client, clerk)
    assert client.get("/").status_code == 200
    # What 30 minutes without a request leave behind: a session row past its expiry.
    Session.objects.filter(pk=client.session.session_key).update(expire_date="2000-01-01T00:00:00Z")
    response = client.get("/visitors/")
    assert response["Location"] == f"{reverse('login')}?next=/visitors/"
