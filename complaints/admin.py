"""Complaints in Django admin, for supervisors.

- Categories: each site's two-level tree, routed to a department of the same site, with
  its deadlines per urgency (inline); retired (not active), never deleted, since cases
  name them. A button on the list gives a site the default tree.
- Chasing rules (CaseSettings): one row per site, made with the defaults when the list
  is first opened.
- Cases: a big table, read only, with the timeline, photos and call-backs below each; a
  case is changed on its own page, so that every change is on its timeline. Nothing of a
  case is ever deleted (the database refuses it as well: admin must never offer it).
- Call-back attempts: a read-only log.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F, QuerySet
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from complaints.models import (
    CallbackAttempt,
    Case,
    CaseEvent,
    CasePhoto,
    CaseSettings,
    Category,
    CategoryDeadline,
)
from complaints.services.categories import categories_create_defaults
from complaints.services.changes import case_link
from frontdesk.admin import (
    BigTableAdmin,
    ChoiceListFilter,
    ReadOnlyAdmin,
    SiteListFilter,
    SiteScopedAdmin,
    SiteScopedInline,
    SiteScopedRelatedFilter,
    searchable_site_ids,
)
from frontdesk.models import Site


def local_time(value) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}" if value else ""


class NoDelete:
    """Never offered, to anyone: what cases name, or what the database keeps as written."""

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


# --- Categories -------------------------------------------------------------------------


class CategoryDeadlineInline(SiteScopedInline):
    model = CategoryDeadline
    extra = 0
    max_num = len(CategoryDeadline._meta.get_field("urgency").choices)
    fields = ["urgency", "respond_minutes", "resolve_minutes"]
    verbose_name_plural = _("deadlines per urgency")


class LevelFilter(ChoiceListFilter):
    title = _("level")
    parameter_name = "level"

    def lookups(self, request, model_admin):
        return [("top", _("Top-level categories")), ("sub", _("Sub-categories"))]

    def queryset(self, request, queryset):
        if self.value() == "top":
            return queryset.filter(parent__isnull=True)
        if self.value() == "sub":
            return queryset.filter(parent__isnull=False)
        return queryset


@admin.register(Category)
class CategoryAdmin(NoDelete, SiteScopedAdmin):
    list_display = ["tree_name", "site", "department", "sort_order", "is_active"]
    list_filter = [SiteListFilter, LevelFilter, "is_active"]
    list_select_related = ["site", "parent", "department"]
    search_fields = ["name"]
    fields = ["site", "parent", "name", "department", "sort_order", "is_active"]
    inlines = [CategoryDeadlineInline]
    actions = ["retire", "reinstate"]

    @admin.display(description=_("category"))
    def tree_name(self, category: Category) -> str:
        # Sub-categories under their parent, as the desk's picker shows them.
        if category.parent_id:
            return format_html("&emsp;{} / {}", category.parent.name, category.name)
        return category.name

    def get_ordering(self, request):
        # The tree in order: each top-level category followed by its sub-categories.
        return [
            "site_id",
            Coalesce("parent__sort_order", "sort_order").asc(),
            Coalesce("parent_id", "id").asc(),
            F("parent_id").asc(nulls_first=True),
            "sort_order",
            "id",
        ]

    def get_list_display(self, request):
        shown = super().get_list_display(request)
        if len(searchable_site_ids(request)) > 1:
            return shown
        return [name for name in shown if name != "site"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "parent" and formfield is not None:
            # Two levels: a parent is a top-level category.
            formfield.queryset = formfield.queryset.filter(parent__isnull=True).select_related(
                "site"
            )
            if len(searchable_site_ids(request)) > 1:
                formfield.label_from_instance = lambda c: f"{c.site} · {c.name}"
        if db_field.name == "department" and formfield is not None:
            formfield.queryset = formfield.queryset.filter(is_active=True)
        return formfield

    @admin.action(description=_("Retire the selected categories"), permissions=["change"])
    def retire(self, request: HttpRequest, queryset: QuerySet) -> None:
        # A retired top-level category takes its sub-categories with it: none is offered
        # on its own under a parent no longer in use.
        ids = list(queryset.values_list("pk", flat=True))
        count = (
            Category.objects.for_user(request.user)
            .filter(is_active=True)
            .filter(pk__in=ids)
            .update(is_active=False)
        )
        count += (
            Category.objects.for_user(request.user)
            .filter(is_active=True, parent_id__in=ids)
            .update(is_active=False)
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d category is retired: new cases can no longer pick it.",
                "%(count)d categories are retired: new cases can no longer pick them.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Put the selected categories back in use"), permissions=["change"])
    def reinstate(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = queryset.filter(is_active=False).update(is_active=True)
        self.message_user(
            request,
            ngettext(
                "%(count)d category is in use again.",
                "%(count)d categories are in use again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    # --- The default tree, for a site -----------------------------------------------------

    def get_urls(self):
        defaults = path(
            "create-defaults/",
            self.admin_site.admin_view(self.create_defaults_view),
            name="complaints_category_create_defaults",
        )
        return [defaults, *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_create_defaults": self.has_add_permission(request),
        }
        return super().changelist_view(request, extra_context)

    def create_defaults_view(self, request: HttpRequest):
        if not self.has_add_permission(request):
            raise PermissionDenied
        sites = Site.objects.filter(pk__in=searchable_site_ids(request)).order_by("name")
        form = DefaultTreeForm(request.POST or None, sites=sites)
        if request.method == "POST" and form.is_valid():
            site = form.cleaned_data["site"]
            created = categories_create_defaults(site=site)
            if created:
                self.message_user(
                    request,
                    ngettext(
                        "%(site)s: %(count)d category of the default tree was added.",
                        "%(site)s: %(count)d categories of the default tree were added.",
                        len(created),
                    )
                    % {"site": site.name, "count": len(created)},
                    messages.SUCCESS,
                )
            else:
                self.message_user(
                    request,
                    gettext("%(site)s already has every category of the default tree.")
                    % {"site": site.name},
                    messages.INFO,
                )
            url = reverse("admin:complaints_category_changelist")
            return redirect(f"{url}?site={site.pk}")
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Create the default categories"),
            "opts": self.opts,
            "form": form,
            "tree": default_tree_rows(),
        }
        return TemplateResponse(request, "admin/complaints/category/create_defaults.html", context)


def default_tree_rows() -> list[tuple[str, str, str]]:
    """(category, its sub-categories, the kind of department it goes to), for the page."""
    from complaints.services.categories import DEFAULT_TREE
    from frontdesk.models import Department

    kinds = dict(Department.Kind.choices)
    return [(name, "、".join(children), kinds[kind]) for name, kind, children in DEFAULT_TREE]


class DefaultTreeForm(forms.Form):
    site = forms.ModelChoiceField(
        label=_("site"),
        queryset=Site.objects.none(),
        help_text=_(
            "Categories the site already has (by name) are left as they are; only the "
            "missing ones are added, routed to the site's departments by kind."
        ),
    )

    def __init__(self, *args, sites: QuerySet, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites
        if len(sites) == 1:
            self.fields["site"].initial = sites[0].pk


# --- Chasing rules ----------------------------------------------------------------------


class CaseSettingsForm(forms.ModelForm):
    class Meta:
        model = CaseSettings
        fields = ["warn_percent", "idle_hours", "manager"]

    def clean_manager(self):
        manager = self.cleaned_data.get("manager")
        site = self.instance.site if self.instance.site_id else None
        if (
            manager is not None
            and site is not None
            and not manager.sites.filter(pk=site.pk).exists()
        ):
            raise ValidationError(
                _("The manager must be a member of staff of this site."), code="other_site"
            )
        return manager


@admin.register(CaseSettings)
class CaseSettingsAdmin(NoDelete, SiteScopedAdmin):
    """Each site's chasing rules. One row per site, made with the defaults when the list is
    first opened; a site's supervisor changes its numbers."""

    form = CaseSettingsForm
    list_display = ["site", "warn_percent", "idle_hours", "manager"]
    list_filter = [SiteListFilter]
    list_select_related = ["site", "manager"]
    fields = ["site", "warn_percent", "idle_hours", "manager"]
    readonly_fields = ["site"]

    def changelist_view(self, request, extra_context=None):
        CaseSettings.objects.bulk_create(
            [CaseSettings(site_id=pk) for pk in searchable_site_ids(request)],
            ignore_conflicts=True,
        )
        return super().changelist_view(request, extra_context)

    def has_add_permission(self, request) -> bool:
        return False


