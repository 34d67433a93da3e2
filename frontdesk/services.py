from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta

from axes.models import AccessFailureLog, AccessLog
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from frontdesk.models import (
    CompanySettings,
    Department,
    Heartbeat,
    PersonalDataAccess,
    Site,
    User,
)
from frontdesk.selectors import HEARTBEAT_NAME

# The departments a new site starts with; supervisors rename, add or retire them in admin.
DEFAULT_DEPARTMENTS = [
    ("客服部", Department.Kind.CUSTOMER_SERVICE),
    ("工程部", Department.Kind.ENGINEERING),
    ("秩序部", Department.Kind.SECURITY),
    ("环境部", Department.Kind.ENVIRONMENT),
    ("财务部", Department.Kind.FINANCE),
]


def heartbeat_record(*, hostname: str) -> Heartbeat:
    beat, _ = Heartbeat.objects.update_or_create(
        name=HEARTBEAT_NAME, defaults={"beat_at": timezone.now(), "hostname": hostname[:200]}
    )
    return beat


@transaction.atomic
def site_create(*, name: str, address: str, service_phone: str) -> Site:
    site = Site.objects.create(name=name, address=address, service_phone=service_phone)
    departments_create_defaults(site=site)
    return site


def departments_create_defaults(*, site: Site) -> list[Department]:
    existing = set(site.departments.values_list("name", flat=True))
    return Department.objects.bulk_create(
        Department(site=site, name=name, kind=kind, sort_order=index)
        for index, (name, kind) in enumerate(DEFAULT_DEPARTMENTS)
        if name not in existing
    )


@transaction.atomic
def staff_set_role(*, user: User, role: str) -> None:
    """Make ``role`` (a group name from frontdesk.roles) the user's only role."""
    from frontdesk import roles

    if role not in roles.ALL_ROLES:
        raise ValueError(f"unknown role {role!r}")
    role_groups = Group.objects.filter(name__in=roles.ALL_ROLES)
    user.groups.remove(*role_groups.exclude(name=role))
    user.groups.add(role_groups.get(name=role))
    # Supervisors configure the desk in Django admin.
    is_staff = role == roles.SUPERVISOR or user.is_superuser
    if user.is_staff != is_staff:
        user.is_staff = is_staff
        user.save(update_fields=["is_staff"])


@transaction.atomic
def user_sessions_end(*, user: User) -> None:
    """End every session of ``user`` (a member of staff leaving, a PC left logged in).

    Raising the user's session generation changes the hash each of their sessions is
    checked against, so each ends at its next request, whatever its key: one UPDATE,
    where finding the sessions themselves would mean decoding every stored session.
    The open entries of the login log are closed now, as a logout would.
    """
    User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
    user.refresh_from_db(fields=["session_generation"])
    AccessLog.objects.filter(username=user.get_username(), logout_time__isnull=True).update(
        logout_time=timezone.now()
    )


def personal_data_access_log(
    *,
    user: User,
    site: Site,
    obj,
    field: str,
    action: str = PersonalDataAccess.Action.REVEAL,
    ip_address: str | None = None,
    description: str = "",
) -> PersonalDataAccess:
    return PersonalDataAccess.objects.create(
        user=user,
        site=site,
        action=action,
        model=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        field=field,
        description=description[:200] or (str(obj)[:200] if obj is not None else ""),
        ip_address=ip_address,
    )


def export_formats(
    *,
    site: Site,
    user: User,
    full: bool,
    maskers: Mapping[str, Callable[[str], str]],
    description: str,
    ip_address: str | None = None,
) -> dict[str, Callable[[str], str]]:
    """How an export writes each personal field: masked, or whole for a user who asks
    (``full``) and holds the full-export permission, which is logged once per file.

    A user asking without the permission gets the masked file rather than a refusal: the
    export is still what they need, and nothing in it is more than they may see anyway.
    """
    from frontdesk.roles import FULL_EXPORT

    if not full or not user.has_perm(FULL_EXPORT):
        return dict(maskers)
    personal_data_access_log(
        user=user,
        site=site,
        obj=None,
        field=",".join(maskers),
        action=PersonalDataAccess.Action.EXPORT,
        ip_address=ip_address,
        description=description,
    )
    return dict.fromkeys(maskers, str)


# Log entries deleted per statement: each batch its own short transaction, so a first run
# over years of logs never holds the tables for long.
LOG_BATCH = 5000


def login_logs_purge(*, now: datetime | None = None) -> int:
    """Delete login, logout and failure log entries older than the company's period
    (CompanySettings.login_log_days); returns how many. The lock-out state (axes'
    AccessAttempt) is not a log and is left alone. Safe to run at any time."""
    cutoff = (now or timezone.now()) - timedelta(days=CompanySettings.current().login_log_days)
    deleted = 0
    for model in (AccessLog, AccessFailureLog):
        while True:
            ids = list(
                model.objects.filter(attempt_time__lt=cutoff).values_list("pk", flat=True)[
                    :LOG_BATCH
                ]
            )
            if not ids:
                break
            deleted += model.objects.filter(pk__in=ids).delete()[0]
    return deleted
