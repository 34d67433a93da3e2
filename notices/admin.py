"""Notices in Django admin, for supervisors.

- Notice types: each site's list (缴费通知, 停水停电 …), whether each also goes by SMS;
  retired (not active), never deleted, since notices name them.
- Templates: each site's reusable notices with placeholders; one with an unknown
  placeholder is refused with the known ones named.
- Requests, notices, attachments and timelines: read only. A notice is changed on its own
  page at the desk, so that every change is on its timeline; nothing of it is deleted
  (the database refuses it for the timeline as well: admin must never offer it).
"""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from frontdesk.admin import ReadOnlyAdmin, SiteListFilter, SiteScopedAdmin, searchable_site_ids
from notices.models import (
    Notice,
    NoticeAttachment,
    NoticeEvent,
    NoticeRequest,
    NoticeTemplate,
    NoticeType,
    PostingLocation,
)
from notices.rendering import PLACEHOLDERS


def local_time(value) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}" if value else ""


class NoDelete:
    """Never offered, to anyone: what notices name, or what the database keeps as written."""

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class SiteColumnWhenSeveral:
    """The site column only for a supervisor of more than one site."""

    def get_list_display(self, request):
        shown = super().get_list_display(request)
        if len(searchable_site_ids(request)) > 1:
            return shown
        return [name for name in shown if name != "site"]


@admin.register(NoticeType)
class NoticeTypeAdmin(NoDelete, SiteColumnWhenSeveral, SiteScopedAdmin):
    list_display = ["name", "site", "sms", "sort_order", "is_active"]
    list_editable = ["sms", "sort_order", "is_active"]
    list_filter = [SiteListFilter, "sms", "is_active"]
    list_select_related = ["site"]
    search_fields = ["name"]
    fields = ["site", "name", "sms", "sort_order", "is_active"]
    ordering = ["site_id", "sort_order", "id"]


@admin.register(NoticeTemplate)
class NoticeTemplateAdmin(SiteColumnWhenSeveral, SiteScopedAdmin):
    list_display = ["name", "site", "type", "urgent", "sort_order", "is_active"]
    list_filter = [SiteListFilter, "is_active", "urgent"]
    list_select_related = ["site", "type"]
    search_fields = ["name", "title"]
    fields = ["site", "name", "type", "title", "body", "urgent", "sort_order", "is_active"]
    ordering = ["site_id", "sort_order", "id"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        known = "、".join(f"{{{name}}}（{meaning}）" for name, meaning in PLACEHOLDERS.items())
        form.base_fields["body"].help_text = gettext(
            "Markdown: # heading, - list, **bold**, tables. Placeholders: %(known)s."
        ) % {"known": known}
        return form

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "type" and formfield is not None:
            formfield.queryset = formfield.queryset.select_related("site")
            if len(searchable_site_ids(request)) > 1:
                formfield.label_from_instance = lambda t: f"{t.site} · {t.name}"
        return formfield


@admin.register(NoticeRequest)
class NoticeRequestAdmin(ReadOnlyAdmin, SiteColumnWhenSeveral, SiteScopedAdmin):
    """管理处的通知需求, as recorded at the desk."""

    list_display = ["received", "requested_by", "department", "via", "wanted_on", "site"]
    list_filter = [SiteListFilter, "via"]
    list_select_related = ["site", "department"]
    search_fields = ["requested_by"]
    fields = [
        "site",
        "requested_by",
        "department",
        "via",
        "content",
        "wanted_on",
        "received_by",
        "received_at",
    ]
    readonly_fields = fields
    ordering = ["-received_at", "-id"]

    @admin.display(
        description=pgettext_lazy("notice request", "received at"), ordering="received_at"
    )
    def received(self, row: NoticeRequest) -> str:
        return local_time(row.received_at)


class ReadOnlyInline(NoDelete, admin.TabularInline):
    """Rows kept as written, or changed only at the desk."""

    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class NoticeEventInline(ReadOnlyInline):
    model = NoticeEvent
    fields = ["at", "kind", "by", "from_state", "to_state", "note"]
    readonly_fields = fields
    verbose_name_plural = _("timeline")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by")


class NoticeAttachmentInline(ReadOnlyInline):
    model = NoticeAttachment
    fields = ["name", "kind", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("uploaded_by")


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin, SiteColumnWhenSeveral, SiteScopedAdmin):
    """Every notice of the supervisor's sites, newest first; read here, changed on its own
    page at the desk."""

    list_display = ["title", "type", "state", "version", "urgent", "created", "site"]
    list_filter = [SiteListFilter, "state", "urgent"]
    list_select_related = ["site", "type"]
    search_fields = ["title"]
    ordering = ["-created_at", "-id"]
    inlines = [NoticeAttachmentInline, NoticeEventInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "notice_page",
                    "site",
                    "type",
                    "title",
                    "body",
                    "issuer",
                    "urgent",
                    "state",
                    "audience",
                    "audience_rows",
                    "effective_from",
                    "expires_on",
                    "version",
                    "supersedes",
                    "request",
                    "template",
                ]
            },
        ),
        (
            _("Approval"),
            {
                "fields": [
                    "created_by",
                    "created_at",
                    "submitted_by",
                    "submitted_at",
                    "approved_by",
                    "approved_at",
                    "approval_comment",
                    "return_comment",
                    "published_by",
                    "published_at",
                    "withdrawn_by",
                    "withdrawn_at",
                    "withdraw_reason",
                    "ended_at",
                ]
            },
        ),
    ]
    readonly_fields = [name for _, options in fieldsets for name in options["fields"]]

    @admin.display(description=_("drafted at"), ordering="created_at")
    def created(self, notice: Notice) -> str:
        return local_time(notice.created_at)

    @admin.display(description=_("notice page"))
    def notice_page(self, notice: Notice) -> str:
        return format_html(
            '<a href="{}">{}</a>',
            reverse("notices:detail", args=[notice.pk]),
            gettext("Open the notice's page to change it"),
        )

    @admin.display(description=_("chosen"))
    def audience_rows(self, notice: Notice) -> str:
        rows = [
            *(b.label for b in notice.buildings.all()),
            *(str(e) for e in notice.entrances.select_related("building")),
            *(h.label for h in notice.houses.select_related("building")),
        ]
        return format_html_join("、", "{}", ((row,) for row in rows)) or "—"


@admin.register(PostingLocation)
class PostingLocationAdmin(NoDelete, SiteColumnWhenSeveral, SiteScopedAdmin):
    """Where each site posts its notices (张贴位置): one board per building, lift lobbies,
    gates. Retired (not active), never deleted: postings name them. Its QR code key is
    made once and never shown for editing: the posters already up carry it."""

    list_display = ["name", "site", "kind", "building", "sort_order", "is_active"]
    list_editable = ["sort_order", "is_active"]
    list_filter = [SiteListFilter, "kind", "is_active"]
    list_select_related = ["site", "building"]
    search_fields = ["name"]
    fields = ["site", "name", "kind", "building", "sort_order", "is_active"]
    ordering = ["site_id", "sort_order", "id"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "building" and formfield is not None:
            formfield.queryset = formfield.queryset.select_related("site")
            if len(searchable_site_ids(request)) > 1:
                formfield.label_from_instance = lambda b: f"{b.site} · {b.label}"
        return formfield
