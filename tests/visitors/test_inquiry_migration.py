"""visitors 0004: the request log's records (residents.RecordRequest) become inquiries,
with their time, author, house, resident, answer and referral; residents 0005 drops them."""

from datetime import UTC, datetime

import pytest

from tests.migrating import latest, migrate

BEFORE = [("visitors", "0003_constraint_message"), ("residents", "0004_newest_bills_payments")]


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_record_requests_become_inquiries():
    old = migrate(BEFORE)
    try:
        site = old.get_model("frontdesk", "Site").objects.create(
            name="迁移小区", address="某路 1 号", service_phone="0571-88886601"
        )
        engineering = old.get_model("frontdesk", "Department").objects.create(
            site=site, name="工程部"
        )
        clerk = old.get_model("frontdesk", "User").objects.create(
            username="migration_clerk", full_name="王丽"
        )
        building = old.get_model("residents", "Building").objects.create(site=site, number=3)
        house = old.get_model("residents", "House").objects.create(
            site=site, building=building, unit=2, floor=12, room="1201"
        )
        resident = old.get_model("residents", "Resident").objects.create(site=site, name="张三丰")
        RecordRequest = old.get_model("residents", "RecordRequest")
        asked_at = datetime(2026, 11, 3, 2, 30, tzinfo=UTC)
        answered = RecordRequest.objects.create(
            site=site,
            house=house,
            resident=resident,
            asker_kind="resident",
            asker_name="张三丰",
            channel="in_person",
            question="物业费交到几月了？",
            answer="已交到本月。",
            created_by=clerk,
        )
        RecordRequest.objects.create(
            site=site,
            asker_kind="caller",
            channel="phone",
            question="楼上漏水",
            referred_to=engineering,
            created_by=clerk,
        )
        # auto_now_add: the original time is set after the insert, as it was recorded.
        RecordRequest.objects.filter(pk=answered.pk).update(created_at=asked_at)
    finally:
        new = migrate(latest())

    Inquiry = new.get_model("visitors", "Inquiry")
    rows = {
        i.question: i
        for i in Inquiry.objects.filter(site_id=site.pk).select_related("house", "resident")
    }
    assert set(rows) == {"物业费交到几月了？", "楼上漏水"}
    first = rows["物业费交到几月了？"]
    assert (first.house_id, first.resident_id, first.created_by_id) == (
        house.pk,
        resident.pk,
        clerk.pk,
    )
    assert (first.channel, first.asker_kind, first.asker_name) == ("walk_in", "resident", "张三丰")
    assert (first.answer, first.referred_to_id, first.created_at) == (
        "已交到本月。",
        None,
        asked_at,
    )
    second = rows["楼上漏水"]
    assert (second.channel, second.asker_kind, second.referred_to_id) == (
        "phone",
        "caller",
        engineering.pk,
    )
    assert second.referral_done_at is None  # waiting for the department, as before
    assert not any(
        model._meta.model_name == "recordrequest"
        for model in new.get_app_config("residents").get_models()
    )
