"""The timeline is kept as written: the database refuses to change or delete its rows,
however asked; notices are never deleted."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models.deletion import ProtectedError

from frontdesk.models import ImmutableRecord
from notices.models import Notice, NoticeEvent
from notices.services import workflow


def refused(sql: str) -> str:
    with pytest.raises(IntegrityError) as error, transaction.atomic(), connection.cursor() as c:
        c.execute(sql)
    return str(error.value)


def test_raw_sql_cannot_change_or_delete_an_entry(site_a, clerk, draft):
    workflow.notice_submit(site=site_a, user=clerk, notice=draft)
    assert "kept as written" in refused("UPDATE notices_noticeevent SET note = 'x'")
    assert "DELETE" in refused("DELETE FROM notices_noticeevent")
    assert NoticeEvent.objects.filter(notice=draft).count() == 2


def test_the_model_refuses_a_second_save_and_a_delete(draft):
    event = NoticeEvent.objects.get(notice=draft)
    event.note = "改写"
    with pytest.raises(ImmutableRecord):
        event.save()
    with pytest.raises(ImmutableRecord):
        event.delete()


def test_a_queryset_cannot_update_or_delete_the_timeline(draft):
    with pytest.raises(IntegrityError), transaction.atomic():
        NoticeEvent.objects.filter(notice=draft).update(note="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        NoticeEvent.objects.filter(notice=draft).delete()


def test_a_notice_with_a_timeline_cannot_be_deleted(draft):
    with pytest.raises(ProtectedError):
        Notice.objects.filter(pk=draft.pk).delete()
