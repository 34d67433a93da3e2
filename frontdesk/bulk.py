"""Fast loading for demo and benchmark data: COPY rows with ids reserved up front.

Ids are taken from each table's own sequence in one block, so rows can refer to each
other before they are written and the sequences stay right for later inserts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connection, models


def reserve_ids(model: type[models.Model], count: int) -> range:
    """Reserve ``count`` consecutive ids of the model's sequence."""
    if count <= 0:
        return range(0)
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence(%s, 'id'),"
            " nextval(pg_get_serial_sequence(%s, 'id')) + %s - 1)",
            [table, table, count],
        )
        last = cursor.fetchone()[0]
    return range(last - count + 1, last + 1)


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
