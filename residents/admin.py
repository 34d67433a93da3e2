from django.contrib import admin

from frontdesk.admin import SiteScopedAdmin
from residents import services
from residents.models import (
    Bill,
    Building,
    House,
    Occupancy,
    Payment,
    RecordRequest,
    Resident,
    RosterImport,
    Vehicle,
)


@admin.register(Building)
class BuildingAdmin(SiteScopedAdmin):
    list_display = ["__str__", "site", "number", "floors"]
    list_filter = ["site"]
    list_select_related = ["site"]
    search_fields = ["name", "=number"]


class OccupancyInline(admin.TabularInline):
    model = Occupancy
    extra = 0
    autocomplete_fields = ["resident", "house"]


@admin.register(House)
class HouseAdmin(SiteScopedAdmin):
    list_display = ["__str__", "site", "use", "status", "floor_area"]
    list_filter = ["site", "use", "status"]
    list_select_related = ["site", "building"]
    search_fields = ["=room", "=building__number"]
    autocomplete_fields = ["building"]
    inlines = [OccupancyInline]


class VehicleInline(admin.TabularInline):
    model = Vehicle
    extra = 0
    fields = ["site", "plate", "parking_space"]
    raw_id_fields = ["parking_space"]


@admin.register(Resident)
class ResidentAdmin(SiteScopedAdmin):
    list_display = ["name", "site", "phone", "name_initials"]
    list_filter = ["site"]
    list_select_related = ["site"]
    search_fields = ["name", "phone", "name_initials", "name_pinyin"]
    readonly_fields = ["name_pinyin", "name_initials"]
    inlines = [OccupancyInline, VehicleInline]

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        # Name, phones or plates may have changed: the lookup's keys follow.
        services.residents_reindex(resident_ids=[form.instance.pk])


@admin.register(Vehicle)
class VehicleAdmin(SiteScopedAdmin):
    list_display = ["plate", "resident", "site"]
    list_filter = ["site"]
    list_select_related = ["resident", "site"]
    search_fields = ["plate"]
    autocomplete_fields = ["resident"]
    raw_id_fields = ["parking_space"]

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        services.residents_reindex(resident_ids=[obj.resident_id])


@admin.register(Bill)
class BillAdmin(SiteScopedAdmin):
    list_display = ["house", "kind", "period", "amount", "paid_amount", "due_date"]
    list_filter = ["site", "kind", "period"]
    list_select_related = ["house__building"]
    search_fields = ["=house__room"]
    raw_id_fields = ["house"]
    date_hierarchy = "period"


@admin.register(Payment)
class PaymentAdmin(SiteScopedAdmin):
    list_display = ["receipt_no", "house", "paid_on", "amount", "method"]
    list_filter = ["site", "method"]
    list_select_related = ["house__building"]
    search_fields = ["=receipt_no", "=house__room"]
    raw_id_fields = ["house", "bill"]
    date_hierarchy = "paid_on"


@admin.register(RecordRequest)
class RecordRequestAdmin(SiteScopedAdmin):
    list_display = ["created_at", "site", "asker_kind", "question", "referred_to", "created_by"]
    list_filter = ["site", "asker_kind", "channel", "referred_to"]
    list_select_related = ["site", "referred_to", "created_by"]
    search_fields = ["question", "answer", "asker_name"]
    raw_id_fields = ["house", "resident"]
    date_hierarchy = "created_at"


@admin.register(RosterImport)
class RosterImportAdmin(SiteScopedAdmin):
    list_display = [
        "original_name",
        "site",
        "kind",
        "status",
        "row_count",
        "uploaded_by",
        "created_at",
    ]
    list_filter = ["site", "kind", "status"]
    list_select_related = ["site", "uploaded_by"]

    def has_add_permission(self, request) -> bool:
        return False  # uploads go through the desk's import page, with its preview

    def has_change_permission(self, request, obj=None) -> bool:
        return False
