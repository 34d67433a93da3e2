"""The timeline is kept as written: the database refuses to change or delete its rows (and
its photos and call-back attempts), however asked; cases are never deleted."""

import pytest
from django.core.management.color import no_style
from django.db import IntegrityError, connection, transaction
from django.db.models.deletion import ProtectedError

from complaints.models import (
    CallbackAttempt,
    Case,
    CaseCounter,
    CaseEvent,
    CasePhoto,
)
from complaints.services import callbacks, handling
from frontdesk.models import ImmutableRecord
from tests import factories
from tests.complaints.conftest import photo


@pytest.fixture
def case(site_a, clerk, engineer, house_a, media):
    case = factories.make_case(site_a, clerk, house=house_a, photos=[photo()])
    handling.case_accept(site=site_a, user=engineer, case=case)
    handling.case_resolve(site=site_a, user=engineer, case=case, note="已修复")
    callbacks.case_callback(site=site_a, user=clerk, case=case, reached=False)
    return case


def refused(sql: str, params=()) -> str:
    """Run ``sql`` in a savepoint; the database's refusal, which must come."""
    with pytest.raises(IntegrityError) as error, transaction.atomic(), connection.cursor() as c:
        c.execute(sql, params)
    return str(error.value)


@pytest.mark.parametrize("table", ["caseevent", "casephoto", "callbackattempt"])
def test_raw_sql_cannot_change_or_delete_a_row(case, table):
    name = f"complaints_{table}"
    assert "kept as written" in refused(f"UPDATE {name} SET id = id")
    assert "DELETE" in refused(f"DELETE FROM {name}")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {name}")
        assert cursor.fetchone()[0] > 0


def test_a_queryset_cannot_update_or_delete_the_timeline(case):
    events = CaseEvent.objects.filter(case=case)
    count = events.count()
    with pytest.raises(IntegrityError), transaction.atomic():
        events.update(note="改写")
    # What admin's "delete selected" does: the collector's DELETE.
    with pytest.raises(IntegrityError), transaction.atomic():
        events.delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        CasePhoto.objects.filter(case=case).delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        CallbackAttempt.objects.filter(case=case).update(reached=True)
    assert events.count() == count
    assert not events.filter(note="改写").exists()


def test_a_row_refuses_a_second_save_and_a_delete(case):
    event = CaseEvent.objects.filter(case=case).first()
    event.note = "改写"
    with pytest.raises(ImmutableRecord):
        event.save()
    with pytest.raises(ImmutableRecord):
        event.delete()
    with pytest.raises(ImmutableRecord):
        CasePhoto.objects.get(case=case).delete()
    # Given an existing id, a new row is an INSERT that collides, never an UPDATE.
    copy = CaseEvent(pk=event.pk, case=case, kind="note", note="伪造")
    with pytest.raises(IntegrityError), transaction.atomic():
        copy.save()
    assert CaseEvent.objects.get(pk=event.pk).note != "伪造"


def test_a_case_cannot_be_deleted(case):
    with pytest.raises(ProtectedError):
        Case.objects.get(pk=case.pk).delete()
    # Nor past Django: the events' foreign key refuses it (checked at once here, as it
    # would be at commit).
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("DELETE FROM complaints_case WHERE id = %s", [case.pk])
    assert Case.objects.filter(pk=case.pk).exists()


def test_the_test_databases_flush_still_empties_the_tables(case):
    """Flushing (TRUNCATE, as transactional tests do between tests) fires no row trigger.

    (The transactional tests of test_case_create flush cases and events for real.)"""
    tables = [
        model._meta.db_table for model in (CaseEvent, CasePhoto, CallbackAttempt, Case, CaseCounter)
    ] + [Case.linked.through._meta.db_table]
    with transaction.atomic():
        with connection.cursor() as cursor:
            # The rows this test wrote still have their foreign keys to check (deferred to
            # commit), which TRUNCATE will not run over; a flush comes after a commit.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for sql in connection.ops.sql_flush(no_style(), tables, allow_cascade=True):
                cursor.execute(sql)
        assert not CaseEvent.objects.exists() and not Case.objects.exists()
        transaction.set_rollback(True)
    assert CaseEvent.objects.filter(case=case).exists()
