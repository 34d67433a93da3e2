"""A site created anywhere (admin, the demo, a script) starts with the default notice types,
so that its desk can draft a notice at once; its supervisor edits them in admin."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from frontdesk.models import Site


@receiver(post_save, sender=Site, dispatch_uid="notices_site_types")
def _site_created(sender, instance: Site, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw:
        from notices.services.types import notice_types_create_defaults

        notice_types_create_defaults(site=instance)
