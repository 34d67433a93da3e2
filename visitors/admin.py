"""Reception in Django admin: the purposes and each site's rules for the supervisors, and the
register, inquiries and parcels as big tables (scoped to the supervisor's sites, no full
count, searched by what an index can answer)."""

from __future__ import annotations

import re

from django import forms
from django.contrib import admin
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from frontdesk.admin import (
    Admin,
    BigTableAdmin,
    ChoiceListFilter,
    ReadOnlyAdmin,
    SiteListFilter,
    SiteScopedAdmin,
    SiteScopedRelatedFilter,
    user_site_ids,
)
from frontdesk.personal import canonical_phone, mask_phone, normalize_plate
from visitors.models import (
    Inquiry,
    Parcel,
    ReceptionSettings,
    Visit,
    VisitPurpose,
    WatchEntry,
    WatchHit,
)


def person_search(term: str, name: str, phone: str, plate: str | None = None) -> Q:
    """A whole phone, or else the beginning of a name or a whole plate: each one a condition
    the site's newest-first index walk answers quickly, where admin's default (icontains
    over every field) reads a site's whole history for every search."""
    # A term of seven digits or more is a phone, compared in the one form phones are
    # stored in (frontdesk.personal.canonical_phone).
    if len(re.sub(r"\D", "", term)) >= 7:
        return Q(**{phone: canonical_phone(term)})
    condition = Q(**{f"{name}__startswith": term})
    if plate:
        condition |= Q(**{plate: normalize_plate(term)})
    return condition


@admin.register(VisitPurpose)
class VisitPurposeAdmin(Admin):
    # The company's list, shared by every site: retire a purpose rather than delete it,
    # the register keeps pointing at it.
    list_display = ["name", "sort_order", "is_active"]
    list_editable = ["sort_order", "is_active"]
    search_fields = ["name"]


@admin.register(ReceptionSettings)
class ReceptionSettingsAdmin(SiteScopedAdmin):
    list_display = ["site", "retention_days", "id_number_required", "parcel_overdue_days"]
    list_select_related = ["site"]

    def get_readonly_fields(self, request, obj=None):
        # The site is the settings' key: moving them to another site would be a new row.
        return ["site"] if obj is not None else []


class WatchEntryForm(forms.ModelForm):
    # Phones, ID numbers and plates are checked, and written the one way the register and
    # the returning-visitor lookup compare, by their fields (frontdesk.fields).
    class Meta:
        model = WatchEntry
        fields = ["site", "name", "phone", "id_number", "plate", "action", "reason", "is_active"]

    def clean(self):
        data = super().clean()
        # A number typed wrong already has its message beside it.
        fields = ("name", "phone", "id_number", "plate")
        if not any(data.get(f) or f in self.errors for f in fields):
            raise forms.ValidationError(_("Give a name, phone, ID number or plate to watch for."))
        return data


@admin.register(WatchEntry)
class WatchEntryAdmin(SiteScopedAdmin):
    form = WatchEntryForm
    list_display = [
        "__str__",
        "masked_phone",
        "plate",
        "action",
        "is_active",
        "site",
        "created_by",
        "created_at",
    ]
    list_filter = [SiteListFilter, "action", "is_active"]
    list_select_related = ["site", "created_by"]
    search_fields = ["name", "=plate", "=phone"]
    readonly_fields = ["created_by", "created_at"]

    @admin.display(description=_("phone"), ordering="phone")
    def masked_phone(self, entry: WatchEntry) -> str:
        return mask_phone(entry.phone)

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(WatchHit)
class WatchHitAdmin(ReadOnlyAdmin, SiteScopedAdmin):
    """The log of warnings the watch list gave at registration: read, never written here."""

    list_display = ["created_at", "site", "entry", "matched_on", "visitor_name", "user", "visit"]
    list_filter = [SiteListFilter]
    list_select_related = ["site", "entry", "user", "visit"]


class OnSiteFilter(ChoiceListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("on_site", _("On site")), ("left", _("Left"))]

    def queryset(self, request, queryset):
        if self.value() == "on_site":
            return queryset.filter(checked_out_at__isnull=True)
        if self.value() == "left":
            return queryset.filter(checked_out_at__isnull=False)
        return queryset


