"""Read one year of China's official holidays and make-up workdays from the `holidays`
package, print them, and with --load enter them into the holiday calendar.

The State Council publishes each year's schedule (放假安排) in November; the package adds
it in a release soon after. Its China calendar keeps the official days as "substituted"
holidays — a weekday off moved from a weekend day, which is then worked (调休上班) — and
lists those weekend days in ``weekend_workdays``. A year the package has no official
schedule for would only hold the fixed festivals, without the make-up days and the moved
days off, so it is refused: enter that year in admin from the official notice instead.

The 2025 and 2026 days were taken from here once, into a data migration, as literal data
(frontdesk/migrations/0010_calendar_days.py), so that a later release cannot change them.
"""

import re
from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from frontdesk.models import CalendarDay

OFF, WORK = CalendarDay.Kind.DAY_OFF.value, CalendarDay.Kind.WORKDAY.value

# The name the package gives a weekday off that was moved from a weekend day:
# "休息日（由 2026-02-14 调休）".
SUBSTITUTED = re.compile(r"（由 (\d{4}-\d{2}-\d{2}) 调休）")
# "国庆节（补假）", "春节（推定）": the festival's own name before the note.
NOTE = re.compile(r"（[^）]*）$")
# The eve is part of the Spring Festival holiday in the official notice.
SAME_FESTIVAL = {"农历除夕": "春节"}


def official_years() -> set[int]:
    """The years whose official schedule the installed package has."""
    from holidays.countries.china import ChinaStaticHolidays

    return set(ChinaStaticHolidays.special_public_holidays)


def days_from_package(year: int) -> list[tuple[str, str, str]]:
    """The year's days that break the weekly rule, as (ISO date, kind, name), in order."""
    import holidays

    if year not in official_years():
        raise CommandError(
            f"holidays {holidays.__version__} has no official schedule for {year} "
            "(its make-up workdays are unknown): enter that year in admin instead."
        )
    china = holidays.China(years=year, language="zh_CN")
    workdays = {d for d in china.weekend_workdays if d.year == year}
    moved_to: dict[date, date] = {}
    own_names: dict[date, str] = {}
    for day in china:
        names = china.get_list(day)
        found = [SUBSTITUTED.search(name) for name in names]
        for match in found:
            if match:
                moved_to[date.fromisoformat(match[1])] = day
        own = [name for name, match in zip(names, found, strict=True) if not match]
        if own:
            own_names[day] = own[0]

    def is_off(day: date) -> bool:
        return day in china or (day.weekday() >= 5 and day not in workdays)

    def festival(day: date) -> str:
        """The festivals of the run of days off that ``day`` is in: "国庆节、中秋节"."""
        start = end = day
        while is_off(start - timedelta(days=1)):
            start -= timedelta(days=1)
        while is_off(end + timedelta(days=1)):
            end += timedelta(days=1)
        found: list[str] = []
        for offset in range((end - start).days + 1):
            name = own_names.get(start + timedelta(days=offset))
            if name:
                base = NOTE.sub("", name)
                base = SAME_FESTIVAL.get(base, base)
                if base not in found:
                    found.append(base)
        return "、".join(found)

    days = []
    for day in sorted(china):
        name = own_names.get(day) or f"{festival(day)}（调休）"
        days.append((day.isoformat(), OFF, name))
    for day in sorted(workdays):
        # Named after the holiday its day off went to.
        target = moved_to.get(day)
        days.append((day.isoformat(), WORK, festival(target) if target else ""))
    return sorted(days)


class Command(BaseCommand):
    help = "Print (and with --load, enter) a year of China's holidays and make-up workdays."

    def add_arguments(self, parser) -> None:
        parser.add_argument("year", type=int)
        parser.add_argument(
            "--load",
            action="store_true",
            help="Enter the days into the holiday calendar (adds and updates, deletes nothing).",
        )

    def handle(self, *args, year: int, load: bool, **options) -> None:
        days = days_from_package(year)
        # As the data migration lists them, ready to paste into a new one.
        for iso, kind, name in days:
            weekday = "一二三四五六日"[date.fromisoformat(iso).weekday()]
            mark = "休" if kind == OFF else "班"
            self.stdout.write(f'    ("{iso}", "{kind}", "{name}"),  # 周{weekday} {mark}')
        if not load:
            return
        added = changed = 0
        with transaction.atomic():
            for iso, kind, name in days:
                row, created = CalendarDay.objects.get_or_create(
                    date=iso, defaults={"kind": kind, "name": name}
                )
                if created:
                    added += 1
                elif (row.kind, row.name) != (kind, name):
                    row.kind, row.name = kind, name
                    row.save(update_fields=["kind", "name"])
                    changed += 1
        self.stdout.write(f"{year}: {added} added, {changed} changed, {len(days)} in all.")
