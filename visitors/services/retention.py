"""Retention of visitors' personal data: phone and ID numbers are erased once a visit (or an
inquiry) is older than its site's retention period; the row itself stays for the statistics.

Run daily by the task ``visitors.purge_personal_data``; safe to run at any time and as often
as wanted: a row once erased is not found again.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from visitors.models import DEFAULT_RETENTION_DAYS, Inquiry, ReceptionSettings, Visit

logger = logging.getLogger(__name__)

# Rows erased per statement: each batch is its own short transaction, so erasing a backlog
# of a million rows never holds a million row locks (a clerk checking one of those visits
# out waits for one batch at most).
BATCH = 5000


def retention_periods() -> list[tuple[int, list[int] | None, list[int]]]:
    """(days, site ids or None for "every other site", site ids to leave out), one entry per
    distinct period: a handful of statements however many sites there are."""
    custom: dict[int, list[int]] = {}
    for site_id, days in ReceptionSettings.objects.exclude(
        retention_days=DEFAULT_RETENTION_DAYS
    ).values_list("site_id", "retention_days"):
        custom.setdefault(days, []).append(site_id)
    elsewhere = [site_id for sites in custom.values() for site_id in sites]
    # Sites without settings, or whose settings keep the default, share one statement.
    periods: list[tuple[int, list[int] | None, list[int]]] = [
        (DEFAULT_RETENTION_DAYS, None, elsewhere)
    ]
    periods += [(days, sites, []) for days, sites in sorted(custom.items())]
    return periods


def personal_data_purge(*, now: datetime | None = None) -> int:
    """Erase the visitors' phone and ID numbers (and the inquirers' phones) kept longer
    than their site's retention period; returns how many rows were erased.

    Deliberately not one transaction: every batch commits on its own (see BATCH), and an
    interrupted run keeps what it erased; the next one finds the rest."""
    now = now or timezone.now()
    erased = 0
    for days, sites, others in retention_periods():
        cutoff = now - timedelta(days=days)
        visits = Visit.objects.filter(checked_in_at__lt=cutoff).filter(
            ~Q(visitor_phone="") | ~Q(id_number="")
        )
        inquiries = Inquiry.objects.filter(created_at__lt=cutoff).exclude(asker_phone="")
        erased += _in_batches(
            _of_sites(visits, sites, others),
            visitor_phone="",
            id_number="",
            personal_data_erased_at=now,
        )
        erased += _in_batches(
            _of_sites(inquiries, sites, others), asker_phone="", personal_data_erased_at=now
        )
    if erased:
        logger.info("erased the personal data of %d visits and inquiries", erased)
    return erased


def _of_sites(queryset: QuerySet, sites: list[int] | None, others: list[int]) -> QuerySet:
    if sites is not None:
        return queryset.filter(site_id__in=sites)
    return queryset.exclude(site_id__in=others) if others else queryset


def _in_batches(queryset: QuerySet, **values) -> int:
    # UPDATE … WHERE id IN (SELECT id … LIMIT n): the inner select walks the partial index
    # of rows that still hold personal data, which shrinks as the batches go.
    model = queryset.model
    done = 0
    while True:
        with transaction.atomic():
            batch = model._base_manager.filter(
                pk__in=queryset.order_by().values("pk")[:BATCH]
            ).update(**values)
        done += batch
        if batch < BATCH:
            return done