@admin.register(Visit)
class VisitAdmin(BigTableAdmin):
    # Narrow enough for a 1366-pixel desk screen: in and out in one column, the party size
    # with the name, and the site only for those who see several.
    list_display = [
        "visit_time",
        "visitor",
        "masked_phone",
        "purpose",
        "house",
        "plate",
        "exit",
        "site",
    ]
    list_filter = [SiteListFilter, OnSiteFilter, "purpose", "exit"]
    list_select_related = ["site", "purpose", "house__building"]
    # Only for the search box: get_search_results decides what a term matches.
    search_fields = ["visitor_name"]
    search_help_text = _("Name (beginning), whole phone or plate")
    raw_id_fields = ["house", "resident"]
    # The token is shown (pass_code, with a label) and never edited.
    exclude = ["pass_token"]
    readonly_fields = ["pass_code", "checked_in_by", "checked_out_by", "personal_data_erased_at"]

    @admin.display(description=_("visitor's phone"), ordering="visitor_phone")
    def masked_phone(self, visit: Visit) -> str:
        return mask_phone(visit.visitor_phone)

    def get_list_display(self, request):
        shown = super().get_list_display(request)
        if len(user_site_ids(request)) > 1 or request.user.is_superuser:
            return shown
        return [name for name in shown if name != "site"]

    @admin.display(description=_("time"), ordering="checked_in_at")
    def visit_time(self, visit: Visit) -> str:
        start = timezone.localtime(visit.checked_in_at)
        if visit.checked_out_at is None:
            return f"{start:%m-%d %H:%M}–"
        end = timezone.localtime(visit.checked_out_at)
        return (
            f"{start:%m-%d %H:%M}–{end:%H:%M}"
            if end.date() == start.date()
            else (f"{start:%m-%d %H:%M}–{end:%m-%d %H:%M}")
        )

    @admin.display(description=_("visitor"), ordering="visitor_name")
    def visitor(self, visit: Visit) -> str:
        if visit.party_size > 1:
            return _("%(name)s (party of %(n)s)") % {
                "name": visit.visitor_name,
                "n": visit.party_size,
            }
        return visit.visitor_name

    # The model's field has no label of its own ("Pass token").
    @admin.display(description=_("pass token"))
    def pass_code(self, visit: Visit) -> str:
        return visit.pass_token

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        return queryset.filter(person_search(term, "visitor_name", "visitor_phone", "plate")), False

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            obj.checked_in_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Inquiry)
class InquiryAdmin(BigTableAdmin):
    list_display = [
        "created_at",
        "channel",
        "asker_name",
        "masked_phone",
        "house",
        "__str__",
        "referred_to",
        "referral_done_at",
        "site",
    ]
    list_filter = [
        SiteListFilter,
        "channel",
        ("referred_to", SiteScopedRelatedFilter),
    ]
    list_select_related = ["site", "house__building", "referred_to"]
    search_fields = ["asker_name"]
    search_help_text = _("Name (beginning) or whole phone")
    raw_id_fields = ["house", "resident"]
    readonly_fields = ["created_by", "referral_done_by", "personal_data_erased_at"]

    @admin.display(description=_("phone"), ordering="asker_phone")
    def masked_phone(self, inquiry: Inquiry) -> str:
        return mask_phone(inquiry.asker_phone)

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        return queryset.filter(person_search(term, "asker_name", "asker_phone")), False

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


class WaitingFilter(ChoiceListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("waiting", _("Waiting at the desk")), ("collected", _("Collected"))]

    def queryset(self, request, queryset):
        if self.value() == "waiting":
            return queryset.filter(collected_at__isnull=True)
        if self.value() == "collected":
            return queryset.filter(collected_at__isnull=False)
        return queryset


@admin.register(Parcel)
class ParcelAdmin(BigTableAdmin):
    list_display = [
        "received_at",
        "courier",
        "tracking_number",
        "house",
        "recipient_name",
        "shelf",
        "notified_at",
        "collected_at",
        "site",
    ]
    list_filter = [SiteListFilter, WaitingFilter, "courier"]
    list_select_related = ["site", "house__building"]
    search_fields = ["recipient_name"]
    search_help_text = _("Whole tracking number, or the recipient's name (beginning)")
    raw_id_fields = ["house"]
    # Photos are taken at the desk, through its upload checks; admin only shows them.
    readonly_fields = ["photo", "received_by", "notified_by", "handed_over_by"]

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        condition = Q(tracking_number__in={term, term.upper()}) | Q(recipient_name__startswith=term)
        return queryset.filter(condition), False

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            obj.received_by = request.user
        super().save_model(request, obj, form, change)
