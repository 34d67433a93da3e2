"""The reads every logged-in page makes before its own work, as plain SQL made once.

Each request reads its session by key and its user by id, and every page with the header
counts the user's unread messages. The ORM builds a query's SQL anew each time, and for
these one-row reads by an indexed key that costs more than PostgreSQL's answer: at company
scale, on the bench machine, the user 0.9 → 0.3 ms, the session 0.6 → 0.3 ms, the unread
count 1.0 → 0.4 ms, on every page (``docs/performance.md``). The SQL is made from the
models' own table and column names, once per process: a field added to a model is read
with the rest, and the rows are model instances as the ORM would have made them.

``SESSION_ENGINE = "frontdesk.hotpath"`` (this module's ``SessionStore``) and the
``ModelBackend`` below in ``AUTHENTICATION_BACKENDS`` put them in place.
"""

from functools import cache

from django.contrib.auth import backends, get_user_model
from django.contrib.sessions.backends import db
from django.db import connections, router
from django.db.models import Model
from django.utils import timezone


@cache
def _select(model: type[Model], alias: str, where: str) -> tuple[str, list[str]]:
    """``SELECT <every concrete column> FROM <table> WHERE <where>`` for ``model``, and the
    attribute names the row's values go to, in order. ``where`` names columns as written."""
    quote = connections[alias].ops.quote_name
    fields = model._meta.concrete_fields
    columns = ", ".join(quote(field.column) for field in fields)
    sql = f"SELECT {columns} FROM {quote(model._meta.db_table)} WHERE {where}"
    return sql, [field.attname for field in fields]


def fetch_instance(model: type[Model], where: str, params: list) -> Model | None:
    """The one row of ``model`` matching ``where`` (a condition on a unique key), as the
    instance ``Model.from_db`` makes of it; None when there is none."""
    alias = router.db_for_read(model)
    sql, names = _select(model, alias, where)
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return None if row is None else model.from_db(alias, names, row)


def fetch_value(sql: str, params: list, model: type[Model]):
    """The first column of the first row of ``sql``, read where ``model`` is read."""
    with connections[router.db_for_read(model)].cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return None if row is None else row[0]


class SessionStore(db.SessionStore):
    """Django's database sessions, their one read on every request written out."""

    def _get_session_from_db(self):
        # The key was checked when it was set (an ill-formed one is None, never read).
        found = fetch_instance(
            self.model,
            '"session_key" = %s AND "expire_date" > %s',
            [self.session_key, timezone.now()],
        )
        if found is None:
            self._session_key = None
        return found


class ModelBackend(backends.ModelBackend):
    """Django's own backend (logins, permissions), the user of each request read by id
    through ``fetch_instance``; an inactive user is no one, as with Django's."""

    def get_user(self, user_id):
        model = get_user_model()
        user = fetch_instance(model, f'"{model._meta.pk.column}" = %s', [user_id])
        return user if user is not None and self.user_can_authenticate(user) else None
