import pytest

from frontdesk import roles
from frontdesk.celery import app as celery_app
from tests import factories


@pytest.fixture
def site_a(db):
    return factories.make_site("翠湖花园")


@pytest.fixture
def site_b(db):
    return factories.make_site("锦绣华庭")


@pytest.fixture
def clerk(site_a):
    return factories.make_user(site_a, username="clerk_a", full_name="王丽")


@pytest.fixture
def clerk_b(site_b):
    return factories.make_user(site_b, username="clerk_b", full_name="刘芳")


@pytest.fixture
def supervisor(site_a, site_b):
    return factories.make_user(site_a, site_b, role=roles.SUPERVISOR, username="boss")


@pytest.fixture
def engineer(site_a):
    return factories.make_user(
        site_a, role=roles.DEPARTMENT_STAFF, username="eng", department="工程部"
    )


@pytest.fixture
def clerk_client(client, clerk):
    client.force_login(clerk)
    return client


# Nothing listens on port 1: connections are refused at once, as when Redis is down.
CLOSED_BROKER = "redis://127.0.0.1:1/15"


@pytest.fixture
def unreachable_broker(monkeypatch):
    """Point the Celery app at a broker that does not answer, for this test only.

    The app read its broker from settings at import and keeps connection pools; it gets
    fresh pools for the closed port, and the original ones back afterwards.
    """
    monkeypatch.setitem(celery_app.conf, "broker_url", CLOSED_BROKER)
    monkeypatch.setattr(celery_app, "_pool", None)
    monkeypatch.setattr(celery_app.amqp, "_producer_pool", None)
    yield
    celery_app.pool.force_close_all()
