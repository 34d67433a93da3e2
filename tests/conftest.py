import pytest

from frontdesk import roles
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
