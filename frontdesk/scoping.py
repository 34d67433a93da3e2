"""Site scoping in one place: every site-owned model's manager and every view use these.

A row belongs to a site through the lookup named by the model's ``site_lookup`` attribute
("site" unless the model says otherwise). Views never filter by site by hand: they ask
``for_site(request.site)`` or ``get_for_site_or_404``, so an object of another site is a
404 that does not confirm it exists.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from frontdesk.models import Site, User


def site_lookup_of(model: type[models.Model]) -> str:
    return getattr(model, "site_lookup", "site")


class SiteScopedQuerySet(models.QuerySet):
    def for_site(self, site: Site | None) -> SiteScopedQuerySet:
        if site is None:
            return self.none()
        return self.filter(**{site_lookup_of(self.model): site})

    def for_user(self, user: User) -> SiteScopedQuerySet:
        """Rows of every site the user belongs to (what admin lists show a supervisor)."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(**{f"{site_lookup_of(self.model)}__in": user.sites.all()})


def get_for_site_or_404(queryset: Any, site: Site | None, **lookup: Any) -> Any:
    """The object matching ``lookup`` in the given site, or a 404 whichever site it is in."""
    if isinstance(queryset, type) and issubclass(queryset, models.Model):
        queryset = queryset._default_manager.all()
    return get_object_or_404(queryset.for_site(site), **lookup)


def check_same_site(owner: Any, *relations: str, **related: Any) -> None:
    """Refuse related rows of another site than the owner's, beside the field that names them.

    ``owner`` is a row with a site (then ``relations`` names its foreign keys to check, as a
    model's ``clean`` does: a supervisor of two sites can pick from both in admin, and a bill
    of site A for a house of site B would show on the wrong desk) or a Site (then ``related``
    passes the rows themselves, as a service does with what a form gave it). None is allowed.
    """
    from frontdesk.models import Site

    site_id = owner.pk if isinstance(owner, Site) else getattr(owner, "site_id", None)
    rows = {name: getattr(owner, name) for name in relations if getattr(owner, f"{name}_id", None)}
    rows.update((name, row) for name, row in related.items() if row is not None)
    for name, row in rows.items():
        row_site_id = row.pk if isinstance(row, Site) else row.site_id
        if site_id is None:
            site_id = row_site_id
        elif row_site_id != site_id:
            raise ValidationError({name: _("This belongs to another site than the record itself.")})
