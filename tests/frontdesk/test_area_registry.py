"""The areas declare themselves (``<app>/area.py``) and the core collects them."""

import re
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.urls import reverse
from django_celery_beat.models import PeriodicTask

from frontdesk import revealable, roles
from frontdesk.areas import all_areas, area
from frontdesk.bench import BenchContext, area_cases
from frontdesk.management.commands.seed_demo import area_seeders
from frontdesk.schedules import all_schedules
from frontdesk.selectors import areas_for_user

AREA_APPS = ["residents", "visitors", "complaints", "notices", "coordination", "admin_tasks"]


def test_it_collects_every_installed_area_in_installed_apps_order():
    assert [a.key for a in all_areas()] == AREA_APPS
    for a in all_areas():
        assert apps.get_app_config(a.key).name == a.key
        assert reverse(a.url_name) == "/" + a.url_prefix


def test_the_core_imports_no_area_app():
    area_import = re.compile(r"^\s*(from|import)\s+(" + "|".join(AREA_APPS) + r")\b", re.MULTILINE)
    core = Path(settings.BASE_DIR) / "frontdesk"
    offenders = [
        str(path.relative_to(core))
        for path in core.rglob("*.py")
        if "migrations" not in path.parts and area_import.search(path.read_text())
    ]
    assert offenders == []


def test_every_permission_an_area_gives_a_role_exists(db):
    # ensure_roles skips a name it cannot find: a typo would silently give nothing.
    for role, names in roles.role_permissions().items():
        granted = {
            f"{app}.{codename}"
            for app, codename in Group.objects.get(name=role).permissions.values_list(
                "content_type__app_label", "codename"
            )
        }
        assert set(names) == granted, role


def test_the_areas_permissions_reach_the_roles_groups(db):
    supervisor = Group.objects.get(name=roles.SUPERVISOR)
    codenames = set(supervisor.permissions.values_list("codename", flat=True))
    assert {"import_roster", "view_watchhit", "change_visit", "export_personal_data"} <= codenames


def test_the_areas_schedules_are_in_beats_tables(db):
    tasks = set(PeriodicTask.objects.values_list("task", flat=True))
    assert {s.task for s in all_schedules()} <= tasks
    assert "visitors.purge_personal_data" in tasks


def test_the_areas_personal_fields_are_masked():
    assert revealable.masker("residents.resident", "phone")("13912345678") == "139****5678"
    assert revealable.masker("visitors.visit", "id_number") is revealable.ID_NUMBER
    assert revealable.masker("visitors.visit", "visitor_name") is None
    assert set(revealable.fields_of("visitors.inquiry")) == {"asker_phone"}


def test_every_personal_field_is_a_field_of_its_model():
    for a in all_areas():
        for label, fields in a.personal_fields.items():
            model = apps.get_model(label)
            for name in fields:
                assert model._meta.get_field(name).get_internal_type() == "CharField"


def test_the_demo_seeders_come_from_the_areas():
    assert area_seeders() == [
        "residents.demo",
        "visitors.demo",
        "complaints.demo",
        "notices.demo",
    ]


def test_an_area_without_bench_cases_is_measured_by_its_landing(site_a):
    context = BenchContext(site=site_a, users={})
    [landing] = area_cases(area("admin_tasks"), context)
    assert (landing.name, landing.path) == ("admin_tasks landing", "/admin-tasks/")
    names = [c.name for c in area_cases(area("visitors"), context)]
    assert "visitors landing" not in names and len(names) > 5


def test_the_navigation_follows_the_areas_permissions(clerk, engineer):
    assert [a.key for a in areas_for_user(clerk)] == AREA_APPS
    assert [a.key for a in areas_for_user(engineer)] == ["complaints", "coordination"]
