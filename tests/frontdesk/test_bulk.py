"""copy_create writes what bulk_create writes, through COPY for a large batch."""

import uuid
from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from frontdesk.bulk import COPY_FROM, copy_create
from frontdesk.channels.models import Delivery
from notices.models import NoticeRecipient
from residents.models import House
from tests import factories

NOW = timezone.now()


def deliveries(site, user, n: int, tag: str) -> list[Delivery]:
    """``n`` messages with every kind of field set: text with quotes, tabs and new lines,
    JSON, a UUID, nulls, dates, foreign keys."""
    return [
        Delivery(
            site=site,
            channel=Delivery.Channel.SMS,
            audience=Delivery.Audience.RESIDENT,
            state=Delivery.State.PENDING,
            purpose=tag,
            urgent=i % 2 == 0,
            subject=f"停水通知 {i}",
            text='第一行\t"引号"\\反斜杠\n第二行',
            params={"title": "停水", "n": i, "nested": {"list": [1, "二", None]}},
            user=user if i % 3 == 0 else None,
            phone=f"138{i:08d}",
            recipient_name="张三丰",
            about_id=str(i),
            created_by=user,
            not_before=NOW + timedelta(minutes=i),
            claim=uuid.UUID(int=i + 1) if i % 5 == 0 else None,
            detail="",
        )
        for i in range(n)
    ]


def written(tag: str) -> list[dict]:
    rows = Delivery.objects.filter(purpose=tag).order_by("about_id").values()
    return [
        {k: v for k, v in row.items() if k not in ("id", "purpose", "created_at")} for row in rows
    ]


def test_a_large_batch_is_copied_and_reads_back_as_bulk_create_writes_it(site_a, clerk):
    copied = copy_create(deliveries(site_a, clerk, COPY_FROM, "copied"))
    inserted = Delivery.objects.bulk_create(deliveries(site_a, clerk, COPY_FROM, "inserted"))

    assert written("copied") == written("inserted")
    # The objects are what was saved: their ids, created_at set, marked as saved.
    by_id = Delivery.objects.in_bulk([d.pk for d in copied])
    assert len(by_id) == COPY_FROM
    for obj in copied:
        assert not obj._state.adding and obj._state.db == "default"
        assert by_id[obj.pk].created_at == obj.created_at
        assert by_id[obj.pk].params == obj.params
    # The sequence moved past the ids taken: the next insert gets a new one.
    later = Delivery.objects.bulk_create(deliveries(site_a, clerk, 1, "later"))[0]
    assert later.pk > max(d.pk for d in copied + inserted)


def test_a_large_batch_is_one_copy_not_inserts(site_a, clerk):
    objs = deliveries(site_a, clerk, COPY_FROM, "counted")
    with CaptureQueriesContext(connection) as queries:
        copy_create(objs)
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert "INSERT" not in sql and "nextval" in sql


def test_a_small_batch_is_the_orms_insert(site_a, clerk):
    objs = deliveries(site_a, clerk, COPY_FROM - 1, "small")
    with CaptureQueriesContext(connection) as queries:
        copy_create(objs)
    assert [q["sql"].split()[0] for q in queries.captured_queries] == ["INSERT"]
    assert all(d.pk for d in objs)
    assert copy_create([]) == []


def test_an_object_assigned_before_it_was_saved_gives_its_id(site_a, clerk):
    """NoticeRecipient.sms names a text: assigned first, copied after the text is saved."""
    notice = factories.make_notice(site_a, clerk)
    building = factories.make_house(site_a).building
    houses = House.objects.bulk_create(
        House(site=site_a, building=building, unit=1, floor=1, room=f"1{i:03d}")
        for i in range(COPY_FROM)
    )
    text = deliveries(site_a, clerk, 1, "text")[0]
    recipients = [NoticeRecipient(notice=notice, house=house) for house in houses]
    recipients[0].sms = text
    text.save()
    copy_create(recipients)
    assert NoticeRecipient.objects.get(pk=recipients[0].pk).sms_id == text.pk
    assert NoticeRecipient.objects.filter(notice=notice).count() == COPY_FROM
