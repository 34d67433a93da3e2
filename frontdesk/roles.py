"""Roles are Django groups; this module names them and says what each may do.

The group names are what supervisors see in admin, hence Chinese. Code refers to roles
only through these constants and through permissions, never through literal names.

``ensure_roles`` is run by the data migration that creates the groups and again after
every migrate (post_migrate), so an area only declares its permissions per role (its
``area.py``, ``Area.role_permissions``) and a database flush (as transactional tests do)
restores them.
"""

from django.apps import apps as global_apps

CLERK = "前台客服"
SUPERVISOR = "客服主管"
DEPARTMENT_STAFF = "部门员工"

ALL_ROLES = (CLERK, SUPERVISOR, DEPARTMENT_STAFF)

# The permission that opens the desk's own areas (records, reception, notices, admin
# tasks). Department staff work only with what the desk routes to them.
USE_DESK = "frontdesk.use_desk"
# Exports that carry whole phone and ID numbers instead of masked ones (each one logged).
FULL_EXPORT = "frontdesk.export_personal_data"

# The core's own permissions per role; each area adds its own (role_permissions()).
CORE_PERMISSIONS: dict[str, list[str]] = {
    CLERK: [USE_DESK],
    SUPERVISOR: [
        USE_DESK,
        "frontdesk.view_site",
        "frontdesk.change_site",
        "frontdesk.add_department",
        "frontdesk.change_department",
        "frontdesk.view_department",
        "frontdesk.add_user",
        "frontdesk.change_user",
        "frontdesk.view_user",
        "frontdesk.view_heartbeat",
        "django_celery_beat.view_periodictask",
        "django_celery_beat.change_periodictask",
        "django_celery_beat.view_intervalschedule",
        "django_celery_beat.add_intervalschedule",
        "django_celery_beat.view_crontabschedule",
        "django_celery_beat.add_crontabschedule",
        "frontdesk.view_personaldataaccess",
        # Working time: the company's holiday calendar (read; company administrators
        # keep it) and each site's working hours, which deadlines count.
        "frontdesk.view_calendarday",
        "frontdesk.view_workinghours",
        "frontdesk.change_workinghours",
        # Exports with whole phone and ID numbers (logged), from any area.
        FULL_EXPORT,
        # Login protection: read the login log, unlock by deleting an attempt row.
        "axes.view_accessattempt",
        "axes.delete_accessattempt",
        "axes.view_accesslog",
        "axes.view_accessfailurelog",
        # Channels: each site's group robots and SMS templates, and the delivery log
        # (read only; its resend writes new rows).
        "channels.view_robot",
        "channels.add_robot",
        "channels.change_robot",
        "channels.view_smstemplate",
        "channels.add_smstemplate",
        "channels.change_smstemplate",
        "channels.view_delivery",
    ],
    DEPARTMENT_STAFF: [],
}


def role_permissions() -> dict[str, list[str]]:
    """Every role's permissions: the core's, then each area's."""
    from frontdesk.areas import all_areas

    found = {role: list(names) for role, names in CORE_PERMISSIONS.items()}
    for area in all_areas():
        for role, names in area.role_permissions.items():
            found[role] += names
    return found


def ensure_roles(apps=global_apps) -> None:
    """Create the role groups and grant them their permissions; idempotent.

    Permissions of models not migrated yet are skipped; the post_migrate run at the end
    of the same migrate grants them. A role's group holds exactly the permissions listed
    here: roles are defined in code, not edited in admin.
    """
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, names in role_permissions().items():
        group, _ = Group.objects.get_or_create(name=role)
        wanted = [name.split(".", 1) for name in names]
        perms = Permission.objects.none()
        for app_label, codename in wanted:
            perms |= Permission.objects.filter(content_type__app_label=app_label, codename=codename)
        # Exactly these: a permission taken from a role in code is taken from the group too.
        group.permissions.set(perms)
