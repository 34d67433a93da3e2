from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdminTasksConfig(AppConfig):
    name = "admin_tasks"
    verbose_name = _("Desk admin")
