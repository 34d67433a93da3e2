import json
from datetime import date

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import ActionLocation, IncorrectLookupParameters
from django.contrib.admin.views.main import SEARCH_VAR
from django.contrib.admin.widgets import (
    AdminTimeWidget,
    ForeignKeyRawIdWidget,
    url_params_from_lookup_dict,
)
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import EmptyResultSet, FieldDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.db import connections, models
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.constants import LOOKUP_SEP
from django.http import HttpRequest, HttpResponseNotAllowed
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, ngettext
from django_celery_beat.admin import PeriodicTaskAdmin as BasePeriodicTaskAdmin
from django_celery_beat.models import PeriodicTask

from frontdesk import revealable, services, worktime
from frontdesk.models import (
    CalendarDay,
    CompanySettings,
    Department,
    Heartbeat,
    PersonalDataAccess,
    Site,
    User,
    WorkingHours,
)
from frontdesk.personal import mask_phone
from frontdesk.schedules import all_schedules
from frontdesk.scoping import site_lookup_of


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
            # A raw id's label is looked up apart from the field's choices: through the
            # same scoped rows, or another site's id in the query string names its row.
            if "queryset" in kwargs and db_field.name in self.raw_id_fields:
                kwargs["widget"] = ScopedRawIdWidget(
                    db_field.remote_field,
                    self.admin_site,
                    kwargs["queryset"],
                    using=kwargs.get("using"),
                )
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if related is Department and formfield is not None:
            label_departments_by_site(formfield, request)
        return formfield


def label_departments_by_site(formfield, request) -> None:
    """Every site has its 工程部: to someone of several sites, each says whose it is."""
    if len(searchable_site_ids(request)) > 1:
        formfield.queryset = formfield.queryset.select_related("site")
        formfield.label_from_instance = lambda department: f"{department.site} · {department}"


class ScopedRawIdWidget(ForeignKeyRawIdWidget):
    """A raw id that names its row (and links to it) only when the row is one the field
    accepts; any other id shows as typed, with nothing about the row."""

    def __init__(self, rel, admin_site, queryset, attrs=None, using=None):
        self.queryset = queryset
        super().__init__(rel, admin_site, attrs, using)

    def label_and_url_for_value(self, value):
        key = self.rel.get_related_field().name
        try:
            found = self.queryset.using(self.db).filter(**{key: value}).exists()
        except (ValueError, ValidationError):
            return "", ""
        return super().label_and_url_for_value(value) if found else ("", "")


class DeclaredFiltersOnly:
    """A changelist filters only by the filters its admin declares.

    Django's admin otherwise takes any lookup on the model's own fields from the query
    string (``?phone__startswith=1380``): whether a row appears would tell a masked
    number digit by digit. Personal fields (frontdesk.revealable) are never filtered by a
    typed lookup, even where a filter names them.
    """

    def lookup_allowed(self, lookup, value, request) -> bool:
        if "\x00" in value:
            return False  # no field holds it; PostgreSQL refuses it in a query
        path = field_path(self.model, lookup)
        if any(name in revealable.fields_of(label) for label, name in path):
            return False
        # The popup of a raw-id field filters by the field's limit_choices_to.
        for fk_lookup in self.model._meta.related_fkey_lookups:
            fk_lookup = fk_lookup() if callable(fk_lookup) else fk_lookup
            if (lookup, value) in url_params_from_lookup_dict(fk_lookup).items():
                return True
        names = [name for _, name in path]
        for declared, is_field in declared_filters(self, request):
            if not is_field:
                if lookup == declared:
                    return True
                continue
            parts = declared.split(LOOKUP_SEP)
            # The field itself, or a relation's target by its key (what a related
            # filter's choices send: referred_to__id__exact).
            if names == parts or (names[:-1] == parts and names[-1] in ("id", "pk")):
                return True
        return False


