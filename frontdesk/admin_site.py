"""The admin site: the supervisor's daily sections first, the technical ones apart.

Schedules (django-celery-beat), login protection (django-axes) and the worker's heartbeat
are looked at when something is wrong, not every day: they sit together in one section of
their own at the end of the index instead of among sites, staff, records and reception.

No sidebar: every page would build and draw the whole list of sections (~10 ms of each
changelist at company scale); the index lists them, and each page's breadcrumbs lead there.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

# Whole apps, and single models of other apps, that are technical.
TECHNICAL_APPS = {"django_celery_beat", "axes"}
TECHNICAL_MODELS = {("frontdesk", "heartbeat")}


class DeskAdminSite(admin.AdminSite):
    site_header = _("Property front desk administration")
    site_title = _("Property front desk administration")
    index_title = _("Configuration")
    # See the module.
    enable_nav_sidebar = False

    def get_app_list(self, request, app_label=None):
        # Every admin page's context names the app list (each_context); with no sidebar
        # only the index and an app's page draw it: worked out only when drawn (~10 ms of
        # a changelist's time otherwise).
        return SimpleLazyObject(lambda: self._app_list(request, app_label))

    def _app_list(self, request, app_label):
        apps = super().get_app_list(request, app_label)
        if app_label is not None:
            return apps
        daily, technical = [], []
        for app in apps:
            if app["app_label"] in TECHNICAL_APPS:
                technical += app["models"]
                continue
            kept = []
            for model in app["models"]:
                key = (app["app_label"], model["object_name"].lower())
                (technical if key in TECHNICAL_MODELS else kept).append(model)
            if kept:
                daily.append({**app, "models": kept})
        if technical:
            daily.append(
                {
                    "name": _("System maintenance"),
                    "app_label": "system",
                    "app_url": reverse("admin:index", current_app=self.name) + "#system",
                    "has_module_perms": True,
                    "models": technical,
                }
            )
        return daily
