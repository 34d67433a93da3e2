"""The records' references for ``manage.py bench`` alone (frontdesk.bench_urls mounts it
under /__bench__/residents/): Django admin's resident changelist with Django's stock
search, which the lookup is compared to."""

from django.contrib import admin
from django.urls import path

from residents.admin import ResidentAdmin
from residents.models import Resident


class StockSearchResidentAdmin(ResidentAdmin):
    """The same changelist, searched the way Django admin ships: icontains over the
    name, phone and pinyin fields (the project's admin searches the desk's keys)."""

    search_fields = ["name", "phone", "name_initials", "name_pinyin"]

    def get_search_results(self, request, queryset, search_term):
        return admin.ModelAdmin.get_search_results(self, request, queryset, search_term)


stock_admin = admin.AdminSite(name="stock_admin")
stock_admin.register(Resident, StockSearchResidentAdmin)

urlpatterns = [path("stock-admin/", stock_admin.urls)]
