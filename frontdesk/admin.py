import json

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.apps import apps
from django.contrib import admin, messages
from django.contrib.admin.views.main import SEARCH_VAR
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, ngettext
from django_celery_beat.admin import PeriodicTaskAdmin as BasePeriodicTaskAdmin
from django_celery_beat.admin import PeriodicTaskForm
from django_celery_beat.models import PeriodicTask

from frontdesk import revealable, services
from frontdesk.models import Department, Heartbeat, PersonalDataAccess, Site, User
from frontdesk.personal import mask_phone
from frontdesk.scoping import site_lookup_of

admin.site.site_header = _("Property front desk administration")
admin.site.site_title = _("Property front desk administration")
admin.site.index_title = _("Configuration")


def user_site_ids(request: HttpRequest) -> list[int]:
    # Cached on the request: every admin form asks it for each foreign key field.
    if not hasattr(request, "_admin_site_ids"):
        request._admin_site_ids = list(request.user.sites.values_list("pk", flat=True))
    return request._admin_site_ids


def searchable_site_ids(request: HttpRequest) -> list[int]:
    """The sites an admin search spans: the supervisor's, or every site for a superuser
    (searches keyed by site, like the records lookup's, then scan each site's keys)."""
    if request.user.is_superuser:
        return list(Site.objects.values_list("pk", flat=True))
    return user_site_ids(request)


class SiteScopedFields:
    """Foreign keys offer, and accept, only rows of the supervisor's sites.

    The queryset of a form field is also what the submitted value is validated against,
    so this closes the door a raw id or an edited request would otherwise open. Used by
    admin pages and by their inlines alike.
    """

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = db_field.related_model
        if not request.user.is_superuser:
            if related is Site:
                kwargs["queryset"] = Site.objects.filter(pk__in=user_site_ids(request))
            elif related is User:
                kwargs["queryset"] = User.objects.filter(
                    sites__in=user_site_ids(request)
                ).distinct()
            elif hasattr(related._default_manager, "for_user"):
                kwargs["queryset"] = related._default_manager.for_user(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class SiteListFilter(admin.SimpleListFilter):
    """The site filter, listing only the supervisor's own sites."""

    title = _("site")
    parameter_name = "site"

    def lookups(self, request, model_admin):
        sites = Site.objects.all()
        if not request.user.is_superuser:
            sites = sites.filter(pk__in=user_site_ids(request))
        return [(site.pk, site.name) for site in sites]

    def queryset(self, request, queryset):
        if self.value():
            lookup = getattr(queryset.model, "site_lookup", "site")
            return queryset.filter(**{f"{lookup}__pk": self.value()})
        return queryset


class StaffSiteListFilter(SiteListFilter):
    def queryset(self, request, queryset):
        return queryset.filter(sites__pk=self.value()) if self.value() else queryset


class SiteScopedRelatedFilter(admin.RelatedFieldListFilter):
    """Choices from the related (small) table, within the supervisor's sites.

    RelatedOnlyFieldListFilter would instead find the values in use by reading the big
    table (every request of the sites, say) on every view of its list.
    """

    def field_choices(self, field, request, model_admin):
        ordering = self.field_admin_ordering(field, request, model_admin)
        limit = {}
        if not request.user.is_superuser:
            limit = {f"{site_lookup_of(field.related_model)}__in": user_site_ids(request)}
        return field.get_choices(include_blank=False, limit_choices_to=limit, ordering=ordering)


class EstimatedCountPaginator(Paginator):
    """Counts exactly only what is cheap to count.

    A changelist of a big table (millions of bills) would otherwise run a full COUNT(*)
    on every page view; above ESTIMATE_ABOVE rows the planner's estimate for the same
    query stands in (the admin shows "about" that many, which is all a supervisor needs).
    """

    ESTIMATE_ABOVE = 10_000

    @cached_property
    def count(self) -> int:
        query = self.object_list
        if not isinstance(query, QuerySet):
            return super().count
        try:
            sql, params = query.query.sql_with_params()
        except EmptyResultSet:  # a search that can match nothing (qs.none())
            return 0
        with connections[query.db].cursor() as cursor:
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
            plan = cursor.fetchone()[0]
        plan = json.loads(plan) if isinstance(plan, str) else plan
        estimate = int(plan[0]["Plan"]["Plan Rows"])
        return estimate if estimate > self.ESTIMATE_ABOVE else super().count


class PersonalDataOpenedLog:
    """Opening a change form shows the record's personal fields in full: logged as a
    reveal of those that hold a value. The fields are those the model's area declares
    (frontdesk.revealable), so that no admin keeps a list of its own; the object is
    fetched through the admin's (scoped) queryset first."""

    def change_view(self, request, object_id, form_url="", extra_context=None):
        fields = revealable.fields_of(self.model._meta.label_lower)
        if fields and request.method == "GET":
            obj = self.get_object(request, object_id)
            shown = [name for name in fields if obj is not None and getattr(obj, name)]
            if shown:
                services.personal_data_access_log(
                    user=request.user,
                    site=site_of(obj),
                    obj=obj,
                    field=",".join(shown),
                    ip_address=request.META.get("REMOTE_ADDR"),
                    description=f"{obj} (admin)",
                )
        return super().change_view(request, object_id, form_url, extra_context)


def site_of(obj) -> Site:
    site = obj
    for name in site_lookup_of(type(obj)).split("__"):
        site = getattr(site, name)
    return site


class ReadOnlyAdmin:
    """A log kept by the system: read in admin, never added to, changed or deleted there."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class SiteScopedAdmin(PersonalDataOpenedLog, SiteScopedFields, admin.ModelAdmin):
    """Admin scoped like the desk: a supervisor sees and picks only their sites' rows, and
    opening a record's personal data is logged."""

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).for_user(request.user)


