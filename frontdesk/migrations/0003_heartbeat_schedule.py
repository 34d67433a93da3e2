"""Schedule the worker heartbeat in django-celery-beat's tables, where supervisors can
see and change it in admin (frontdesk.schedules)."""

from django.db import migrations


def schedule(apps, schema_editor):
    from frontdesk.schedules import ensure_schedules

    ensure_schedules(apps)


def unschedule(apps, schema_editor):
    from frontdesk.schedules import all_schedules

    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        task__in=[s.task for s in all_schedules()]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("frontdesk", "0002_roles"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
