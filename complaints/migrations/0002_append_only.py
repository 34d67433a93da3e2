"""The timeline (and its photos and call-back attempts) is kept as written: the database
refuses UPDATE and DELETE on their rows, whoever sends them (admin, a shell, raw SQL).

A row trigger, so that TRUNCATE (which only the tables' owner may run, and which the
test database's flush uses) still empties them; cases are never deleted either: their
events' foreign keys (PROTECT, NO ACTION in the database) refuse it.
"""

from django.db import migrations

TABLES = ["complaints_caseevent", "complaints_casephoto", "complaints_callbackattempt"]

FUNCTION = """
CREATE FUNCTION complaints_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% of % refused: the case timeline is kept as written', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END;
$$;
"""

TRIGGER = """
CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
FOR EACH ROW EXECUTE FUNCTION complaints_refuse_change();
"""


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial")]

    operations = [
        migrations.RunSQL(FUNCTION, "DROP FUNCTION complaints_refuse_change();"),
        *[
            migrations.RunSQL(
                TRIGGER.format(table=table), f"DROP TRIGGER {table}_append_only ON {table};"
            )
            for table in TABLES
        ],
    ]