class BigTableAdmin(SiteScopedAdmin):
    """For tables that grow into the hundreds of thousands of rows and beyond (residents,
    bills, payments, logs): no full count on every view."""

    paginator = EstimatedCountPaginator
    # The unfiltered total is a second count of the whole table on every page.
    show_full_result_count = False
    # Facets count the rows of every filter choice.
    show_facets = admin.ShowFacets.NEVER

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # The site ids themselves, not a subquery: with them the planner walks the
        # (site, -id) index; with a subquery it walks the whole table newest first.
        qs = admin.ModelAdmin.get_queryset(self, request)
        if request.user.is_superuser:
            return qs
        return qs.filter(**{f"{site_lookup_of(self.model)}__in": user_site_ids(request)})

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        # A search's matches are counted exactly: they are few, and the planner's guess at
        # them (a subquery of lookup keys, say) can be off by thousands either way.
        if request.GET.get(SEARCH_VAR, "").strip():
            return Paginator(queryset, per_page, orphans, allow_empty_first_page)
        return super().get_paginator(request, queryset, per_page, orphans, allow_empty_first_page)


class SiteScopedInline(SiteScopedFields, admin.TabularInline):
    pass


class DepartmentInline(admin.TabularInline):
    model = Department
    extra = 0
    fields = ["name", "kind", "phone", "sort_order", "is_active"]


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ["name", "address", "service_phone", "is_active"]
    search_fields = ["name", "address"]
    list_filter = ["is_active"]
    inlines = [DepartmentInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        qs = super().get_queryset(request)
        return qs if request.user.is_superuser else qs.filter(pk__in=user_site_ids(request))

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if not change:
            services.departments_create_defaults(site=obj)
            if not request.user.is_superuser:
                request.user.sites.add(obj)


@admin.register(Department)
class DepartmentAdmin(SiteScopedAdmin):
    list_display = ["name", "site", "kind", "phone", "sort_order", "is_active"]
    list_filter = ["kind", "is_active", SiteListFilter]
    list_select_related = ["site"]
    search_fields = ["name"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = [
        "username",
        "full_name",
        "masked_phone",
        "department",
        "is_active",
        "last_login",
    ]
    list_filter = ["groups", "is_active", StaffSiteListFilter]
    list_select_related = ["department"]
    search_fields = ["username", "full_name"]
    filter_horizontal = ["sites", "groups", "user_permissions"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Staff member"), {"fields": ["full_name", "phone", "sites", "department", "groups"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "user_permissions"]},
        ),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    actions = ["end_sessions"]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["username", "full_name", "password1", "password2", "sites", "groups"],
            },
        )
    ]

    @admin.display(description=_("phone"))
    def masked_phone(self, user: User) -> str:
        # A staff member's own mobile number is personal data like a resident's.
        return mask_phone(user.phone)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        """A supervisor manages only staff wholly within their own sites.

        Never a superuser, and never someone who also works at a site the supervisor does
        not: editing them (their password, their groups) would reach beyond the
        supervisor's own sites.
        """
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        own = user_site_ids(request)
        elsewhere = User.sites.through.objects.filter(user=OuterRef("pk")).exclude(site__in=own)
        return qs.filter(sites__in=own, is_superuser=False).exclude(Exists(elsewhere)).distinct()

    def get_readonly_fields(self, request, obj=None):
        # Only a superuser may hand out superuser or per-user permissions.
        if request.user.is_superuser:
            return ()
        return ("is_superuser", "user_permissions", "last_login", "date_joined")

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "sites" and not request.user.is_superuser:
            kwargs["queryset"] = Site.objects.filter(pk__in=user_site_ids(request))
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "department" and not request.user.is_superuser:
            kwargs["queryset"] = Department.objects.for_user(request.user).select_related("site")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        # Django already refuses an inactive user's sessions; ending them also closes
        # their entries in the login log.
        if change and "is_active" in form.changed_data and not obj.is_active:
            services.user_sessions_end(user=obj)

    @admin.action(description=_("End all sessions of the selected staff"), permissions=["change"])
    def end_sessions(self, request: HttpRequest, queryset: QuerySet) -> None:
        # The queryset is already scoped to the supervisor's sites (get_queryset); only a
        # superuser may end a superuser's sessions.
        if not request.user.is_superuser:
            queryset = queryset.filter(is_superuser=False)
        users = list(queryset)
        for user in users:
            services.user_sessions_end(user=user)
        self.message_user(
            request,
            ngettext(
                "Ended the sessions of %(count)d member of staff.",
                "Ended the sessions of %(count)d members of staff.",
                len(users),
            )
            % {"count": len(users)},
            messages.SUCCESS,
        )


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    list_display = ["name", "beat_at", "hostname"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class RecordTypeFilter(admin.SimpleListFilter):
    """The record types that hold personal data, rather than those in the log (which
    the default filter finds by reading the whole log on every view)."""

    title = _("record type")
    parameter_name = "model"

    def lookups(self, request, model_admin):
        return [
            (model._meta.label_lower, model._meta.verbose_name)
            for model in apps.get_models()
            if any(revealable.masker(model._meta.label_lower, f.name) for f in model._meta.fields)
        ]

    def queryset(self, request, queryset):
        return queryset.filter(model=self.value()) if self.value() else queryset


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(ReadOnlyAdmin, BigTableAdmin):
    """Who saw which full phone or ID number: readable by supervisors, never editable."""

    list_display = ["at", "user", "site", "action", "model", "object_id", "field", "ip_address"]
    # A date filter rather than a date hierarchy, which reads the whole log on every view.
    list_filter = ["action", SiteListFilter, ("at", admin.DateFieldListFilter), RecordTypeFilter]
    list_select_related = ["user", "site"]
    search_fields = ["user__username", "user__full_name", "=object_id"]


# --- Login protection (django-axes) -------------------------------------------------
# Axes's own admin is switched off (AXES_ENABLE_ADMIN): these show the same records,
# scoped like the rest of admin and never editable. A supervisor unlocks an account by
# deleting its row among the login attempts.

apps.get_app_config("axes").verbose_name = _("Login protection")

# django-axes ships no Chinese; naming its labels here puts them in our catalogue.
AXES_LABELS = [
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("User Agent"),
    gettext_noop("IP Address"),
    gettext_noop("Username"),
    gettext_noop("HTTP Accept"),
    gettext_noop("Path"),
    gettext_noop("Attempt Time"),
    gettext_noop("GET Data"),
    gettext_noop("POST Data"),
    gettext_noop("Failed Logins"),
    gettext_noop("Logout Time"),
    gettext_noop("Session key hash (sha256)"),
    gettext_noop("Access lock out"),
    gettext_noop("Locked Out"),
    gettext_noop("Attempt Remaining"),
    gettext_noop("Form Data"),
    gettext_noop("Meta Data"),
    gettext_noop("Not set"),
]


class StaffUsernameScopedAdmin(admin.ModelAdmin):
    """Axes keeps usernames, not users: a supervisor sees the rows of their sites' staff,
    and those of usernames that are no one's (typos, guesses), which belong to no site."""

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        theirs = User.objects.filter(sites__in=user_site_ids(request)).values("username")
        return qs.filter(
            Q(username__in=theirs)
            | Q(username__isnull=True)
            | ~Q(username__in=User.objects.values("username"))
        )

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AccessAttempt)
class LoginAttemptAdmin(StaffUsernameScopedAdmin, AccessAttemptAdmin):
    # Axes' "clean up expired attempts" does nothing without a cool-off.
    actions = []

    @admin.display(description=_("Status"))
    def status(self, obj: AccessAttempt) -> str:
        return super().status(obj)


