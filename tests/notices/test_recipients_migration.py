"""notices 0006: a texted notice published before every household had its recipient row
gets one for each house of its audience, without a text, so the reach panel still lists
them as not reached; a notice not texted, or not published, gets none."""

import uuid
from datetime import date

import pytest
from django.utils import timezone

from tests.migrating import latest, migrate

BEFORE = [("notices", "0005_recipients")]


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_published_texted_notices_get_a_row_for_every_house():
    old = migrate(BEFORE)
    try:
        site = old.get_model("frontdesk", "Site").objects.create(
            name="迁移小区", address="某路 1 号", service_phone="0571-88886601"
        )
        clerk = old.get_model("frontdesk", "User").objects.create(username="migration-clerk")
        Building = old.get_model("residents", "Building")
        House = old.get_model("residents", "House")
        one, two = (Building.objects.create(site=site, number=n) for n in (1, 2))
        houses = {
            (b.number, unit, room): House.objects.create(
                site=site, building=b, unit=unit, floor=1, room=room
            )
            for b, unit, room in [(one, 1, "101"), (one, 2, "102"), (two, 1, "101")]
        }
        NoticeType = old.get_model("notices", "NoticeType")
        outage = NoticeType.objects.create(site=site, name="迁移停水", sms=True)
        event = NoticeType.objects.create(site=site, name="迁移活动", sms=False)
        Notice = old.get_model("notices", "Notice")
        now = timezone.now()

        def notice(audience, type=outage, published=True, urgent=False):
            series = uuid.uuid4()
            return Notice.objects.create(
                site=site,
                type=type,
                title="通知",
                body="正文",
                issuer="物业服务中心",
                urgent=urgent,
                state="published" if published else "draft",
                audience=audience,
                effective_from=date(2026, 12, 1),
                expires_on=date(2026, 12, 3),
                token=uuid.uuid4().hex,
                series=series,
                created_by=clerk,
                updated_by=clerk,
                published_by=clerk if published else None,
                published_at=now if published else None,
            )

        whole = notice("site")
        texted_one = houses[(1, 1, "101")]
        delivery = old.get_model("channels", "Delivery").objects.create(
            site=site,
            channel="sms",
            audience="resident",
            state="sent",
            purpose="notice",
            subject="通知",
            text="通知",
            phone="13800000101",
            not_before=now,
        )
        Recipient = old.get_model("notices", "NoticeRecipient")
        Recipient.objects.create(notice=whole, house=texted_one, sms=delivery)
        by_building = notice("buildings")
        by_building.buildings.add(two)
        by_entrance = notice("entrances")
        old.get_model("notices", "NoticeEntrance").objects.create(
            notice=by_entrance, building=one, unit=2
        )
        by_house = notice("houses", urgent=True, type=event)
        by_house.houses.add(houses[(2, 1, "101")])
        not_texted = notice("site", type=event)
        draft = notice("site", published=False)
    finally:
        new = migrate(latest())

    Recipient = new.get_model("notices", "NoticeRecipient")

    def rows(n):
        return {
            (r.house.building.number, r.house.unit, r.house.room): r.sms_id
            for r in Recipient.objects.filter(notice_id=n.pk).select_related("house__building")
        }

    assert rows(whole) == {(1, 1, "101"): delivery.pk, (1, 2, "102"): None, (2, 1, "101"): None}
    assert rows(by_building) == {(2, 1, "101"): None}
    assert rows(by_entrance) == {(1, 2, "102"): None}
    assert rows(by_house) == {(2, 1, "101"): None}  # urgent: texted whatever its type
    assert rows(not_texted) == {}
    assert rows(draft) == {}
