"""China's official holidays and make-up workdays (调休上班) of 2025 and 2026, as the State
Council published them (国务院办公厅 notices of November 2024 and November 2025).

Taken once from the `holidays` package 0.108 (`manage.py calendar_from_holidays YEAR`) and
kept here as literal data, so that a later release of the package cannot change what this
migration loads. Only days that break the weekly rule matter to deadlines (a weekday off,
a weekend day worked); holidays that fall on a weekend are listed too, for the reader.

frontdesk.worktime.ensure_calendar reads DAYS again after a database flush (tests do one).
"""

from django.db import migrations

# (date, kind, name): kind "off" is 休 (a day off), "work" is 班 (a make-up workday).
DAYS = [
    ("2025-01-01", "off", "元旦"),  # 周三 休
    ("2025-01-26", "work", "春节"),  # 周日 班
    ("2025-01-28", "off", "农历除夕"),  # 周二 休
    ("2025-01-29", "off", "春节"),  # 周三 休
    ("2025-01-30", "off", "春节"),  # 周四 休
    ("2025-01-31", "off", "春节"),  # 周五 休
    ("2025-02-03", "off", "春节（调休）"),  # 周一 休
    ("2025-02-04", "off", "春节（调休）"),  # 周二 休
    ("2025-02-08", "work", "春节"),  # 周六 班
    ("2025-04-04", "off", "清明节"),  # 周五 休
    ("2025-04-27", "work", "劳动节"),  # 周日 班
    ("2025-05-01", "off", "劳动节"),  # 周四 休
    ("2025-05-02", "off", "劳动节"),  # 周五 休
    ("2025-05-05", "off", "劳动节（调休）"),  # 周一 休
    ("2025-05-31", "off", "端午节"),  # 周六 休
    ("2025-06-02", "off", "端午节（补假）"),  # 周一 休
    ("2025-09-28", "work", "国庆节、中秋节"),  # 周日 班
    ("2025-10-01", "off", "国庆节"),  # 周三 休
    ("2025-10-02", "off", "国庆节"),  # 周四 休
    ("2025-10-03", "off", "国庆节"),  # 周五 休
    ("2025-10-06", "off", "中秋节"),  # 周一 休
    ("2025-10-07", "off", "国庆节、中秋节（调休）"),  # 周二 休
    ("2025-10-08", "off", "国庆节、中秋节（调休）"),  # 周三 休
    ("2025-10-11", "work", "国庆节、中秋节"),  # 周六 班
    ("2026-01-01", "off", "元旦"),  # 周四 休
    ("2026-01-02", "off", "元旦（调休）"),  # 周五 休
    ("2026-01-04", "work", "元旦"),  # 周日 班
    ("2026-02-14", "work", "春节"),  # 周六 班
    ("2026-02-16", "off", "农历除夕"),  # 周一 休
    ("2026-02-17", "off", "春节"),  # 周二 休
    ("2026-02-18", "off", "春节"),  # 周三 休
    ("2026-02-19", "off", "春节"),  # 周四 休
    ("2026-02-20", "off", "春节（调休）"),  # 周五 休
    ("2026-02-23", "off", "春节（调休）"),  # 周一 休
    ("2026-02-28", "work", "春节"),  # 周六 班
    ("2026-04-05", "off", "清明节"),  # 周日 休
    ("2026-04-06", "off", "清明节（补假）"),  # 周一 休
    ("2026-05-01", "off", "劳动节"),  # 周五 休
    ("2026-05-02", "off", "劳动节"),  # 周六 休
    ("2026-05-04", "off", "劳动节（补假）"),  # 周一 休
    ("2026-05-05", "off", "劳动节（调休）"),  # 周二 休
    ("2026-05-09", "work", "劳动节"),  # 周六 班
    ("2026-06-19", "off", "端午节"),  # 周五 休
    ("2026-09-20", "work", "国庆节"),  # 周日 班
    ("2026-09-25", "off", "中秋节"),  # 周五 休
    ("2026-10-01", "off", "国庆节"),  # 周四 休
    ("2026-10-02", "off", "国庆节"),  # 周五 休
    ("2026-10-03", "off", "国庆节"),  # 周六 休
    ("2026-10-05", "off", "国庆节（补假）"),  # 周一 休
    ("2026-10-06", "off", "国庆节（调休）"),  # 周二 休
    ("2026-10-07", "off", "国庆节（调休）"),  # 周三 休
    ("2026-10-10", "work", "国庆节"),  # 周六 班
]


def load(apps, schema_editor):
    CalendarDay = apps.get_model("frontdesk", "CalendarDay")
    # A day already entered by hand is kept as it is.
    CalendarDay.objects.bulk_create(
        [CalendarDay(date=day, kind=kind, name=name) for day, kind, name in DAYS],
        ignore_conflicts=True,
    )


def unload(apps, schema_editor):
    CalendarDay = apps.get_model("frontdesk", "CalendarDay")
    CalendarDay.objects.filter(date__in=[day for day, _, _ in DAYS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("frontdesk", "0009_worktime"),
    ]

    operations = [
        migrations.RunPython(load, unload),
    ]
