"""The timeline is kept as written: the database refuses UPDATE and DELETE on its rows,
whoever sends them (admin, a shell, raw SQL). A row trigger, so that TRUNCATE (the test
database's flush) still empties it; notices are never deleted either: their events'
foreign keys (PROTECT, NO ACTION in the database) refuse it."""

from django.db import migrations

FUNCTION = """
CREATE FUNCTION notices_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% of % refused: the notice timeline is kept as written', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END;
$$;
"""

TRIGGER = """
CREATE TRIGGER notices_noticeevent_append_only BEFORE UPDATE OR DELETE ON notices_noticeevent
FOR EACH ROW EXECUTE FUNCTION notices_refuse_change();
"""


class Migration(migrations.Migration):
    dependencies = [("notices", "0002_default_types")]

    operations = [
        migrations.RunSQL(FUNCTION, "DROP FUNCTION notices_refuse_change();"),
        migrations.RunSQL(
            TRIGGER, "DROP TRIGGER notices_noticeevent_append_only ON notices_noticeevent;"
        ),
    ]
