"""Fast loading: COPY rows with ids reserved up front (demo and benchmark data, the
lookup's search keys, and ``copy_create`` for the services' large writes).

Ids are taken from each table's own sequence in one block, so rows can refer to each
other before they are written and the sequences stay right for later inserts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connection, models


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """Take ``count`` ids from the model's sequence (safe beside concurrent inserts)."""
    if count <= 0:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [model._meta.db_table, count],
        )
        return [row[0] for row in cursor.fetchall()]


def copy_rows(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    """COPY rows (tuples in the order of ``columns``, database column names) into the table."""
    table = connection.ops.quote_name(model._meta.db_table)
    cols = ", ".join(connection.ops.quote_name(c) for c in columns)
    written = 0
    with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            written += 1
    return written


# Below this many rows the ORM's INSERT is as quick, and takes one round trip, not two.
COPY_FROM = 500


def copy_create[M: models.Model](objs: Sequence[M], batch_size: int | None = None) -> Sequence[M]:
    """``Model.objects.bulk_create(objs)``, through COPY for a large batch.

    What bulk_create does, the same way: each field's value as it would save it
    (``pre_save``, so ``auto_now_add`` is set on the object, then ``get_db_prep_save``),
    ids given to the objects (reserved from the sequence first), the objects marked as
    saved; no signals, as with bulk_create. The difference is the transport: bulk_create
    on PostgreSQL sends each column as one array literal quoted in Python and compiles
    the statement per batch, which for 9,000 messages cost more than PostgreSQL's work;
    COPY streams the rows. Below ``COPY_FROM`` rows, bulk_create itself."""
    if len(objs) < COPY_FROM:
        return type(objs[0]).objects.bulk_create(objs, batch_size=batch_size) if objs else objs
    model = type(objs[0])
    fields = model._meta.concrete_fields
    ids = iter(reserve_ids(model, sum(1 for obj in objs if obj.pk is None)))
    for obj in objs:
        # As bulk_create: a related object saved since it was assigned gives its id.
        obj._prepare_related_fields_for_save(operation_name="bulk_create")
        if obj.pk is None:
            obj.pk = next(ids)
    rows = (
        [field.get_db_prep_save(field.pre_save(obj, True), connection) for field in fields]
        for obj in objs
    )
    copy_rows(model, [field.column for field in fields], rows)
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias
    return objs
