"""The URLconf of ``manage.py bench`` alone: the site's own, plus two references.

The floor view, and Django admin's resident changelist with Django's stock search, are
never reachable on the real site: the bench activates this URLconf with override_settings
for its run only.
"""

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from frontdesk.urls import urlpatterns as site_patterns
from residents.admin import ResidentAdmin
from residents.models import Resident


def floor(request: HttpRequest) -> HttpResponse:
    """What every page costs before it does anything: the middleware and base.html."""
    return render(request, "base.html")


class StockSearchResidentAdmin(ResidentAdmin):
    """The same changelist, searched the way Django admin ships: icontains over the
    name, phone and pinyin fields (the project's admin searches the desk's keys)."""

    search_fields = ["name", "phone", "name_initials", "name_pinyin"]

    def get_search_results(self, request, queryset, search_term):
        return admin.ModelAdmin.get_search_results(self, request, queryset, search_term)


stock_admin = admin.AdminSite(name="stock_admin")
stock_admin.register(Resident, StockSearchResidentAdmin)

# Last, so that every real page resolves exactly as on the site.
urlpatterns = [
    *site_patterns,
    path("__bench__/floor/", floor),
    path("__bench__/stock-admin/", stock_admin.urls),
]
