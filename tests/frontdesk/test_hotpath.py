"""The per-request reads written as plain SQL (frontdesk.hotpath) give what the ORM gives."""

from datetime import timedelta

from django.contrib.auth import BACKEND_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.models import Session
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone

from frontdesk import hotpath
from frontdesk.channels.models import Delivery
from frontdesk.channels.selectors.inbox import inbox_unread_count
from frontdesk.models import User
from tests import factories


def values(instance: Model) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def test_the_user_read_by_id_is_the_orms_user_field_for_field(clerk):
    clerk.phone = "13800138000"
    clerk.last_login = timezone.now()
    clerk.save()
    read = hotpath.ModelBackend().get_user(clerk.pk)
    assert isinstance(read, User)
    assert values(read) == values(User.objects.get(pk=clerk.pk))
    assert not read._state.adding and read._state.db == "default"


def test_an_unknown_or_inactive_user_is_no_one(clerk):
    backend = hotpath.ModelBackend()
    assert backend.get_user(clerk.pk + 1000) is None
    clerk.is_active = False
    clerk.save(update_fields=["is_active"])
    assert backend.get_user(clerk.pk) is None


def test_a_session_reads_back_what_was_saved(db):
    store = hotpath.SessionStore()
    store["site_id"] = 7
    store.create()
    again = hotpath.SessionStore(store.session_key)
    assert again.load() == {"site_id": 7}
    assert again.session_key == store.session_key


def test_an_expired_or_unknown_session_is_empty_and_forgets_its_key(db):
    store = hotpath.SessionStore()
    store["site_id"] = 7
    store.create()
    Session.objects.filter(session_key=store.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    expired = hotpath.SessionStore(store.session_key)
    assert expired.load() == {}
    assert expired.session_key is None
    unknown = hotpath.SessionStore("x" * 32)
    assert unknown.load() == {}
    assert unknown.session_key is None


def test_a_logged_in_page_reads_its_session_and_user_through_the_hot_path(clerk_client, clerk):
    response = clerk_client.get(reverse("desk"))
    assert response.status_code == 200
    request = response.wsgi_request
    assert request.user == clerk
    assert type(request.session) is hotpath.SessionStore
    assert request.session[BACKEND_SESSION_KEY] == "frontdesk.hotpath.ModelBackend"
    store = hotpath.SessionStore(clerk_client.session.session_key)
    assert store.load()[SESSION_KEY] == str(clerk.pk)


def test_the_unread_count_is_the_orms_count(clerk, site_a):
    other = factories.make_user(site_a)
    for user, read in ((clerk, None), (clerk, None), (clerk, timezone.now()), (other, None)):
        factories.make_delivery(site_a, channel="inbox", user=user, read_at=read)
    factories.make_delivery(site_a, channel="sms", user=clerk)
    orm = Delivery.objects.inbox_of(clerk).filter(read_at__isnull=True).count()
    assert inbox_unread_count(clerk) == orm == 2
