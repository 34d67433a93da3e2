from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from frontdesk import services
from frontdesk.models import Department, Heartbeat, PersonalDataAccess, Site, User

admin.site.site_header = _("Property front desk administration")
admin.site.site_title = _("Property front desk administration")
admin.site.index_title = _("Configuration")


def user_site_ids(request: HttpRequest) -> list[int]:
    # Cached on the request: every admin form asks it for each foreign key field.
    if not hasattr(request, "_admin_site_ids"):
        request._admin_site_ids = list(request.user.sites.values_list("pk", flat=True))
    return request._admin_site_ids


class SiteScopedAdmin(admin.ModelAdmin):
    """Admin scoped like the desk: a supervisor sees and picks only their sites' rows."""

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).for_user(request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = db_field.related_model
        if not request.user.is_superuser:
            if related is Site:
                kwargs["queryset"] = Site.objects.filter(pk__in=user_site_ids(request))
            elif hasattr(related._default_manager, "for_user"):
                kwargs["queryset"] = related._default_manager.for_user(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


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
    list_filter = ["kind", "is_active", "site"]
    list_select_related = ["site"]
    search_fields = ["name"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "department", "is_active", "last_login"]
    list_filter = ["groups", "is_active", "sites"]
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
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["username", "full_name", "password1", "password2", "sites", "groups"],
            },
        )
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(sites__in=user_site_ids(request)).distinct()

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


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    list_display = ["name", "beat_at", "hostname"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(SiteScopedAdmin):
    """Who saw which full phone or ID number: readable by supervisors, never editable."""

    list_display = ["at", "user", "site", "action", "model", "object_id", "field", "ip_address"]
    list_filter = ["action", "site", "model"]
    list_select_related = ["user", "site"]
    search_fields = ["user__username", "user__full_name", "=object_id"]
    date_hierarchy = "at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
