from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitorsConfig(AppConfig):
    name = "visitors"
    verbose_name = _("Reception")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        post_migrate.connect(ensure_purposes_after_migrate, sender=self)


def ensure_purposes_after_migrate(sender, **kwargs) -> None:
    # A database flush (transactional tests) empties the purposes the migration created.
    from visitors.models import DEFAULT_PURPOSES, VisitPurpose

    if not VisitPurpose.objects.exists():
        VisitPurpose.objects.bulk_create(
            VisitPurpose(name=name, sort_order=index * 10)
            for index, name in enumerate(DEFAULT_PURPOSES)
        )
