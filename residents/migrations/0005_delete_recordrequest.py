"""The request log's records now live in visitors.Inquiry (visitors 0006 copied them)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("residents", "0004_newest_bills_payments"),
        ("visitors", "0006_copy_record_requests"),
    ]

    operations = [
        migrations.DeleteModel(name="RecordRequest"),
    ]
