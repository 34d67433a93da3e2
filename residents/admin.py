from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from frontdesk.admin import (
    BigTableAdmin,
    ReadOnlyAdmin,
    SiteListFilter,
    SiteScopedAdmin,
    SiteScopedInline,
    searchable_site_ids,
)
from frontdesk.personal import mask_phone, normalize_plate
from residents.models import (
    ArrearsReminder,
    Bill,
    Building,
    House,
    Occupancy,
    Payment,
    PaymentAllocation,
    RecordsSettings,
    Resident,
    RosterImport,
    Vehicle,
)
from residents.selectors.lookup import houses_search, residents_search
from residents.services.allocations import bills_settle, houses_lock, payment_record
from residents.services.search_keys import residents_reindex


@admin.register(Building)
class BuildingAdmin(SiteScopedAdmin):
    list_display = ["__str__", "site", "number", "floors", "group_robot"]
    list_filter = [SiteListFilter]
    list_select_related = ["site", "group_robot"]
    search_fields = ["name", "=number"]


class OccupancyInline(SiteScopedInline):
    model = Occupancy
    extra = 0
    autocomplete_fields = ["resident", "house"]


HOUSE_SEARCH_HELP = _(
    "A house (3-2-1201, 3栋2单元1201, 1201) or the name or phone of someone living there"
)


@admin.register(House)
class HouseAdmin(BigTableAdmin):
    list_display = ["__str__", "site", "use", "status", "floor_area"]
    list_filter = [SiteListFilter, "use", "status"]
    list_select_related = ["site", "building"]
    # Declared for the search box and for autocomplete; get_search_results searches.
    search_fields = ["room"]
    search_help_text = HOUSE_SEARCH_HELP
    autocomplete_fields = ["building"]
    inlines = [OccupancyInline]

    def get_search_results(self, request, queryset, search_term):
        # The desk's house codes and lookup keys (residents.selectors.lookup), not icontains.
        return houses_search(queryset, searchable_site_ids(request), search_term), False


class VehicleInlineForm(forms.ModelForm):
    """A vehicle takes its owner's site; its plate must be unique within that site."""

    class Meta:
        model = Vehicle
        fields = ["plate", "parking_space"]

    def clean_plate(self):
        # Already written the one way plates are (frontdesk.fields.PlateField).
        plate = self.cleaned_data["plate"]
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
class ResidentAdmin(BigTableAdmin):
    list_display = ["name", "site", "masked_phone", "name_initials"]
    list_filter = [SiteListFilter]
    list_select_related = ["site"]
    # Declared for the search box and for autocomplete; get_search_results searches.
    search_fields = ["name"]
    search_help_text = _(
        "Name, pinyin, initials, phone or its last four digits, plate, or a house (3-2-1201)"
    )
    readonly_fields = ["name_pinyin", "name_initials"]
    inlines = [OccupancyInline, VehicleInline]

    def get_search_results(self, request, queryset, search_term):
        # The desk lookup's keys: one range scan of the term index per site, where
        # icontains over four columns read every resident of the supervisor's sites.
        found = residents_search(queryset, searchable_site_ids(request), search_term)
        return found, False

    @admin.display(description=_("phone"), ordering="phone")
    def masked_phone(self, resident: Resident) -> str:
        return mask_phone(resident.phone)

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        # Name, phones or plates may have changed: the lookup's keys follow.
        residents_reindex(resident_ids=[form.instance.pk])


@admin.register(Vehicle)
class VehicleAdmin(BigTableAdmin):
    list_display = ["plate", "resident", "site"]
    list_filter = [SiteListFilter]
    list_select_related = ["resident", "site"]
    search_fields = ["plate"]
    autocomplete_fields = ["resident"]
    raw_id_fields = ["parking_space"]

    def get_search_results(self, request, queryset, search_term):
        # Plates are stored written one way (浙A12345): "浙A·12345" finds it too.
        return super().get_search_results(request, queryset, normalize_plate(search_term))

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        residents_reindex(resident_ids=[obj.resident_id])