def field_path(model, lookup: str) -> list[tuple[str, str]]:
    """The fields a lookup walks through, as (model label, field name), up to its first
    lookup or transform: "house__building__number__gt" walks three."""
    path = []
    for part in lookup.split(LOOKUP_SEP):
        if part == "pk":
            part = model._meta.pk.name
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            break
        path.append((model._meta.label_lower, field.name))
        if not field.is_relation or field.related_model is None:
            break
        model = field.related_model
    return path


def declared_filters(model_admin, request) -> list[tuple[str, bool]]:
    """An admin's filters: (a field path, True) or (a simple filter's parameter, False)."""
    found = [(model_admin.date_hierarchy, True)] if model_admin.date_hierarchy else []
    for item in model_admin.get_list_filter(request):
        if isinstance(item, (list, tuple)):
            item = item[0]
        if isinstance(item, str):
            found.append((item, True))
        elif isinstance(item, type) and issubclass(item, admin.SimpleListFilter):
            found.append((item.parameter_name, False))
    return found


class Admin(DeclaredFiltersOnly, admin.ModelAdmin):
    """The base of every admin here: lists filtered only as declared."""


class ChoiceListFilter(admin.SimpleListFilter):
    """A simple filter that takes only the values it offers: any other (``?site=abc``, an
    id of someone else's site) is admin's "incorrect lookup", never a server error."""

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        offered = {str(value) for value, _ in self.lookup_choices}
        if self.value() is not None and self.value() not in offered:
            raise IncorrectLookupParameters(f"{self.parameter_name}={self.value()!r}")


class SiteListFilter(ChoiceListFilter):
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
        lookup = site_lookup_of(field.related_model)
        rows = field.related_model._default_manager.complex_filter(field.get_limit_choices_to())
        if not request.user.is_superuser:
            rows = rows.filter(**{f"{lookup}__in": user_site_ids(request)})
        if ordering:
            rows = rows.order_by(*ordering)
        if len(searchable_site_ids(request)) < 2:
            return [(row.pk, str(row)) for row in rows]
        # Every site has its 工程部: with several sites, each says whose it is.
        rows = rows.select_related(lookup)
        return [(row.pk, f"{site_of(row)} · {row}") for row in rows]


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

    # Every method but POST renders the stored record (Django's change form answers any
    # method with the form); methods no page sends are refused rather than logged.
    ALLOWED_METHODS = ("GET", "HEAD", "POST")

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method not in self.ALLOWED_METHODS:
            return HttpResponseNotAllowed(self.ALLOWED_METHODS)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        fields = revealable.fields_of(self.model._meta.label_lower)
        # A POST renders what was posted, not what is stored; anything else shows the
        # stored numbers (a refused method never gets this far).
        if fields and request.method != "POST" and request.method in self.ALLOWED_METHODS:
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


class SiteScopedAdmin(PersonalDataOpenedLog, SiteScopedFields, Admin):
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

    def action_checkbox(self, obj):
        # Django renders this through a form widget and the template engine, a fraction of
        # a millisecond per row that came to a fifth of a big list's time; the same markup,
        # written once.
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            obj.pk,
            format_html(_("Select this object for an action - {}"), str(obj)),
        )

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
class SiteAdmin(Admin):
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
class UserAdmin(DeclaredFiltersOnly, BaseUserAdmin):
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
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "department" and formfield is not None:
            label_departments_by_site(formfield, request)
        return formfield

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
class HeartbeatAdmin(Admin):
    list_display = ["name", "beat_at", "hostname"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class RecordTypeFilter(ChoiceListFilter):
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

    list_display = [
        "at",
        "user",
        "site",
        "action",
        "record_type",
        "object_id",
        "fields_shown",
        "ip_address",
    ]
    fields = [
        "at",
        "user",
        "site",
        "action",
        "record_type",
        "object_id",
        "fields_shown",
        "description",
        "ip_address",
    ]
    readonly_fields = fields
    # A date filter rather than a date hierarchy, which reads the whole log on every view.
    list_filter = ["action", SiteListFilter, ("at", admin.DateFieldListFilter), RecordTypeFilter]
    list_select_related = ["user", "site"]
    search_fields = ["user__username", "user__full_name", "=object_id"]

    # The log keeps codes ("residents.resident", "phone,id_number") so that it outlives
    # renamed models and fields; a supervisor reads their names.
    def change_view(self, request, object_id, form_url="", extra_context=None):
        access = self.get_object(request, object_id)
        if access is not None:
            summary = " · ".join(
                [
                    str(access.user),
                    access.get_action_display(),
                    f"{self.record_type(access)} #{access.object_id}",
                    self.fields_shown(access),
                ]
            )
            extra_context = {**(extra_context or {}), "subtitle": summary}
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description=_("record type"), ordering="model")
    def record_type(self, access: PersonalDataAccess) -> str:
        model = model_of(access.model)
        return model._meta.verbose_name if model else access.model

    @admin.display(description=_("field"))
    def fields_shown(self, access: PersonalDataAccess) -> str:
        model = model_of(access.model)
        return "、".join(str(field_label(model, name)) for name in access.field.split(",") if name)


