import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client

from complaints.models import CallbackAttempt, Case, CaseEvent, CasePhoto
from frontdesk import roles
from frontdesk.channels.models import Delivery
from frontdesk.models import Department, Site, User
from notices.models import Notice, NoticeRequest, PostingLocation
from residents.models import Building, House, Occupancy, Resident
from visitors.models import Inquiry, Parcel, Visit, WatchEntry

# Every test loads the whole demo.
pytestmark = pytest.mark.slow


def snapshot():
    return {
        "sites": list(Site.objects.order_by("name").values_list("name", "address")),
        "departments": Department.objects.count(),
        "houses": list(
            House.objects.order_by("site__name", "building__number", "unit", "room").values_list(
                "building__number", "unit", "room", "status"
            )
        ),
        "residents": list(
            Resident.objects.order_by("site__name", "name", "phone").values_list(
                "name", "phone", "id_number", "name_initials"
            )
        ),
        "occupancies": Occupancy.objects.count(),
    }


def forget_reception() -> None:
    """Reception's rows, the complaints' cases and the notices keep the houses and the
    clerks they name (PROTECT): gone first. Cases, notices and their timelines are never
    deleted (a trigger refuses it), so they are emptied as a database is, with TRUNCATE."""
    for model in (Visit, Inquiry, Parcel, WatchEntry):
        model.objects.all().delete()
    tables = ", ".join(
        model._meta.db_table
        for model in (
            *(CaseEvent, CasePhoto, CallbackAttempt, Case),
            *(Notice, NoticeRequest, PostingLocation),
            # The messages sent to the clerks (their inbox) name them too.
            Delivery,
        )
    )
    with connection.cursor() as cursor:
        # The test's transaction still holds the foreign keys' deferred checks of the rows
        # just seeded; TRUNCATE waits for none.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"TRUNCATE {tables} CASCADE")


@pytest.fixture
def seeded(db, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-pass-for-test")
    call_command("seed_demo", verbosity=0)
    return snapshot()


def test_it_loads_two_realistic_sites(seeded):
    assert [name for name, _ in seeded["sites"]] == ["翠湖花园", "锦绣华庭"]
    assert seeded["departments"] == 10
    assert len(seeded["houses"]) > 500
    assert len(seeded["residents"]) > len(seeded["houses"])
    # Both address forms exist: with entrances (3栋2单元1201) and without (3栋1201).
    assert {unit for _, unit, _, _ in seeded["houses"]} >= {0, 1, 2}
    assert Building.objects.get(site__name="翠湖花园", number=3).label == "3栋"


def test_it_creates_the_four_demo_logins(seeded):
    expected = {
        "clerk": (roles.CLERK, ["翠湖花园"]),
        "clerk2": (roles.CLERK, ["锦绣华庭"]),
        "supervisor": (roles.SUPERVISOR, ["翠湖花园", "锦绣华庭"]),
        "engineer": (roles.DEPARTMENT_STAFF, ["翠湖花园"]),
    }
    for username, (role, sites) in expected.items():
        user = User.objects.get(username=username)
        assert list(user.groups.values_list("name", flat=True)) == [role]
        assert list(user.sites.order_by("name").values_list("name", flat=True)) == sites
        assert user.check_password("demo-pass-for-test")
    assert User.objects.get(username="supervisor").is_staff
    assert User.objects.get(username="engineer").department.name == "工程部"
    client = Client()
    assert client.login(username="clerk", password="demo-pass-for-test")


def test_it_is_idempotent(seeded):
    call_command("seed_demo", verbosity=0)
    assert snapshot() == seeded
    assert (
        User.objects.filter(username__in=["clerk", "clerk2", "supervisor", "engineer"]).count() == 4
    )


def test_it_is_deterministic(seeded):
    forget_reception()
    Occupancy.objects.all().delete()
    Resident.objects.all().delete()
    House.objects.all().delete()
    Building.objects.all().delete()
    call_command("seed_demo", verbosity=0)
    assert snapshot() == seeded


def test_it_leaves_a_database_with_data_alone_when_asked(seeded):
    forget_reception()
    User.objects.filter(username="clerk2").delete()
    call_command("seed_demo", "--if-empty", verbosity=0)
    assert not User.objects.filter(username="clerk2").exists()


def test_it_never_changes_an_existing_account(seeded, monkeypatch):
    clerk = User.objects.get(username="clerk")
    clerk.set_password("a-real-password-chosen-later")
    clerk.is_active = False
    clerk.save()
    monkeypatch.setenv("DEMO_PASSWORD", "frontdesk-demo")
    call_command("seed_demo", verbosity=0)
    clerk.refresh_from_db()
    assert clerk.check_password("a-real-password-chosen-later")
    assert not clerk.is_active
