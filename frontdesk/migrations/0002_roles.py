"""Create the three roles as groups with their permissions.

Permissions are normally created after all migrations ran (post_migrate); they are
created here first so that the groups can be given them in the same migrate.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CLERK = "前台客服"
SUPERVISOR = "客服主管"
DEPARTMENT_STAFF = "部门员工"

# Later areas give each group their own permissions in their own migrations.
ROLE_PERMISSIONS = {
    CLERK: [("frontdesk", "use_desk")],
    SUPERVISOR: [
        ("frontdesk", "use_desk"),
        ("frontdesk", "view_site"),
        ("frontdesk", "change_site"),
        ("frontdesk", "add_department"),
        ("frontdesk", "change_department"),
        ("frontdesk", "view_department"),
        ("frontdesk", "add_user"),
        ("frontdesk", "change_user"),
        ("frontdesk", "view_user"),
        ("frontdesk", "view_heartbeat"),
        ("django_celery_beat", "view_periodictask"),
        ("django_celery_beat", "change_periodictask"),
        ("django_celery_beat", "view_intervalschedule"),
        ("django_celery_beat", "add_intervalschedule"),
        ("django_celery_beat", "view_crontabschedule"),
        ("django_celery_beat", "add_crontabschedule"),
    ],
    DEPARTMENT_STAFF: [],
}


def create_roles(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        for app_label, codename in perms:
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("frontdesk", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
