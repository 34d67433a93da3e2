"""Query expressions the ORM lacks."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import BooleanField, F, Func


class AnyOf(Func):
    """``column = ANY(%s)``, the ids one array parameter: IN with hundreds or thousands of
    parameters costs milliseconds of preparing, quoting and planning each of them, for
    the same plan.

    The ids are handed to the driver as the array's text (``{1,2,3}``), cast by the
    server: an ``ArrayField`` value prepares each element through the field on every
    compile (12 ms for 5,000 ids), and a Python list has the driver check and quote each
    element (~1.5 ms for the reach panel's 1,500 ids); the text is one join of numbers."""

    output_field = BooleanField()

    def __init__(self, column, ids: list[int]):
        super().__init__(column)
        self.ids = ids

    def as_sql(self, compiler, connection, **extra):
        column, params = compiler.compile(self.get_source_expressions()[0])
        # Numbers only (any_of makes them ints): nothing in the text needs quoting.
        array = "{" + ",".join(map(str, self.ids)) + "}"
        return f"{column} = ANY(%s::bigint[])", (*params, array)


def any_of(field: str, ids: Iterable[int]) -> AnyOf:
    """A filter: ``field`` is one of ``ids`` (``.filter(any_of("pk", ids))``)."""
    # int(): what reaches the driver is a list of numbers, whatever the caller passed.
    return AnyOf(F(field), [int(pk) for pk in ids])
