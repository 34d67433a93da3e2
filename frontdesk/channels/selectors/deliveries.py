"""Reads of the delivery log that areas show on their own pages."""

from __future__ import annotations

from django.db import models

from frontdesk.channels.models import Delivery

# A record's page shows its latest deliveries; a notice's reach has its own report.
ABOUT_LIMIT = 50


def deliveries_about(obj: models.Model) -> list[Delivery]:
    """What was sent about one record (a parcel, a case), newest first; one query."""
    meta = obj._meta
    # By the type's names in the same query: ContentType's own cache would make the page's
    # query count depend on what the process did before.
    return list(
        Delivery.objects.filter(
            about_type__app_label=meta.app_label,
            about_type__model=meta.model_name,
            about_id=str(obj.pk),
        )
        .exclude(channel=Delivery.Channel.INBOX)
        .select_related("robot")
        .order_by("-id")[:ABOUT_LIMIT]
    )
