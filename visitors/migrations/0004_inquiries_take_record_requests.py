"""查询登记 (residents.RecordRequest) and 咨询 (visitors.Inquiry) become one record: the
inquiry gains the resident and who asked; 0006 copies the record requests into it, and
residents 0005 then drops the old table."""

import django.db.models.deletion
from django.db import migrations, models

class Migration(migrations.Migration):
    dependencies = [
        ("residents", "0004_newest_bills_payments"),
        ("visitors", "0003_constraint_message"),
    ]

    operations = [
        migrations.AddField(
            model_name="inquiry",
            name="asker_kind",
            field=models.CharField(
                blank=True,
                default="",
                db_default="",
                choices=[("resident", "Resident"), ("caller", "Caller"), ("visitor", "Visitor")],
                max_length=10,
                verbose_name="asked by",
            ),
        ),
        migrations.AddField(
            model_name="inquiry",
            name="resident",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="inquiries",
                to="residents.resident",
                verbose_name="resident",
            ),
        ),
    ]
