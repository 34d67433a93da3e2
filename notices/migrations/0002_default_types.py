"""Every existing site gets the default notice types (a site created later gets them from
notices.signals). The list is written out here, as it stood: a migration must not change
when the code's defaults do."""

from django.db import migrations

DEFAULT_TYPES = [
    ("缴费通知", False),
    ("停水停电", True),
    ("维修安排", False),
    ("社区活动", False),
    ("温馨提示", False),
    ("紧急通知", True),
]


def create_defaults(apps, schema_editor):
    Site = apps.get_model("frontdesk", "Site")
    NoticeType = apps.get_model("notices", "NoticeType")
    NoticeType.objects.bulk_create(
        [
            NoticeType(site=site, name=name, sms=sms, sort_order=index)
            for site in Site.objects.all()
            for index, (name, sms) in enumerate(DEFAULT_TYPES)
        ],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [("notices", "0001_initial")]

    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
