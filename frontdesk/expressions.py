"""Query expressions the ORM lacks."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.postgres.fields import ArrayField
from django.db.models import BigIntegerField, BooleanField, F, Func, Value


class AnyOf(Func):
    """``column = ANY(%s)``, the ids one array parameter: IN with hundreds or thousands of
    parameters costs milliseconds of preparing, quoting and planning each of them, for
    the same plan."""

    output_field = BooleanField()

    def as_sql(self, compiler, connection, **extra):
        column, ids = (compiler.compile(e) for e in self.get_source_expressions())
        return f"{column[0]} = ANY({ids[0]})", (*column[1], *ids[1])


def any_of(field: str, ids: Iterable[int]) -> AnyOf:
    """A filter: ``field`` is one of ``ids`` (``.filter(any_of("pk", ids))``)."""
    return AnyOf(F(field), Value(list(ids), output_field=ArrayField(BigIntegerField())))
