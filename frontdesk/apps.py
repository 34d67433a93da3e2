from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class DeskAdminConfig(AdminConfig):
    """Django admin with the desk's site (frontdesk.admin_site)."""

    default_site = "frontdesk.admin_site.DeskAdminSite"


class FrontdeskConfig(AppConfig):
    name = "frontdesk"
    verbose_name = _("Front desk")

    def ready(self) -> None:
        from django.db.models import fields

        from frontdesk import signals  # noqa: F401  (connects the login timestamp)

        # The empty choice of a select (Django 6.1 invites apps to set it): Django's own
        # catalogue has no Chinese for it yet, ours has.
        fields.BLANK_CHOICE_LABEL = _("- Select an option -")

        post_migrate.connect(_ensure_reference_data, dispatch_uid="frontdesk_reference_data")


def _ensure_reference_data(sender, app_config=None, apps=None, **kwargs) -> None:
    # post_migrate is sent once per app; act on the last one, when every app's
    # permissions exist. A flush (transactional tests) empties these tables and sends
    # post_migrate again, which puts them back.
    from django.apps import apps as global_apps

    last = [c for c in global_apps.get_app_configs() if c.models_module is not None][-1]
    if app_config is None or app_config.label != last.label:
        return
    from frontdesk.roles import ensure_roles
    from frontdesk.schedules import ensure_schedules
    from frontdesk.worktime import ensure_calendar

    ensure_roles()
    ensure_schedules()
    ensure_calendar()