def model_of(label: str):
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def field_label(model, name: str):
    try:
        return model._meta.get_field(name).verbose_name if model else name
    except FieldDoesNotExist:
        return name


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


class StaffUsernameScopedAdmin(Admin):
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


# Periodic tasks run for every site: disabling the daily purge of visitors' data, or
# running it, acts for the whole company. Only the company's administrators change them;
# a site's supervisor reads them.
admin.site.unregister(PeriodicTask)


def is_company_admin(user) -> bool:
    return user.is_superuser


def schedule_titles() -> dict[str, str]:
    """Each declared task's Chinese name (frontdesk.schedules): "visitors.purge_personal_data"
    says nothing to a supervisor."""
    return {schedule.task: schedule.name for schedule in all_schedules()}


class TaskFilter(ChoiceListFilter):
    title = _("task")
    parameter_name = "task"

    def lookups(self, request, model_admin):
        titles = schedule_titles()
        tasks = set(titles) | set(PeriodicTask.objects.values_list("task", flat=True))
        return sorted(((task, titles.get(task, task)) for task in tasks), key=lambda c: c[1])

    def queryset(self, request, queryset):
        return queryset.filter(task=self.value()) if self.value() else queryset


@admin.register(PeriodicTask)
class PeriodicTaskAdmin(DeclaredFiltersOnly, BasePeriodicTaskAdmin):
    list_display = ["title", "enabled", "schedule", "last_run_at"]
    list_filter = ["enabled", TaskFilter]
    date_hierarchy = None
    READ_ONLY_FIELDSETS = (
        (None, {"fields": ("title", "task_described", "enabled", "description")}),
        (_("Schedule"), {"fields": ("interval", "crontab", "start_time", "last_run_at")}),
    )

    @admin.display(description=_("task name"), ordering="name")
    def title(self, task: PeriodicTask) -> str:
        return task.name

    @admin.display(description=_("task"))
    def task_described(self, task: PeriodicTask) -> str:
        return schedule_titles().get(task.task, task.task)

    @admin.display(description=_("Schedule"))
    def schedule(self, task: PeriodicTask) -> str:
        return str(task.scheduler)

    def has_add_permission(self, request) -> bool:
        return is_company_admin(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return is_company_admin(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return is_company_admin(request.user) and super().has_delete_permission(request, obj)

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        # Enable, disable, toggle and run act on the whole company's schedule.
        if not is_company_admin(request.user):
            return {}
        return super().get_actions(request, action_location)

    def get_fieldsets(self, request, obj=None):
        if is_company_admin(request.user):
            return super().get_fieldsets(request, obj)
        return self.READ_ONLY_FIELDSETS

    def get_readonly_fields(self, request, obj=None):
        if is_company_admin(request.user):
            return super().get_readonly_fields(request, obj)
        return [name for _, options in self.READ_ONLY_FIELDSETS for name in options["fields"]]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        # The model's own labels: "Name" (which reads 姓名 here) and an untranslated
        # "Task Name" for the code name.
        if "name" in form.base_fields:
            form.base_fields["name"].label = _("task name")
        if "task" in form.base_fields:
            form.base_fields["task"].label = _("task (code name)")
        return form


# Admins the libraries register themselves (groups, beat's schedules) filter only as
# declared, like ours.
for _model, _model_admin in list(admin.site._registry.items()):
    if not isinstance(_model_admin, DeclaredFiltersOnly):
        admin.site.unregister(_model)
        admin.site.register(
            _model,
            type(type(_model_admin).__name__, (DeclaredFiltersOnly, type(_model_admin)), {}),
        )


@admin.register(CompanySettings)
class CompanySettingsAdmin(Admin):
    """One row of company-wide rules: changed by company administrators only, read by
    everyone else who may open it."""

    list_display = ["__str__", "login_log_days"]

    def has_view_permission(self, request, obj=None) -> bool:
        return is_company_admin(request.user)

    def has_add_permission(self, request) -> bool:
        return is_company_admin(request.user) and not CompanySettings.objects.exists()

    def has_change_permission(self, request, obj=None) -> bool:
        return is_company_admin(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


# --- Working time ---------------------------------------------------------------------


class CalendarYearFilter(ChoiceListFilter):
    title = _("year")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = CalendarDay.objects.dates("date", "year", order="DESC")
        return [(str(day.year), str(day.year)) for day in years]

    def queryset(self, request, queryset):
        if self.value():
            year = int(self.value())
            return queryset.filter(date__gte=date(year, 1, 1), date__lte=date(year, 12, 31))
        return queryset


@admin.register(CalendarDay)
class CalendarDayAdmin(Admin):
    """The national holiday calendar deadlines are counted with: one for the company,
    kept by its administrators, read by site supervisors."""

    list_display = ["date", "weekday", "kind", "name"]
    list_filter = [CalendarYearFilter, "kind"]
    search_fields = ["name"]
    ordering = ["-date"]
    fields = ["date", "kind", "name"]

    @admin.display(description=_("day of the week"))
    def weekday(self, day: CalendarDay) -> str:
        return WEEKDAYS[day.date.weekday()]

    def has_add_permission(self, request) -> bool:
        return is_company_admin(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return is_company_admin(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return is_company_admin(request.user) and super().has_delete_permission(request, obj)

    def changelist_view(self, request, extra_context=None):
        today = timezone.localdate()
        if request.method == "GET" and worktime.calendar_missing_next_year(today):
            self.message_user(
                request,
                _(
                    "The holidays and make-up workdays of %(year)s are not entered yet: "
                    "deadlines after New Year count them as ordinary days until they are. "
                    "Enter them from the State Council's notice."
                )
                % {"year": today.year + 1},
                messages.WARNING,
            )
        return super().changelist_view(request, extra_context)


@admin.register(WorkingHours)
class WorkingHoursAdmin(SiteScopedAdmin):
    """Each site's working hours, which its deadlines count. One row per site, made with
    the defaults when the list is first opened; a site's supervisor changes its times."""

    list_display = ["site", "morning", "afternoon"]
    list_filter = [SiteListFilter]
    list_select_related = ["site"]
    fields = ["site", "morning_start", "morning_end", "afternoon_start", "afternoon_end"]
    readonly_fields = ["site"]
    formfield_overrides = {models.TimeField: {"widget": AdminTimeWidget(format="%H:%M")}}

    @admin.display(description=_("morning"))
    def morning(self, hours: WorkingHours) -> str:
        return f"{hours.morning_start:%H:%M}–{hours.morning_end:%H:%M}"

    @admin.display(description=_("afternoon"))
    def afternoon(self, hours: WorkingHours) -> str:
        return f"{hours.afternoon_start:%H:%M}–{hours.afternoon_end:%H:%M}"

    def changelist_view(self, request, extra_context=None):
        WorkingHours.ensure_for_sites(searchable_site_ids(request))
        return super().changelist_view(request, extra_context)

    # Rows come with their site; a site's hours are reset by changing them back.
    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