@admin.register(Bill)
class BillAdmin(BigTableAdmin):
    list_display = ["house", "kind", "month", "amount", "paid_amount", "due_date"]
    list_filter = [SiteListFilter, "kind", "period"]
    list_select_related = ["house__building"]
    search_fields = ["house__room"]
    search_help_text = HOUSE_SEARCH_HELP
    raw_id_fields = ["house"]
    # Newest first by id: an index walk that stops at a page, where ordering by period
    # (or a date hierarchy) would sort or scan a site's whole history on every view.
    ordering = ["-id"]

    def get_search_results(self, request, queryset, search_term):
        found = houses_search(queryset, searchable_site_ids(request), search_term, field="house")
        return found, False

    # A bill is for a month: its period is stored as the month's first day.
    @admin.display(description=_("period"), ordering="period")
    def month(self, bill: Bill) -> str:
        return f"{bill.period:%Y-%m}"

    def save_model(self, request, obj, form, change) -> None:
        # The house first, as every allocation locks it; then the paid figure is squared
        # with the payments allocated to the bill, and credit pays it.
        houses_lock(site=obj.site, house_ids=[obj.house_id])
        super().save_model(request, obj, form, change)
        bills_settle(site=obj.site, bill_ids=[obj.pk])


class PaymentAllocationInline(SiteScopedInline):
    """Which bills the payment paid: written by the allocation service, only read here."""

    model = PaymentAllocation
    fk_name = "payment"
    extra = 0
    fields = ["bill", "amount", "created_at"]
    readonly_fields = fields
    can_delete = False
    verbose_name_plural = _("bills paid")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("bill__house__building")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Payment)
class PaymentAdmin(BigTableAdmin):
    list_display = ["receipt_no", "house", "paid_on", "amount", "method", "unallocated"]
    list_filter = [SiteListFilter, "method"]
    list_select_related = ["house__building"]
    search_fields = ["receipt_no"]
    search_help_text = _(
        "A receipt number, a house (3-2-1201) or the name or phone of someone living there"
    )
    raw_id_fields = ["house", "bill"]
    ordering = ["-id"]
    inlines = [PaymentAllocationInline]

    def get_readonly_fields(self, request, obj=None):
        # Once recorded, its money is allocated: house, bill and amount stay as they were.
        if obj is None:
            return ["unallocated"]
        return ["house", "bill", "amount", "unallocated"]

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    def has_delete_permission(self, request, obj=None) -> bool:
        # The bills it paid would stay paid: a wrong receipt is finance's to correct.
        return False

    def save_model(self, request, obj, form, change) -> None:
        if change:
            super().save_model(request, obj, form, change)
        else:
            payment_record(site=obj.site, payment=obj)

    def get_search_results(self, request, queryset, search_term):
        # A receipt number names one payment (a unique index); anything else names a
        # house or a person. Asked apart: one OR of both would read every payment.
        receipt_no = search_term.strip()
        receipt = queryset.filter(receipt_no=receipt_no)
        if receipt_no and receipt.exists():
            return receipt, False
        found = houses_search(queryset, searchable_site_ids(request), search_term, field="house")
        return found, False


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


@admin.register(RecordsSettings)
class RecordsSettingsAdmin(SiteScopedAdmin):
    """Each site's payment-reminder rules (defaults until a supervisor saves a row)."""

    list_display = ["site", "reminder_interval_days", "finance_phone"]
    list_select_related = ["site"]

    def get_readonly_fields(self, request, obj=None):
        # The site is the settings' key: moving them to another site would be a new row.
        return ["site"] if obj is not None else []


@admin.register(ArrearsReminder)
class ArrearsReminderAdmin(ReadOnlyAdmin, BigTableAdmin):
    """The payment reminders given, as the arrears pages recorded them: read only."""

    list_display = ["sent_at", "house", "channel", "amount", "months", "messages", "sent_by"]
    list_filter = [SiteListFilter, "channel"]
    list_select_related = ["house__building", "sent_by"]
    search_fields = ["house__room"]
    search_help_text = HOUSE_SEARCH_HELP
    ordering = ["-sent_at"]

    def get_search_results(self, request, queryset, search_term):
        found = houses_search(queryset, searchable_site_ids(request), search_term, field="house")
        return found, False
