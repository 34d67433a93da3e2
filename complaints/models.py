"""The resident's voice: complaints, suggestions, repair requests and praise, as one case.

- ``Category``: a site's two-level tree (工程维修/漏水), each routed to a department and
  given, per urgency, a first-response and a resolution allowance (``CategoryDeadline``).
- ``Case``: one matter from recording to closing, its number (TS20261201-0001), where it
  is, its deadlines and when it must next be chased (``next_due``), its pause, its
  call-back and the resident's satisfaction.
- ``CaseEvent``: the timeline. Rows are only ever added: a trigger in the database refuses
  UPDATE and DELETE on it (and on photos and call-back attempts), for admin and raw SQL
  alike; cases themselves are never deleted (their events PROTECT them).

Every write goes through ``complaints.services``; states and what may happen in each are
``complaints.states``; how deadlines and reminders are counted is ``complaints.deadlines``.
"""

from __future__ import annotations

import secrets

from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from frontdesk.models import AppendOnly, Department, Site, SiteSettings
from frontdesk.scoping import SiteScopedQuerySet, check_same_site

from .states import BADGES, OPEN, RUNNING, State

# A category's allowance is at most this many minutes (60 calendar days; in working time
# far longer): a typo of a few zeros, not a deadline.
MAX_ALLOWANCE_MINUTES = 60 * 24 * 60
FEEDBACK_TOKEN_BYTES = 24  # 32 characters in the link; far beyond guessing
# The resident's feedback link answers for this long after the resolution.
FEEDBACK_DAYS = 30


def new_feedback_token() -> str:
    return secrets.token_urlsafe(FEEDBACK_TOKEN_BYTES)


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")
    # Counted in calendar time: a burst pipe does not wait for Monday.
    EMERGENCY = "emergency", _("Emergency")


