"""The channels in Django admin: each site's group robots and SMS templates, which a
supervisor sets up and tries with a test message, and the delivery log (a big table, read
only, scoped to the supervisor's sites) with its resend action and the monthly SMS count.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models import Count, DateField, QuerySet
from django.db.models.functions import TruncMonth
from django.http import Http404, HttpRequest, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from frontdesk.admin import (
    BigTableAdmin,
    ChoiceListFilter,
    ReadOnlyAdmin,
    SiteListFilter,
    SiteScopedAdmin,
    searchable_site_ids,
)
from frontdesk.channels.adapters.tencent_sms import is_mainland_mobile
from frontdesk.channels.models import (
    Delivery,
    Robot,
    SmsTemplate,
    robot_key_from,
    validate_robot_key,
)
from frontdesk.channels.purposes import TEST_MESSAGE, all_purposes, purpose_choices
from frontdesk.channels.recipients import GroupRobot, Message, ResidentPhone
from frontdesk.channels.services.messages import message_send
from frontdesk.channels.services.resend import RESENDABLE, deliveries_resend
from frontdesk.fields import PhoneFormField
from frontdesk.models import Site
from frontdesk.personal import mask_phone

State = Delivery.State

# The models' own "purpose" reads as a visit's purpose (来访事由) in the catalogue.
PURPOSE_LABEL = _("message purpose")


def purpose_label(key: str) -> str:
    purpose = all_purposes().get(key)
    return str(purpose.label) if purpose else key


def local_time(value: datetime | None) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}" if value else ""


class PurposeFilter(ChoiceListFilter):
    title = PURPOSE_LABEL
    parameter_name = "purpose"

    def lookups(self, request, model_admin):
        return purpose_choices()

    def queryset(self, request, queryset):
        return queryset.filter(purpose=self.value()) if self.value() else queryset


def delivery_log_url(**filters) -> str:
    url = reverse("admin:channels_delivery_changelist")
    return f"{url}?{urlencode(filters)}" if filters else url


def report_test_send(model_admin, request: HttpRequest, rows: list[Delivery], log_url: str):
    """Say what became of a test message: queued (and where its outcome will show), or
    not sent and why (a robot switched off, no SMS provider)."""
    skipped = [row for row in rows if row.state == State.SKIPPED]
    if skipped:
        model_admin.message_user(
            request,
            format_html(
                gettext(
                    'The test was not sent: {reason} It is in the <a href="{url}">delivery log</a>.'
                ),
                reason=skipped[0].detail,
                url=log_url,
            ),
            messages.WARNING,
        )
        return
    model_admin.message_user(
        request,
        format_html(
            gettext(
                "The test is queued and goes out within a minute. Whether it arrived shows "
                'in the <a href="{url}">delivery log</a>.'
            ),
            url=log_url,
        ),
        messages.SUCCESS,
    )


# --- Group robots ---------------------------------------------------------------------


class RobotForm(forms.ModelForm):
    """The key is a secret: once saved it is never sent to a browser again, only its last
    four characters. An empty key on the change form keeps the saved one."""

    key = forms.CharField(
        label=_("robot key"),
        required=False,
        # A whole webhook address is longer than a key.
        max_length=500,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    class Meta:
        model = Robot
        fields = ["site", "name", "kind", "department", "key", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["key"] = ""
        if self.instance.pk:
            self.fields["key"].help_text = gettext("Saved: %(key)s; leave empty to keep it.") % {
                "key": self.instance.masked_key
            }
            if self.instance.broken_at is not None and "is_active" in self.fields:
                self.fields["is_active"].help_text = _(
                    "Saving marks the robot as working again: fix it in WeCom first."
                )
        else:
            self.fields["key"].required = True
            self.fields["key"].help_text = _(
                "Paste the robot's webhook address (…/webhook/send?key=…) or its key."
            )

    def clean_key(self) -> str:
        value = robot_key_from(self.cleaned_data["key"])
        if not value and self.instance.pk:
            return self.instance.key
        validate_robot_key(value)
        return value


class BrokenFilter(ChoiceListFilter):
    title = _("status")
    parameter_name = "broken"

    def lookups(self, request, model_admin):
        return [("yes", _("Not working")), ("no", _("Working"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(broken_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(broken_at__isnull=True)
        return queryset


@admin.register(Robot)
class RobotAdmin(SiteScopedAdmin):
    form = RobotForm
    list_display = ["name", "site", "kind", "department", "masked_key", "is_active", "status"]
    list_filter = [SiteListFilter, "kind", "is_active", BrokenFilter]
    list_select_related = ["site", "department"]
    search_fields = ["name"]
    readonly_fields = ["masked_key", "status"]

    @admin.display(description=_("robot key"))
    def masked_key(self, robot: Robot) -> str:
        return robot.masked_key

    @admin.display(description=_("status"))
    def status(self, robot: Robot) -> str:
        if robot.broken_at is not None:
            return gettext("Not working since %(at)s: %(reason)s") % {
                "at": local_time(robot.broken_at),
                "reason": robot.broken_reason or gettext("WeCom refused the robot."),
            }
        return gettext("Working") if robot.is_active else gettext("Switched off")

    def get_fields(self, request, obj=None):
        fields = ["site", "name", "kind", "department", "key", "is_active"]
        if obj is None:
            return fields
        if not self.has_change_permission(request, obj):
            # Read only, a form would show the stored key as it is.
            fields[fields.index("key")] = "masked_key"
        return [*fields, "status"]

    def save_model(self, request, obj, form, change) -> None:
        # Saving is how a supervisor says the robot works again (a new key, the robot back
        # in its group): the sender tries it again.
        obj.broken_at, obj.broken_reason = None, ""
        super().save_model(request, obj, form, change)

    def get_urls(self):
        test = path(
            "<path:object_id>/test/",
            self.admin_site.admin_view(self.send_test_view),
            name="channels_robot_test",
        )
        # Before admin's own: its "<path:object_id>/" catches everything below an id.
        return [test, *super().get_urls()]

    def send_test_view(self, request: HttpRequest, object_id: str):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_change_permission(request):
            raise PermissionDenied
        robot = self.get_object(request, unquote(object_id))
        if robot is None:
            raise Http404
        rows = message_send(
            site=robot.site,
            recipients=[GroupRobot(robot)],
            message=Message(
                purpose=TEST_MESSAGE,
                subject=gettext("Test message"),
                text=gettext(
                    "A test from the property front desk to “%(name)s” (%(site)s): "
                    "if the group reads this, its robot works."
                )
                % {"name": robot.name, "site": robot.site.name},
                params={"site": robot.site.name},
                urgent=True,
            ),
            about=robot,
            user=request.user,
        )
        report_test_send(self, request, rows, delivery_log_url(robot__id__exact=robot.pk))
        return redirect("admin:channels_robot_change", robot.pk)


# --- SMS templates ----------------------------------------------------------------------


class SmsTemplateForm(forms.ModelForm):
    purpose = forms.ChoiceField(label=PURPOSE_LABEL, choices=purpose_choices)

    class Meta:
        model = SmsTemplate
        fields = ["site", "purpose", "template_id", "sign_name", "params", "text", "is_active"]

    def clean_params(self) -> str:
        # Written one way, whichever commas were typed.
        return ",".join(SmsTemplate(params=self.cleaned_data["params"]).param_names)

    def clean(self):
        data = super().clean()
        purpose = data.get("purpose")
        if purpose and "params" in data:
            self.check_params(purpose, data["params"])
        if purpose and data.get("site") and data.get("is_active"):
            self.check_one_active(data["site"], purpose)
        return data

    def check_params(self, purpose: str, params: str) -> None:
        allowed = list(all_purposes()[purpose].params)
        unknown = [name for name in params.split(",") if name and name not in allowed]
        if not unknown:
            return
        if allowed:
            message = gettext(
                "Not a parameter of this purpose: %(unknown)s. It fills: %(allowed)s."
            )
        else:
            message = gettext("Not a parameter of this purpose: %(unknown)s. It fills none.")
        self.add_error(
            "params", message % {"unknown": "、".join(unknown), "allowed": "、".join(allowed)}
        )

    def check_one_active(self, site: Site, purpose: str) -> None:
        # The sender picks the one active template of a site and purpose (a unique index
        # holds it). Two supervisors saving at once would both pass the check below: the
        # site's row, locked until admin's transaction ends, makes the second wait for the
        # first and then see its template. No key update: other rows may still point at it.
        if connection.in_atomic_block:
            list(Site.objects.select_for_update(no_key=True).filter(pk=site.pk).values("pk"))
        clash = (
            SmsTemplate.objects.filter(site=site, purpose=purpose, is_active=True)
            .exclude(pk=self.instance.pk)
            .first()
        )
        if clash is not None:
            self.add_error(
                "purpose",
                gettext(
                    "Template %(id)s is already the active one for this purpose at this site: "
                    "switch it off first, or save this one as inactive."
                )
                % {"id": clash.template_id},
            )


class TestSmsForm(forms.Form):
    phone = PhoneFormField(
        label=_("mobile number"), help_text=_("The test SMS is sent to this number.")
    )

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"]
        if not is_mainland_mobile(phone):
            raise ValidationError(
                _("Text messages go to mobiles only: 11 digits starting with 1."), code="invalid"
            )
        return phone


@admin.register(SmsTemplate)
class SmsTemplateAdmin(SiteScopedAdmin):
    form = SmsTemplateForm
    list_display = ["purpose_shown", "site", "template_id", "sign_name", "params", "is_active"]
    list_filter = [SiteListFilter, PurposeFilter, "is_active"]
    list_select_related = ["site"]
    search_fields = ["=template_id"]

    @admin.display(description=PURPOSE_LABEL, ordering="purpose")
    def purpose_shown(self, template: SmsTemplate) -> str:
        return purpose_label(template.purpose)

    def get_urls(self):
        test = path(
            "<path:object_id>/test/",
            self.admin_site.admin_view(self.send_test_view),
            name="channels_smstemplate_test",
        )
        return [test, *super().get_urls()]

    def send_test_view(self, request: HttpRequest, object_id: str):
        if not self.has_change_permission(request):
            raise PermissionDenied
        template = self.get_object(request, unquote(object_id))
        if template is None:
            raise Http404
        back = reverse("admin:channels_smstemplate_change", args=[template.pk])
        if not template.is_active:
            # The sender uses the site's active template of the purpose, not this one.
            self.message_user(
                request,
                gettext("Only the active template of a purpose can be tried."),
                messages.ERROR,
            )
            return redirect(back)
        form = TestSmsForm(request.POST if request.method == "POST" else None)
        if form.is_valid():
            rows = message_send(
                site=template.site,
                recipients=[ResidentPhone(form.cleaned_data["phone"])],
                message=Message(
                    purpose=template.purpose,
                    subject=gettext("Test SMS"),
                    text=gettext("A test of SMS template %(id)s.") % {"id": template.template_id},
                    # What fills each parameter; the fixed text is the template's own.
                    params={name: gettext("test") for name in template.param_names},
                    urgent=True,
                ),
                about=template,
                user=request.user,
            )
            log_url = delivery_log_url(
                channel__exact=Delivery.Channel.SMS, purpose=template.purpose
            )
            report_test_send(self, request, rows, log_url)
            return redirect(back)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Send a test SMS"),
            "subtitle": f"{purpose_label(template.purpose)} ({template.template_id})",
            "opts": self.opts,
            "original": template,
            "purpose": purpose_label(template.purpose),
            "test_value": gettext("test"),
            "form": form,
        }
        return TemplateResponse(request, "admin/channels/smstemplate/test_sms.html", context)


# --- The delivery log -------------------------------------------------------------------


class ChosenRobotFilter(ChoiceListFilter):
    """The log of one robot, as its page links to it ("send a test message"). It lists no
    choices of its own: a company has a robot per building, and rendering them all on
    every view of the log cost more than finding its rows."""

    title = _("group robot")
    parameter_name = "robot__id__exact"

    def lookups(self, request, model_admin):
        value = self.value()
        if not (value and value.isdigit() and len(value) < 12):
            return []
        robots = Robot.objects.filter(pk=int(value))
        if not request.user.is_superuser:
            robots = robots.filter(site_id__in=searchable_site_ids(request))
        return [(str(robot.pk), str(robot)) for robot in robots]

    def queryset(self, request, queryset):
        return queryset.filter(robot_id=int(self.value())) if self.value() else queryset


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin, BigTableAdmin):
    """Every message the system sent or tried to: read here, never changed (a resend is a
    new row). A million rows and more: no full count, no date hierarchy, newest first by
    id along the (site, -id) index."""

    list_display = [
        "created",
        "channel",
        "recipient_and_phone",
        "purpose_shown",
        "state",
        "sent",
        "result",
        "site",
    ]
    # Thirty rows of a few columns, as the desk's lists show (each cell costs admin a
    # template lookup): a hundred rows of eleven spent far more time rendering than
    # finding them.
    list_per_page = 30
    # Carrying the list's filters into every row's link makes admin resolve the link's URL
    # once a row: a third of a filtered page's time. The record is read-only; the
    # browser's Back returns to the filtered list.
    preserve_filters = False
    # A date filter rather than a date hierarchy, which reads the whole log on every view.
    list_filter = [
        SiteListFilter,
        "channel",
        "state",
        PurposeFilter,
        ("created_at", admin.DateFieldListFilter),
        ChosenRobotFilter,
    ]
    list_select_related = ["site", "robot", "user"]
    # Only for the search box: get_search_results decides what a term matches.
    search_fields = ["recipient_name"]
    search_help_text = _("Recipient's name (beginning)")
    ordering = ["-id"]
    actions = ["resend"]
    # The whole phone, as every change form shows it: opening one is logged
    # (PersonalDataOpenedLog), the list shows it masked.
    fields = [
        "created",
        "site",
        "channel",
        "audience",
        "purpose_shown",
        "urgent",
        "subject",
        "text",
        "link",
        "params",
        "recipient",
        "robot",
        "user",
        "phone",
        "email",
        "about",
        "created_by",
        "state",
        "not_before",
        "attempts",
        "sent",
        "read_at",
        "backend",
        "code",
        "detail",
    ]
    readonly_fields = fields

    # Selecting "all" on a filtered list could otherwise queue the whole log again.
    RESEND_AT_MOST = 1000

    @admin.display(description=_("created at"), ordering="id")
    def created(self, delivery: Delivery) -> str:
        return local_time(delivery.created_at)

    @admin.display(description=_("sent at"), ordering="sent_at")
    def sent(self, delivery: Delivery) -> str:
        return local_time(delivery.sent_at)

    @admin.display(description=_("recipient"), ordering="recipient_name")
    def recipient(self, delivery: Delivery) -> str:
        if delivery.recipient_name:
            return delivery.recipient_name
        if delivery.robot_id:
            return delivery.robot.name
        if delivery.user_id:
            return delivery.user.get_full_name() or delivery.user.username
        return ""

    @admin.display(description=_("phone"))
    def masked_phone(self, delivery: Delivery) -> str:
        return mask_phone(delivery.phone)

    @admin.display(description=PURPOSE_LABEL, ordering="purpose")
    def purpose_shown(self, delivery: Delivery) -> str:
        return purpose_label(delivery.purpose)

    @admin.display(description=_("recipient"), ordering="recipient_name")
    def recipient_and_phone(self, delivery: Delivery) -> str:
        phone = mask_phone(delivery.phone) if delivery.phone else ""
        return f"{self.recipient(delivery)} {phone}".strip()

    @admin.display(description=_("detail"))
    def result(self, delivery: Delivery) -> str:
        """The provider's code and what it means, cut short (whole in the title)."""
        detail = delivery.detail
        if not detail:
            return delivery.code
        # Plain text cut by hand: Truncator's care for markup cost a millisecond a page.
        short = detail if len(detail) <= 30 else f"{detail[:29]}…"
        code = f"{delivery.code} · " if delivery.code else ""
        return format_html('{}<span title="{}">{}</span>', code, detail, short)

    @admin.display(description=_("about"))
    def about(self, delivery: Delivery) -> str:
        if delivery.about_type_id is None:
            return ""
        from django.contrib.contenttypes.models import ContentType

        kind = ContentType.objects.get_for_id(delivery.about_type_id)
        model = kind.model_class()
        name = model._meta.verbose_name if model else kind.model
        return f"{name} #{delivery.about_id}"

    def get_list_display(self, request):
        shown = super().get_list_display(request)
        if len(searchable_site_ids(request)) > 1:
            return shown
        return [name for name in shown if name != "site"]

    def get_search_results(self, request, queryset, search_term):
        # The recipient's name, never a phone: whether a row matches would tell its digits.
        term = search_term.strip()
        if not term:
            return queryset, False
        return queryset.filter(recipient_name__startswith=term), False

    def has_resend_permission(self, request) -> bool:
        # The log itself is never changed: a resend writes new rows as the desk's own
        # sending does, which whoever oversees the log may ask for.
        return self.has_view_permission(request)

    @admin.action(description=_("Resend"), permissions=["resend"])
    def resend(self, request, queryset) -> None:
        rows = list(queryset.filter(state__in=RESENDABLE)[: self.RESEND_AT_MOST + 1])
        if len(rows) > self.RESEND_AT_MOST:
            self.message_user(
                request,
                gettext("Resend at most %(n)d messages at a time: filter the list first.")
                % {"n": self.RESEND_AT_MOST},
                messages.ERROR,
            )
            return
        count = deliveries_resend(rows=rows, user=request.user)
        if count:
            self.message_user(
                request,
                ngettext(
                    "%(count)d message is sent again, as a new row at the top of the log.",
                    "%(count)d messages are sent again, as new rows at the top of the log.",
                    count,
                )
                % {"count": count},
                messages.SUCCESS,
            )
        else:
            self.message_user(
                request,
                gettext("Only failed messages and those whose outcome is unknown are resent."),
                messages.WARNING,
            )

    def get_urls(self):
        usage = path(
            "sms-usage/",
            self.admin_site.admin_view(self.sms_usage_view),
            name="channels_delivery_sms_usage",
        )
        return [usage, *super().get_urls()]

    def sms_usage_view(self, request: HttpRequest):
        if not self.has_view_permission(request):
            raise PermissionDenied
        site_ids = searchable_site_ids(request)
        months = last_months(12)
        counts = sms_sent_by_month(site_ids, months[0])
        sites = Site.objects.filter(pk__in=site_ids).order_by("name")
        table = [(site, [counts.get((site.pk, month), 0) for month in months]) for site in sites]
        # A row of totals only where there is more than one site to add up.
        totals = []
        if len(table) > 1:
            totals = [sum(row[i] for _, row in table) for i in range(len(months))]
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("SMS sent per month"),
            "opts": self.opts,
            "months": months,
            "table": [(site, row, sum(row)) for site, row in table],
            "totals": totals,
            "grand_total": sum(totals),
            "log_url": delivery_log_url(
                channel__exact=Delivery.Channel.SMS, state__exact=State.SENT
            ),
        }
        return TemplateResponse(request, "admin/channels/delivery/sms_usage.html", context)


def last_months(n: int) -> list[date]:
    """The first days of the last ``n`` months, this one last (site time)."""
    first = timezone.localdate().replace(day=1)
    months = [first]
    while len(months) < n:
        months.append((months[-1] - timedelta(days=1)).replace(day=1))
    return months[::-1]


def sms_sent_by_month(site_ids: list[int], since: date) -> dict[tuple[int, date], int]:
    """SMS sent per (site, month) from ``since`` on: they cost money."""
    rows = sms_sent_since(site_ids, since)
    return {(row["site_id"], row["month"]): row["n"] for row in rows}


def sms_sent_since(site_ids: list[int], since: date) -> QuerySet:
    # The conditions are those of the partial index delivery_sms_sent: only the sent SMS
    # rows of these sites are read, however big the log grows.
    start = timezone.make_aware(datetime.combine(since, time.min))
    return (
        Delivery.objects.filter(
            channel=Delivery.Channel.SMS,
            state=State.SENT,
            site_id__in=site_ids,
            sent_at__gte=start,
        )
        .annotate(month=TruncMonth("sent_at", output_field=DateField()))
        .values("site_id", "month")
        .annotate(n=Count("id"))
        .order_by()
    )