class LoginLogListing:
    """The two logs grow with every login: no full count, no date hierarchy and no filter
    by path (each reads the whole log on every view), newest first by id (the time is
    not indexed; ids follow it)."""

    paginator = EstimatedCountPaginator
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    date_hierarchy = None
    ordering = ["-id"]

    def get_list_filter(self, request):
        return [f for f in super().get_list_filter(request) if f != "path_info"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AccessLog)
class LoginLogAdmin(LoginLogListing, StaffUsernameScopedAdmin, AccessLogAdmin):
    pass


@admin.register(AccessFailureLog)
class LoginFailureLogAdmin(LoginLogListing, StaffUsernameScopedAdmin, AccessFailureLogAdmin):
    pass


# Periodic tasks run for every site: a site's supervisor may change when a task runs and
# whether it is enabled, never which task runs or with what arguments.
admin.site.unregister(PeriodicTask)


class ScheduleOnlyForm(PeriodicTaskForm):
    def clean(self):
        data = forms.ModelForm.clean(self)
        data["task"] = self.instance.task
        return data


@admin.register(PeriodicTask)
class PeriodicTaskAdmin(BasePeriodicTaskAdmin):
    SUPERVISOR_FIELDSETS = (
        (None, {"fields": ("name", "task", "enabled", "description")}),
        (_("Schedule"), {"fields": ("interval", "crontab", "start_time", "one_off")}),
    )

    def get_fieldsets(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_fieldsets(request, obj)
        return self.SUPERVISOR_FIELDSETS

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        return ("name", "task", "last_run_at")

    def get_form(self, request, obj=None, **kwargs):
        if not request.user.is_superuser:
            kwargs["form"] = ScheduleOnlyForm
        return super().get_form(request, obj, **kwargs)
