from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from frontdesk import services as frontdesk_services
from frontdesk.admin import BigTableAdmin, SiteListFilter, SiteScopedAdmin, SiteScopedInline
from frontdesk.personal import mask_phone
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
from residents.search import normalize_plate


@admin.register(Building)
class BuildingAdmin(SiteScopedAdmin):
    list_display = ["__str__", "site", "number", "floors"]
    list_filter = [SiteListFilter]
    list_select_related = ["site"]
    search_fields = ["name", "=number"]


class OccupancyInline(SiteScopedInline):
    model = Occupancy
    extra = 0
    autocomplete_fields = ["resident", "house"]


@admin.register(House)
class HouseAdmin(SiteScopedAdmin):
    list_display = ["__str__", "site", "use", "status", "floor_area"]
    list_filter = [SiteListFilter, "use", "status"]
    list_select_related = ["site", "building"]
    search_fields = ["=room", "=building__number"]
    autocomplete_fields = ["building"]
    inlines = [OccupancyInline]


class VehicleInlineForm(forms.ModelForm):
    """A vehicle takes its owner's site; its plate must be unique within that site."""

    class Meta:
        model = Vehicle
        fields = ["plate", "parking_space"]

    def clean_plate(self):
        plate = normalize_plate(self.cleaned_data["plate"])
        site_id = self.instance.resident.site_id if self.instance.resident_id else None
        taken = Vehicle.objects.filter(site_id=site_id, plate=plate).exclude(pk=self.instance.pk)
        if site_id and taken.exists():
            raise forms.ValidationError(_("This plate is already registered at this site."))
        self.instance.site_id = site_id
        return plate


class VehicleInline(SiteScopedInline):
    model = Vehicle
    form = VehicleInlineForm
    extra = 0
    raw_id_fields = ["parking_space"]


@admin.register(Resident)
class ResidentAdmin(SiteScopedAdmin):
    list_display = ["name", "site", "masked_phone", "name_initials"]
    list_filter = [SiteListFilter]
    list_select_related = ["site"]
    search_fields = ["name", "phone", "name_initials", "name_pinyin"]
    readonly_fields = ["name_pinyin", "name_initials"]
    inlines = [OccupancyInline, VehicleInline]

    @admin.display(description=_("phone"), ordering="phone")
    def masked_phone(self, resident: Resident) -> str:
        return mask_phone(resident.phone)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # The form shows phones and ID number in full, so opening it is a reveal: logged
        # like one (the object is fetched through the scoped queryset first).
        resident = self.get_object(request, object_id)
        if resident is not None and request.method == "GET":
            frontdesk_services.personal_data_access_log(
                user=request.user,
                site=resident.site,
                obj=resident,
                field="phone,phone2,id_number",
                ip_address=request.META.get("REMOTE_ADDR"),
                description=f"{resident} (admin)",
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        # Name, phones or plates may have changed: the lookup's keys follow.
        services.residents_reindex(resident_ids=[form.instance.pk])


@admin.register(Vehicle)
class VehicleAdmin(SiteScopedAdmin):
    list_display = ["plate", "resident", "site"]
    list_filter = [SiteListFilter]
    list_select_related = ["resident", "site"]
    search_fields = ["plate"]
    autocomplete_fields = ["resident"]
    raw_id_fields = ["parking_space"]

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        services.residents_reindex(resident_ids=[obj.resident_id])


@admin.register(Bill)
class BillAdmin(BigTableAdmin):
    list_display = ["house", "kind", "period", "amount", "paid_amount", "due_date"]
    list_filter = [SiteListFilter, "kind", "period"]
    list_select_related = ["house__building"]
    search_fields = ["=house__room"]
    raw_id_fields = ["house"]
    # Newest first by id: an index walk that stops at a page, where ordering by period
    # (or a date hierarchy) would sort or scan a site's whole history on every view.
    ordering = ["-id"]


@admin.register(Payment)
class PaymentAdmin(BigTableAdmin):
    list_display = ["receipt_no", "house", "paid_on", "amount", "method"]
    list_filter = [SiteListFilter, "method"]
    list_select_related = ["house__building"]
    search_fields = ["=receipt_no", "=house__room"]
    raw_id_fields = ["house", "bill"]
    ordering = ["-id"]


@admin.register(RecordRequest)
class RecordRequestAdmin(SiteScopedAdmin):
    list_display = ["created_at", "site", "asker_kind", "question", "referred_to", "created_by"]
    list_filter = [
        SiteListFilter,
        "asker_kind",
        "channel",
        ("referred_to", admin.RelatedOnlyFieldListFilter),
    ]
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
    list_filter = [SiteListFilter, "kind", "status"]
    list_select_related = ["site", "uploaded_by"]

    def has_add_permission(self, request) -> bool:
        return False  # uploads go through the desk's import page, with its preview

    def has_change_permission(self, request, obj=None) -> bool:
        return False