class Category(models.Model):
    """投诉/报修分类: two levels (环境卫生 › 垃圾清运); a case may name either level.

    Routing and allowances are looked up on the category, then on its parent, then
    fall back to the defaults in ``complaints.deadlines``: a sub-category names its own
    only where it differs.
    """

    site = models.ForeignKey(
        Site, verbose_name=_("site"), on_delete=models.CASCADE, related_name="+"
    )
    # RESTRICT: a top-level category goes only with its sub-categories (as when its
    # site is deleted), never leaving them without a parent.
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent category"),
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="children",
    )
    name = models.CharField(pgettext_lazy("category", "name"), max_length=30)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    department = models.ForeignKey(
        Department,
        verbose_name=_("default department"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("New cases of this category go to this department."),
    )

    objects = SiteScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("case category")
        verbose_name_plural = _("case categories")
        ordering = ["site_id", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "parent", "name"],
                name="category_unique_name",
                nulls_distinct=False,
                violation_error_message=_("This category already has that name."),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        """工程维修/漏水 (the parent is fetched unless selected with it)."""
        return f"{self.parent.name}/{self.name}" if self.parent_id else self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        check_same_site(self, "parent", "department")
        if self.parent_id is not None:
            if self.parent.parent_id is not None:
                raise ValidationError(
                    {"parent": _("Categories have two levels: pick a top-level category.")}
                )
            if self.pk is not None and self.parent_id == self.pk:
                raise ValidationError({"parent": _("A category cannot be its own parent.")})
            if self.pk is not None and Category.objects.filter(parent_id=self.pk).exists():
                raise ValidationError(
                    {"parent": _("This category has sub-categories: it must stay on top.")}
                )

    def routed_department(self) -> Department | None:
        """The department new cases go to: this category's, else its parent's."""
        if self.department_id is not None:
            return self.department
        return self.parent.department if self.parent_id else None


class CategoryDeadline(models.Model):
    """How long a department has for a case of this category and urgency, in working
    minutes (calendar minutes for emergencies): to respond (accept it) and to resolve it."""

    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.CASCADE, related_name="deadlines"
    )
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices)
    respond_minutes = models.PositiveIntegerField(
        _("respond within (minutes)"),
        validators=[MinValueValidator(1), MaxValueValidator(MAX_ALLOWANCE_MINUTES)],
        help_text=_("Working minutes; calendar minutes for emergencies."),
    )
    resolve_minutes = models.PositiveIntegerField(
        _("resolve within (minutes)"),
        validators=[MinValueValidator(1), MaxValueValidator(MAX_ALLOWANCE_MINUTES)],
        help_text=_(
            "Working minutes (a working day is 450 by default); calendar minutes for emergencies."
        ),
    )

    site_lookup = "category__site"
    objects = SiteScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("category deadline")
        verbose_name_plural = _("category deadlines")
        ordering = ["category_id", "urgency"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "urgency"],
                name="categorydeadline_unique",
                violation_error_message=_("This urgency already has its deadlines."),
            ),
            models.CheckConstraint(
                condition=Q(respond_minutes__lte=models.F("resolve_minutes")),
                name="categorydeadline_respond_first",
                violation_error_message=_("The response cannot be due after the resolution."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category} · {self.get_urgency_display()}"


class CaseSettings(SiteSettings):
    """A site's chasing rules, set by its supervisor in admin; defaults when absent."""

    site = models.OneToOneField(
        Site,
        verbose_name=_("site"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="case_settings",
    )
    warn_percent = models.PositiveSmallIntegerField(
        _("remind the department when this much of a deadline is used (%)"),
        default=75,
        validators=[MinValueValidator(10), MaxValueValidator(95)],
    )
    idle_hours = models.PositiveSmallIntegerField(
        _("prompt the desk after this many working hours without progress"),
        default=8,
        validators=[MinValueValidator(1), MaxValueValidator(200)],
    )
    manager = models.ForeignKey(
        "frontdesk.User",
        verbose_name=_("manager for second-level escalation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Told when a case is still overdue one working day after its deadline."),
    )

    objects = SiteScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("case settings")
        verbose_name_plural = _("case settings")

    def __str__(self) -> str:
        return str(self.site)


class CaseCounter(models.Model):
    """The last case number given out per site and day: incremented with one
    INSERT … ON CONFLICT DO UPDATE … RETURNING, so two clerks recording at the same
    moment wait for each other on this row and never get the same number."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["site", "day"], name="casecounter_unique_day")
        ]

    def __str__(self) -> str:
        return f"{self.site_id} {self.day:%Y%m%d} {self.last}"


class CaseQuerySet(SiteScopedQuerySet):
    def open(self) -> CaseQuerySet:
        return self.filter(state__in=OPEN)


class Case(models.Model):
    """投诉/建议/报修/表扬: one matter from recording to closing.

    ``version`` rises with every change of state or of a field a person sets; each such
    change is an UPDATE conditional on the state and version its author saw, so of two
    people acting at once the second gets a Conflict and loses nothing.

    ``next_due`` is when the beat must next look at the case: the earliest reminder not
    yet sent (``reminders_sent``) of the deadlines it runs against
    (``complaints.deadlines.chase_schedule``). It is NULL for every case whose clock is
    not running (paused, resolved, closed, withdrawn), so that one range scan of a small
    partial index finds every reminder due across all sites. It may be earlier than
    needed, never later: the beat recomputes a case's schedule before it sends anything.
    """

    # {% state_badge case %}
    STATE_BADGES = BADGES

    class Kind(models.TextChoices):
        COMPLAINT = "complaint", _("Complaint")
        SUGGESTION = "suggestion", _("Suggestion")
        REPAIR = "repair", _("Repair request")
        PRAISE = "praise", _("Praise")

    class Source(models.TextChoices):
        WALK_IN = "walk_in", _("Walk-in")
        PHONE = "phone", _("Phone call")
        WECOM = "wecom", _("WeCom group")
        PATROL = "patrol", _("Found on patrol")
        HOTLINE = "hotline", _("12345 hotline")

    class PauseKind(models.TextChoices):
        WAITING_RESIDENT = "waiting_resident", _("Waiting for the resident")
        WAITING_PARTS = "waiting_parts", _("Waiting for parts")
        THIRD_PARTY = "third_party", _("Waiting for a third party")

    class CloseReason(models.TextChoices):
        DESK = "desk", _("Dealt with at the desk")
        SATISFIED = "satisfied", _("Resident satisfied")
        UNREACHABLE = "unreachable", _("Resident not reached after three calls")
        NO_CALLBACK = "no_callback", _("No call-back needed")

    class FeedbackVia(models.TextChoices):
        PHONE = "phone", _("Call-back")
        LINK = "link", _("Feedback link")

    class HotlineResult(models.TextChoices):
        SATISFIED = "satisfied", _("Satisfied")
        BASICALLY = "basically", _("Basically satisfied")
        DISSATISFIED = "dissatisfied", _("Dissatisfied")

    site = models.ForeignKey(
        Site, verbose_name=_("site"), on_delete=models.PROTECT, related_name="+"
    )
    number = models.CharField(_("case number"), max_length=20)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    source = models.CharField(_("came in by"), max_length=10, choices=Source.choices)
    # 12345: the hotline's own reference and deadline, its reply and its verdict.
    hotline_ref = models.CharField(_("12345 reference number"), max_length=50, blank=True)
    hotline_deadline = models.DateTimeField(_("12345 deadline"), null=True, blank=True)
    hotline_reply = models.TextField(_("reply to 12345"), max_length=2000, blank=True)
    hotline_result = models.CharField(
        _("12345 satisfaction"), max_length=12, choices=HotlineResult.choices, blank=True
    )
    # What it is about: a house, or a public place (a building, the garage, the grounds).
    house = models.ForeignKey(
        "residents.House",
        verbose_name=_("house"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    resident = models.ForeignKey(
        "residents.Resident",
        verbose_name=_("resident"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
    )
    building = models.ForeignKey(
        "residents.Building",
        verbose_name=_("building"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    place = models.CharField(_("public place"), max_length=100, blank=True)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="+"
    )
    description = models.TextField(_("description"), max_length=2000)
    urgency = models.CharField(
        _("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL
    )
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.REGISTERED
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The member of the department who accepted it.
    handler = models.ForeignKey(
        "frontdesk.User",
        verbose_name=_("handled by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Deadlines, and the moments the department is reminded before them.
    respond_due = models.DateTimeField(_("respond by"), null=True, blank=True)
    resolve_due = models.DateTimeField(_("resolve by"), null=True, blank=True)
    respond_warn_at = models.DateTimeField(null=True, blank=True, editable=False)
    resolve_warn_at = models.DateTimeField(null=True, blank=True, editable=False)
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolution = models.TextField(_("how it was resolved"), max_length=2000, blank=True)
    last_progress_at = models.DateTimeField(_("last progress at"))
    # Set while paused; the deadlines move on by the working time paused when resumed.
    paused_since = models.DateTimeField(_("paused since"), null=True, blank=True)
    pause_kind = models.CharField(
        _("paused because"), max_length=20, choices=PauseKind.choices, blank=True
    )
    pause_reason = models.CharField(_("reason for the pause"), max_length=300, blank=True)
    resume_expected = models.DateField(_("expected to resume on"), null=True, blank=True)
    paused_minutes = models.PositiveIntegerField(_("time paused (minutes)"), default=0)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    # The call-back: due a working day after the resolution.
    callback_due = models.DateTimeField(_("call back by"), null=True, blank=True)
    callback_attempts = models.PositiveSmallIntegerField(_("call-backs not answered"), default=0)
    rating = models.PositiveSmallIntegerField(
        _("satisfaction (1–5)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    solved = models.BooleanField(_("problem solved"), null=True, blank=True)
    satisfaction_comment = models.CharField(_("resident's comment"), max_length=500, blank=True)
    feedback_via = models.CharField(
        _("feedback given by"), max_length=10, choices=FeedbackVia.choices, blank=True
    )
    feedback_at = models.DateTimeField(_("feedback given at"), null=True, blank=True)
    # The resident's link (/s/<token>/), made when the case is resolved: one answer.
    feedback_token = models.CharField(max_length=64, blank=True, editable=False)
    feedback_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    close_reason = models.CharField(
        _("closed because"), max_length=12, choices=CloseReason.choices, blank=True
    )
    # The reception inquiry this case was made from (which then links to it).
    inquiry = models.OneToOneField(
        "visitors.Inquiry",
        verbose_name=_("from inquiry"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="case",
    )
    linked = models.ManyToManyField("self", verbose_name=_("linked cases"), blank=True)
    # Chasing (see the class's docstring).
    next_due = models.DateTimeField(null=True, blank=True, editable=False)
    # The keys of the reminders already sent (complaints.deadlines): a JSON list.
    reminders_sent = models.JSONField(default=list, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        "frontdesk.User", verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    # Who made the last versioned change, and when: what a Conflict names.
    updated_by = models.ForeignKey(
        "frontdesk.User",
        verbose_name=_("last changed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("last changed at"), default=timezone.now)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The site's cases, newest first (the default list, the date-range filter).
            models.Index(fields=["site", "-created_at"], name="case_site_time"),
            # Each state's list (paused, resolved awaiting call-back, closed …).
            models.Index(fields=["site", "state", "-created_at"], name="case_site_state_time"),
            # A department's open cases by deadline: its queue, near deadline, overdue.
            models.Index(
                fields=["department", "resolve_due"],
                name="case_dept_open_due",
                condition=Q(state__in=sorted(OPEN)),
            ),
            # The site's open cases by deadline (near deadline and overdue, every department).
            models.Index(
                fields=["site", "resolve_due"],
                name="case_site_open_due",
                condition=Q(state__in=sorted(OPEN)),
            ),
            # My queue: what the one who accepted it still has open.
            models.Index(
                fields=["handler", "resolve_due"],
                name="case_handler_open_due",
                condition=Q(state__in=sorted(OPEN), handler__isnull=False),
            ),
            # Due for call-back (today, overdue).
            models.Index(
                fields=["site", "callback_due"],
                name="case_callback_due",
                condition=Q(state=State.RESOLVED),
            ),
            # Repeats: the same house and category within 30 days; a house's cases.
            models.Index(
                fields=["house", "category", "-created_at"],
                name="case_repeat_house",
                condition=Q(house__isnull=False),
            ),
            # Repeats of a public place: the site's cases of the category without a house.
            models.Index(
                fields=["site", "category", "-created_at"],
                name="case_repeat_place",
                condition=Q(house__isnull=True),
            ),
            # The beat: every reminder due, across all sites, in one range scan.
            models.Index(
                fields=["next_due"],
                name="case_next_due",
                condition=Q(next_due__isnull=False),
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["site", "number"], name="case_unique_number"),
            models.UniqueConstraint(
                fields=["feedback_token"],
                name="case_unique_feedback_token",
                condition=~Q(feedback_token=""),
            ),
            models.CheckConstraint(
                condition=~Q(source="hotline")
                | (~Q(hotline_ref="") & Q(hotline_deadline__isnull=False)),
                name="case_hotline_ref_and_deadline",
                violation_error_message=_(
                    "A 12345 case needs the hotline's reference number and deadline."
                ),
            ),
            models.CheckConstraint(
                condition=Q(house__isnull=True) | Q(building__isnull=True, place=""),
                name="case_house_or_place",
                violation_error_message=_("A case is about a house or a public place, not both."),
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="case_rating_1_to_5",
                violation_error_message=_("Satisfaction is from 1 to 5."),
            ),
            models.CheckConstraint(
                condition=Q(state="paused", paused_since__isnull=False)
                | (~Q(state="paused") & Q(paused_since__isnull=True)),
                name="case_paused_since",
            ),
            models.CheckConstraint(
                condition=Q(next_due__isnull=True) | Q(state__in=sorted(RUNNING)),
                name="case_next_due_running",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def clean(self) -> None:
        check_same_site(self, "house", "resident", "building", "category", "department", "inquiry")

    @property
    def is_open(self) -> bool:
        return self.state in OPEN

    @property
    def calendar_time(self) -> bool:
        """Emergencies count their deadlines in calendar time, the rest in working time."""
        return self.urgency == Urgency.EMERGENCY

    @property
    def skips_callback(self) -> bool:
        """Praise needs no call-back: it is closed once the department has seen it."""
        return self.kind == self.Kind.PRAISE

    @property
    def where(self) -> str:
        """3栋2单元1201, or the public place (3栋 地下车库)."""
        if self.house_id is not None:
            return self.house.label
        building = self.building.label if self.building_id is not None else ""
        return " ".join(part for part in (building, self.place) if part)


class CaseEvent(AppendOnly):
    """One entry of a case's timeline: who did what, when, from which state to which."""

    class Kind(models.TextChoices):
        CREATED = "created", pgettext_lazy("case event", "Recorded")
        ASSIGNED = "assigned", pgettext_lazy("case event", "Assigned")
        TRANSFERRED = "transferred", pgettext_lazy("case event", "Transferred")
        HANDED_BACK = "handed_back", pgettext_lazy("case event", "Handed back to the desk")
        ACCEPTED = "accepted", pgettext_lazy("case event", "Accepted")
        NOTE = "note", pgettext_lazy("case event", "Progress")
        PAUSED = "paused", pgettext_lazy("case event", "Paused")
        RESUMED = "resumed", pgettext_lazy("case event", "Resumed")
        RESOLVED = "resolved", pgettext_lazy("case event", "Resolved")
        CALLED_BACK = "called_back", pgettext_lazy("case event", "Called back")
        CALLBACK_FAILED = "callback_failed", pgettext_lazy("case event", "Call-back not answered")
        REOPENED = "reopened", pgettext_lazy("case event", "Reopened")
        WITHDRAWN = "withdrawn", pgettext_lazy("case event", "Withdrawn")
        CLOSED = "closed", pgettext_lazy("case event", "Closed")
        DEADLINE_CHANGED = "deadline_changed", pgettext_lazy("case event", "Deadline changed")
        LINKED = "linked", pgettext_lazy("case event", "Linked to another case")
        REMINDER_SENT = "reminder_sent", pgettext_lazy("case event", "Reminder sent")
        ESCALATED = "escalated", pgettext_lazy("case event", "Escalated")

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="events"
    )
    at = models.DateTimeField(_("time"), default=timezone.now)
    # None: the system (a reminder) or the resident (the feedback link).
    by = models.ForeignKey(
        "frontdesk.User",
        verbose_name=_("done by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(_("what happened"), max_length=20, choices=Kind.choices)
    from_state = models.CharField(_("from state"), max_length=12, choices=State.choices, blank=True)
    to_state = models.CharField(_("to state"), max_length=12, choices=State.choices, blank=True)
    # The department it went to (assigned, transferred) or came from (handed back).
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField(_("note"), max_length=2000, blank=True)
    # What else the entry needs to be read later: old and new deadlines, a rating …
    data = models.JSONField(_("details"), default=dict, blank=True, encoder=DjangoJSONEncoder)

    site_lookup = "case__site"
    objects = SiteScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case timeline")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "at", "id"], name="caseevent_timeline")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"


class CasePhoto(AppendOnly):
    """A photo of the case as found, in progress, or after: attached to its timeline entry."""

    class Kind(models.TextChoices):
        BEFORE = "before", pgettext_lazy("case photo", "Before")
        PROGRESS = "progress", pgettext_lazy("case photo", "In progress")
        AFTER = "after", pgettext_lazy("case photo", "After")

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="photos"
    )
    event = models.ForeignKey(
        CaseEvent, verbose_name=_("timeline entry"), on_delete=models.PROTECT, related_name="photos"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    # Re-encoded without metadata and stored under a generated name (frontdesk.uploads).
    image = models.ImageField(_("photo"), upload_to="cases/")
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    site_lookup = "case__site"
    objects = SiteScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("case photo")
        verbose_name_plural = _("case photos")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M}"


class CallbackAttempt(AppendOnly):
    """回访: one call to the resident after the resolution, answered or not."""

    case = models.ForeignKey(
        Case,
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        related_name="callback_attempts_made",
    )
    at = models.DateTimeField(_("time"), default=timezone.now)
    by = models.ForeignKey(
        "frontdesk.User", verbose_name=_("done by"), on_delete=models.PROTECT, related_name="+"
    )
    reached = models.BooleanField(_("reached"))
    note = models.CharField(_("note"), max_length=500, blank=True)

    site_lookup = "case__site"
    objects = SiteScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("call-back attempt")
        verbose_name_plural = _("call-back attempts")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M}"
