"""Every record request (查询登记) becomes an inquiry with its time, author, house,
resident, answer and referral (a migration of its own: PostgreSQL refuses to build the new
column's index in the same transaction as rows inserted under deferred constraints)."""

from django.db import migrations

# The request log said "in person" where reception says "walk-in".
CHANNELS = {"in_person": "walk_in", "phone": "phone"}
BATCH = 5000


def copy_record_requests(apps, schema_editor):
    RecordRequest = apps.get_model("residents", "RecordRequest")
    Inquiry = apps.get_model("visitors", "Inquiry")
    rows = RecordRequest.objects.order_by("id").values(
        "site_id", "house_id", "resident_id", "asker_kind", "asker_name", "channel",
        "question", "answer", "referred_to_id", "created_by_id", "created_at",
    )
    batch = []
    for row in rows.iterator(chunk_size=BATCH):
        row["channel"] = CHANNELS.get(row["channel"], "walk_in")
        batch.append(Inquiry(**row))
        if len(batch) == BATCH:
            Inquiry.objects.bulk_create(batch)
            batch = []
    Inquiry.objects.bulk_create(batch)


def copy_back(apps, schema_editor):
    # Going back keeps the inquiries that came from the request log as inquiries: they
    # cannot be told apart from those recorded at reception with a resident.
    pass


class Migration(migrations.Migration):
    dependencies = [
        ("residents", "0004_newest_bills_payments"),
        ("visitors", "0005_personal_fields"),
    ]

    operations = [migrations.RunPython(copy_record_requests, copy_back)]
