"""The areas of the desk, each declared by its own app, collected here.

An area app has one module, ``<app>/area.py``, holding ``AREA = Area(...)``: its entry in
the navigation and on today's desk, the permissions it gives each role, its periodic
tasks, what it puts on today's desk and on "waiting on me", its personal-data fields, its
demo and company-scale seeding, and its benchmark cases. The core reads the declarations
of the installed apps (in ``INSTALLED_APPS`` order) and never imports an area app by name:
adding an area is its own folder plus a line in ``INSTALLED_APPS``.

Functions are named by dotted path ("visitors.selectors.desk.desk_items") and imported
when first called, so that declaring an area imports nothing but this module.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import import_module

from django.apps import apps
from django.utils.functional import Promise
from django.utils.module_loading import import_string, module_has_submodule


@dataclass(frozen=True)
class Schedule:
    """A periodic task kept in django-celery-beat's tables (frontdesk.schedules)."""

    name: str
    task: str
    every_seconds: int


@dataclass(frozen=True)
class DeskItem:
    """A count on today's desk or on "waiting on me", linking to where it is dealt with."""

    label: Promise | str
    # None: a notice with nothing to count (next year's holidays are not entered yet).
    count: int | None
    url: str
    # Bootstrap colour: "warning" for what is late, "primary" for the day's work.
    level: str = "primary"


@dataclass(frozen=True)
class Panel:
    """A section an area adds to another area's page about one record (a house's page
    lists that house's inquiries): a template included there with ``panel`` = context."""

    template: str
    context: Mapping = field(default_factory=dict)


@dataclass(frozen=True)
class MessagePurpose:
    """Something an area sends messages about (a parcel waiting, an outage notice), with
    the parameters its SMS template is filled with (frontdesk.channels)."""

    label: Promise | str
    # Names the area fills in ``Message.params``; a supervisor maps them to {1}, {2} …
    params: Sequence[str] = ()


@dataclass(frozen=True)
class Area:
    key: str
    label: Promise
    url_name: str
    icon: str
    description: Promise
    # None: every member of staff (department staff receive complaints and requests).
    permission: str | None
    # Where the area's URLconf (``<app>.urls``) is mounted, e.g. "admin-tasks/".
    url_prefix: str
    # False while the area is only its landing page: the desk says it is coming.
    built: bool = True
    # Role name (frontdesk.roles) → permissions "app_label.codename" the role is given.
    role_permissions: Mapping[str, Sequence[str]] = field(default_factory=dict)
    schedules: Sequence[Schedule] = ()
    # (site, user) -> list[DeskItem]: counts for today's desk, asked for every user of the
    # site whatever the area's permission (department staff see what was referred to them).
    desk_items: str | None = None
    # (site, user) -> list[DeskItem]: what waits on this very user (or their department)
    # to act on it; My work and the header count read these.
    waiting_on: str | None = None
    # Model label ("visitors.visit") → {field: masker}: the fields screens mask and the
    # reveal view and admin log (frontdesk.revealable).
    personal_fields: Mapping[str, Mapping[str, Callable[[str], str]]] = field(default_factory=dict)
    # Model label ("residents.house") → (site, user, obj) -> list[Panel]: what this area
    # shows on another area's page about such a record, without that area importing it.
    panels: Mapping[str, str] = field(default_factory=dict)
    # Public pages (no login) the area serves at the site's root, as the contract names
    # them: URL prefix ("s/") → URLconf module ("complaints.urls.public").
    public_urls: Mapping[str, str] = field(default_factory=dict)
    # Key ("parcel_waiting") → MessagePurpose: what the area sends through the channels;
    # the SMS templates in admin are recorded per purpose.
    message_purposes: Mapping[str, MessagePurpose] = field(default_factory=dict)
    # A module with seed_demo(context) and, optionally, seed_bench(context) (seed_demo).
    demo: str | None = None
    # (BenchContext) -> list[Case]: the area's pages in the benchmark. Without it the
    # benchmark measures the area's landing page.
    bench_cases: str | None = None
    # A URLconf mounted under /__bench__/<key>/ by the benchmark alone (references such as
    # Django admin's stock search), never on the real site.
    bench_urls: str | None = None


AREA_MODULE = "area"


@cache
def all_areas() -> tuple[Area, ...]:
    """Every installed app's declared area, in INSTALLED_APPS order."""
    found = []
    for config in apps.get_app_configs():
        if module_has_submodule(config.module, AREA_MODULE):
            found.append(import_module(f"{config.name}.{AREA_MODULE}").AREA)
    return tuple(found)


def area(key: str) -> Area:
    return next(a for a in all_areas() if a.key == key)


def call(path: str, *args):
    return import_string(path)(*args)
