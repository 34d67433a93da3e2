from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.http import HttpRequest
from django.test import Client

from frontdesk import roles
from frontdesk.celery import app as celery_app
from residents.models import RosterImport
from tests import factories


def pytest_configure(config: pytest.Config) -> None:
    # Under `pytest -n N` (pytest-xdist) each worker has a test database of its own
    # (pytest-django's test_<name>_gw0, _gw1, …); give each a Redis database of its own
    # too, counting down from TEST_REDIS_URL's, or one worker's Celery tests would take
    # another's messages. Processes a test starts are handed this URL as it is.
    worker = getattr(config, "workerinput", {}).get("workerid")
    if worker:
        url = urlsplit(settings.CELERY_BROKER_URL)
        db = int(url.path.strip("/") or 0) - int(worker.removeprefix("gw"))
        if db < 0:
            raise pytest.UsageError(f"no Redis database left for {worker}: use fewer workers")
        settings.CELERY_BROKER_URL = url._replace(path=f"/{db}").geturl()
        celery_app.conf.broker_url = settings.CELERY_BROKER_URL


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # A real browser takes seconds per test: `-m "not slow"` leaves browser tests out
    # without every browser module having to say so twice. tryfirst: before `-m` selects.
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(autouse=True, scope="session")
def _client_login_passes_a_request():
    """Axes refuses authenticate() without a request, to know whom to lock out, and
    Client.login() passes none: give it an empty one, as the axes docs advise. Logins
    through the login page (and force_login) are untouched."""
    login = Client.login

    def login_with_request(self, **credentials):
        credentials.setdefault("request", HttpRequest())
        return login(self, **credentials)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Client, "login", login_with_request)
        yield


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
def local_supervisor(site_a):
    """A supervisor of site A alone (``supervisor`` has both sites)."""
    return factories.make_user(site_a, role=roles.SUPERVISOR, username="local_boss")


@pytest.fixture
def engineer(site_a):
    return factories.make_user(
        site_a, role=roles.DEPARTMENT_STAFF, username="eng", department="工程部"
    )


@pytest.fixture
def clerk_client(client, clerk):
    client.force_login(clerk)
    return client


@pytest.fixture
def supervisor_client(client, supervisor):
    client.force_login(supervisor)
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


@pytest.fixture
def objects_of_a(site_a, site_b):
    """One object of each kind that a page can be about, all in site A."""
    house = factories.make_house(site_a)
    uploader = factories.make_user(site_a, role=roles.SUPERVISOR, username="uploader")
    # Imported, not previewed: a previewed import re-reads its file, which is not the
    # matter here.
    roster_import = RosterImport.objects.create(
        site=site_a,
        kind=RosterImport.Kind.RESIDENTS,
        file="rosters/a.xlsx",
        original_name="住户.xlsx",
        status=RosterImport.Status.IMPORTED,
        uploaded_by=uploader,
    )
    from visitors.models import Inquiry, Parcel

    return SimpleNamespace(
        site=site_a,
        house=house,
        resident=factories.make_resident(site_a, house=house),
        roster_import=roster_import,
        visit=factories.make_visit(site_a, uploader, house=house),
        # Referred to 工程部, the engineer's department: open for him to handle.
        inquiry=Inquiry.objects.create(
            site=site_a,
            channel=Inquiry.Channel.PHONE,
            question="电梯异响",
            referred_to=site_a.departments.get(name="工程部"),
            created_by=uploader,
        ),
        parcel=Parcel.objects.create(
            site=site_a, house=house, courier=Parcel.Courier.SF, received_by=uploader
        ),
    )


@pytest.fixture(autouse=True)
def _fresh_calendar():
    """The working-time calendar is cached per process (frontdesk.worktime); a test that
    writes calendar days must not leave its calendar to the next test."""
    from frontdesk import worktime

    worktime.calendar_cache_clear()
    yield
    worktime.calendar_cache_clear()
