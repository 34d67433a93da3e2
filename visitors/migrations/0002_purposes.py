from django.db import migrations

# The purposes a register starts with; supervisors rename, add or retire them in admin.
DEFAULT_PURPOSES = ["走亲访友", "快递外卖", "装修施工", "看房", "维修服务", "政府/社区工作", "其他"]


def create_purposes(apps, schema_editor):
    VisitPurpose = apps.get_model("visitors", "VisitPurpose")
    for index, name in enumerate(DEFAULT_PURPOSES):
        VisitPurpose.objects.get_or_create(name=name, defaults={"sort_order": index * 10})


class Migration(migrations.Migration):
    dependencies = [("visitors", "0001_initial")]

    operations = [migrations.RunPython(create_purposes, migrations.RunPython.noop)]