# --- Cases ----------------------------------------------------------------------------


class ReadOnlyInline(NoDelete, admin.TabularInline):
    """Rows kept as written (the database refuses UPDATE and DELETE on them)."""

    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class CaseEventInline(ReadOnlyInline):
    model = CaseEvent
    fields = ["at", "kind", "by", "from_state", "to_state", "department", "note"]
    readonly_fields = fields
    verbose_name_plural = _("timeline")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by", "department")


class CasePhotoInline(ReadOnlyInline):
    model = CasePhoto
    fields = ["created_at", "kind", "photo_link"]
    readonly_fields = fields

    @admin.display(description=_("photo"))
    def photo_link(self, photo: CasePhoto) -> str:
        return format_html('<a href="{}">{}</a>', photo.image.url, photo.image.name)


class CallbackAttemptInline(ReadOnlyInline):
    model = CallbackAttempt
    fields = ["at", "by", "reached", "note"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by")


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin, BigTableAdmin):
    """Every case of the supervisor's sites, newest first along (site, -created_at); read
    here, changed on its own page."""

    list_display = [
        "number",
        "kind",
        "state",
        "category",
        "department",
        "urgency",
        "resolve_by",
        "created",
        "site",
    ]
    list_per_page = 50
    list_filter = [
        SiteListFilter,
        "state",
        "kind",
        "urgency",
        "source",
        ("department", SiteScopedRelatedFilter),
        ("created_at", admin.DateFieldListFilter),
    ]
    list_select_related = ["site", "category__parent", "department"]
    search_fields = ["number"]
    search_help_text = _("Case number (TS20261201-0001), exactly")
    ordering = ["-created_at", "-id"]
    inlines = [CaseEventInline, CasePhotoInline, CallbackAttemptInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "case_page",
                    "site",
                    "number",
                    "kind",
                    "source",
                    "state",
                    "category",
                    "urgency",
                    "description",
                    "house",
                    "resident",
                    "building",
                    "place",
                    "department",
                    "handler",
                ]
            },
        ),
        (
            _("Deadlines"),
            {
                "fields": [
                    "respond_due",
                    "resolve_due",
                    "responded_at",
                    "resolved_at",
                    "resolution",
                    "paused_since",
                    "pause_kind",
                    "pause_reason",
                    "resume_expected",
                    "paused_minutes",
                    "reopen_count",
                ]
            },
        ),
        (
            _("12345 hotline"),
            {
                "classes": ["collapse"],
                "fields": ["hotline_ref", "hotline_deadline", "hotline_reply", "hotline_result"],
            },
        ),
        (
            _("Call-back"),
            {
                "fields": [
                    "callback_due",
                    "callback_attempts",
                    "rating",
                    "solved",
                    "satisfaction_comment",
                    "feedback_via",
                    "feedback_at",
                    "closed_at",
                    "close_reason",
                ]
            },
        ),
        (
            None,
            {"fields": ["created_by", "created_at", "updated_by", "updated_at"]},
        ),
    ]
    readonly_fields = [name for _, options in fieldsets for name in options["fields"]]

    @admin.display(description=_("resolve by"), ordering="resolve_due")
    def resolve_by(self, case: Case) -> str:
        return local_time(case.resolve_due)

    @admin.display(description=_("recorded at"), ordering="created_at")
    def created(self, case: Case) -> str:
        return local_time(case.created_at)

    @admin.display(description=_("case page"))
    def case_page(self, case: Case) -> str:
        link = case_link(case)
        if not link:
            return gettext("Changes are made on the case's page at the desk.")
        return format_html(
            '<a href="{}">{}</a>', link, gettext("Open the case's page to change it")
        )

    def get_list_display(self, request):
        shown = super().get_list_display(request)
        if len(searchable_site_ids(request)) > 1:
            return shown
        return [name for name in shown if name != "site"]

    def get_search_results(self, request, queryset, search_term):
        # The number exactly (it is unique per site): the (site, number) index answers.
        term = search_term.strip().upper()
        if not term:
            return queryset, False
        return queryset.filter(number=term), False


@admin.register(CallbackAttempt)
class CallbackAttemptAdmin(ReadOnlyAdmin, BigTableAdmin):
    """回访记录: every call to a resident after a resolution, answered or not."""

    list_display = ["when", "case", "by", "reached", "note"]
    list_filter = [SiteListFilter, "reached"]
    list_select_related = ["case", "by"]
    fields = ["case", "at", "by", "reached", "note"]
    readonly_fields = fields
    ordering = ["-id"]

    @admin.display(description=_("time"), ordering="id")
    def when(self, attempt: CallbackAttempt) -> str:
        return local_time(attempt.at)
