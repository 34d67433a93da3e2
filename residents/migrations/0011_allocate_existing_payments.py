"""Allocate the payments recorded before allocations existed (residents.allocation's rule).

Bills' paid figures may already count these payments (finance's 已收金额, and the demo
data, which marked the months it paid) or not (a payments file without bills paid nothing
until now). So the payments are replayed against the bills' amounts, not against what
looks open: first each payment that names its bill pays it, in the order paid, up to the
bill's amount; then every payment's rest pays the house's bills oldest first (by period,
then id), in the order paid. A bill then counts as paid the larger of its figure and what
the replay allocated to it (never their sum: no receipt counted twice), and what a payment
could not place is its credit. All in SQL: company scale holds a million payments.
"""

from django.db import migrations

BILL_LINKED = """
INSERT INTO residents_paymentallocation (site_id, payment_id, bill_id, amount, created_at)
SELECT site_id, id, bill_id, share, now()
FROM (
    SELECT p.site_id, p.id, p.bill_id,
           LEAST(p.amount, GREATEST(b.amount - (SUM(p.amount) OVER w - p.amount), 0)) AS share
    FROM residents_payment p
    JOIN residents_bill b ON b.id = p.bill_id AND b.house_id = p.house_id
    WINDOW w AS (PARTITION BY p.bill_id ORDER BY p.paid_on, p.id)
) linked
WHERE share > 0
"""

# Each house's money and bills laid end to end in order: a payment pays the stretch of
# bills its stretch of money overlaps.
OLDEST_FIRST = """
WITH placed AS (
    SELECT payment_id, SUM(amount) AS amount
    FROM residents_paymentallocation GROUP BY payment_id
), money AS (
    SELECT p.id, p.site_id, p.house_id, p.paid_on, p.amount - COALESCE(placed.amount, 0) AS rest
    FROM residents_payment p LEFT JOIN placed ON placed.payment_id = p.id
    WHERE p.amount > COALESCE(placed.amount, 0)
), paid AS (
    SELECT bill_id, SUM(amount) AS amount
    FROM residents_paymentallocation GROUP BY bill_id
), room AS (
    SELECT b.id, b.house_id, b.period, b.amount - COALESCE(paid.amount, 0) AS free
    FROM residents_bill b LEFT JOIN paid ON paid.bill_id = b.id
    WHERE b.amount > COALESCE(paid.amount, 0)
      AND b.house_id IN (SELECT house_id FROM money)
), m AS (
    SELECT *, SUM(rest) OVER (PARTITION BY house_id ORDER BY paid_on, id) AS upto FROM money
), r AS (
    SELECT *, SUM(free) OVER (PARTITION BY house_id ORDER BY period, id) AS upto FROM room
)
INSERT INTO residents_paymentallocation (site_id, payment_id, bill_id, amount, created_at)
SELECT m.site_id, m.id, r.id,
       LEAST(m.upto, r.upto) - GREATEST(m.upto - m.rest, r.upto - r.free), now()
FROM m JOIN r ON r.house_id = m.house_id
             AND r.upto - r.free < m.upto AND m.upto - m.rest < r.upto
"""

BILLS = """
UPDATE residents_bill b
SET paid_amount = LEAST(b.amount, GREATEST(b.paid_amount, a.amount))
FROM (SELECT bill_id, SUM(amount) AS amount FROM residents_paymentallocation GROUP BY bill_id) a
WHERE a.bill_id = b.id AND b.paid_amount < LEAST(b.amount, GREATEST(b.paid_amount, a.amount))
"""

# Every payment's unallocated is 0 here (the column's default): set it where money is left.
PARTLY_PLACED = """
UPDATE residents_payment p
SET unallocated = p.amount - a.amount
FROM (SELECT payment_id, SUM(amount) AS amount FROM residents_paymentallocation GROUP BY payment_id) a
WHERE a.payment_id = p.id AND p.amount > a.amount
"""

NOT_PLACED = """
UPDATE residents_payment p
SET unallocated = p.amount
WHERE p.amount > 0
  AND NOT EXISTS (SELECT 1 FROM residents_paymentallocation a WHERE a.payment_id = p.id)
"""


def allocate(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for statement in (BILL_LINKED, OLDEST_FIRST, BILLS, PARTLY_PLACED, NOT_PLACED):
            cursor.execute(statement)


def forget(apps, schema_editor):
    # Back to before: bills keep their paid figures, the rows go with the table.
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("DELETE FROM residents_paymentallocation")
        cursor.execute("UPDATE residents_payment SET unallocated = 0 WHERE unallocated <> 0")


class Migration(migrations.Migration):
    dependencies = [
        ("residents", "0010_allocations"),
    ]

    operations = [migrations.RunPython(allocate, forget)]
