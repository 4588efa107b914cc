"""What every channel shares. This first slice: districts, teams and staff notices."""

from django.db import models
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

# Evidence files have their own module; importing it here registers the model.
from casework.attachments import Attachment  # noqa: F401
from casework.audit import AuditEntry  # noqa: F401
from casework.setup_links import SetupLink  # noqa: F401
from casework.thrive import ThriveAssessment  # noqa: F401


class District(models.Model):
    """One of the county's ten local authority districts."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")

    def __str__(self) -> str:
        return self.name


class PostcodeArea(models.Model):
    """A postcode outward code ("AL1", "SG12") and the district it lies in."""

    outward_code = models.CharField(_("outward code"), max_length=4, unique=True)
    district = models.ForeignKey(
        District,
        on_delete=models.CASCADE,
        related_name="postcode_areas",
        verbose_name=_("district"),
    )

    class Meta:
        ordering = ["outward_code"]
        verbose_name = _("postcode area")
        verbose_name_plural = _("postcode areas")

    def __str__(self) -> str:
        return self.outward_code


class Team(models.Model):
    class Kind(models.TextChoices):
        CONTROL_ROOM = "control_room", _("Control room")
        INVESTIGATION = "investigation", _("Investigation")
        INTELLIGENCE = "intelligence", _("Intelligence")
        NEIGHBOURHOOD = "neighbourhood", _("Safer neighbourhood")

    name = models.CharField(_("name"), max_length=150, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="teams",
        verbose_name=_("district"),
        help_text=_("Empty for a team that serves the whole county."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name


class StaffNotice(models.Model):
    """A notice pushed live to every open staff page (a new urgent item, say)."""

    class Level(models.TextChoices):
        INFO = "info", _("Information")
        URGENT = "urgent", _("Urgent")

    text = models.CharField(_("text"), max_length=300)
    level = models.CharField(
        _("level"), max_length=10, choices=Level.choices, default=Level.INFO
    )
    link = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    broadcast_at = models.DateTimeField(_("broadcast at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("staff notice")
        verbose_name_plural = _("staff notices")

    def __str__(self) -> str:
        return self.text


class ReferenceCounter(models.Model):
    """The last number given for one reference prefix (SQLite's sequence).

    PostgreSQL uses a real sequence instead (see references_sql.py), which
    never blocks two submissions on each other.
    """

    prefix = models.CharField(max_length=4, primary_key=True)
    last_number = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.prefix}: {self.last_number}"


class Outcome(models.TextChoices):
    CRIME_RECORDED = "crime_recorded", _("Crime recorded")
    NO_CRIME = "no_crime", _("No crime")
    NOT_POLICE_MATTER = "not_police_matter", _("Not a police matter")
    DUPLICATE = "duplicate", _("Duplicate of another reference")
    OTHER_FORCE = "other_force", _("Passed to another police force")


class Case(models.Model):
    """One piece of work for the police, whatever channel it came through."""

    Outcome = Outcome

    class Channel(models.TextChoices):
        REPORT = "report", _("Online crime report")
        INTELLIGENCE = "intelligence", _("Intelligence")
        CHAT = "chat", _("Web chat")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        TRIAGED = "triaged", _("Triaged")
        ASSIGNED = "assigned", _("Assigned")
        IN_PROGRESS = "in_progress", _("In progress")
        AWAITING_INFORMATION = "awaiting_information", _("Awaiting information")
        CLOSED = "closed", _("Closed")

    class Priority(models.IntegerChoices):
        URGENT = 1, _("Urgent")
        HIGH = 2, _("High")
        STANDARD = 3, _("Standard")
        LOW = 4, _("Low")

    reference = models.CharField(_("reference"), max_length=20, unique=True)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    kind = models.CharField(_("kind"), max_length=50)
    kind_label = models.CharField(_("kind"), max_length=120)
    summary = models.CharField(_("summary"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=30, choices=Status.choices, default=Status.RECEIVED
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.STANDARD
    )
    priority_reasons = models.JSONField(_("why this priority"), default=list)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("district"),
    )
    outside_force_area = models.BooleanField(_("outside Hertfordshire"), default=False)
    team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("team"),
    )
    assigned_to = models.ForeignKey(
        "auth.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_cases",
        verbose_name=_("assigned to"),
    )
    contact_email = models.EmailField(_("contact email"), blank=True)
    is_sensitive = models.BooleanField(
        _("sensitive"),
        default=False,
        help_text=_("Staff must give a reason before opening a sensitive case."),
    )
    received_at = models.DateTimeField(_("received"), db_index=True)
    review_due_at = models.DateTimeField(_("first review due"))
    first_reviewed_at = models.DateTimeField(_("first reviewed"), null=True, blank=True)
    overdue_alerted_at = models.DateTimeField(
        _("supervisors told it was overdue"), null=True, blank=True
    )
    # The reporter added something on the track page that staff have not seen.
    needs_attention = models.BooleanField(_("new information"), default=False)
    # For reports made without an email address (anonymous intelligence): the
    # hash of the passphrase that opens the case on the track page.
    access_passphrase_hash = models.CharField(max_length=128, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=30, choices=Outcome.choices, blank=True
    )
    crime_number = models.CharField(_("crime number"), max_length=30, blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("duplicate of"),
    )
    closing_reason = models.TextField(
        _("reason given to the reporter"), blank=True, max_length=2000
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        ordering = ["priority", "received_at"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            models.Index(fields=["status", "priority", "received_at"]),
            # The work queues (casework/admin/): each in the triage order,
            # most urgent then oldest, over the cases it can hold. Text
            # search indexes are PostgreSQL's own (migration 0007).
            models.Index(
                fields=["priority", "received_at", "id"], name="case_queue_all"
            ),
            models.Index(
                fields=["priority", "received_at", "id"],
                condition=~models.Q(status="closed"),
                name="case_queue_open",
            ),
            models.Index(
                fields=["priority", "received_at", "id"],
                condition=~models.Q(status="closed")
                & models.Q(first_reviewed_at__isnull=True),
                name="case_queue_unreviewed",
            ),
            models.Index(
                fields=["team", "priority", "received_at", "id"],
                condition=~models.Q(status="closed"),
                name="case_queue_team_open",
            ),
            models.Index(
                fields=["district", "priority", "received_at", "id"],
                condition=~models.Q(status="closed"),
                name="case_queue_district_open",
            ),
            models.Index(
                fields=["priority", "received_at", "id"],
                condition=models.Q(needs_attention=True),
                name="case_queue_attention",
            ),
        ]
        permissions = [
            ("view_all_cases", _("Can see every crime report and chat case")),
            ("view_intelligence", _("Can see intelligence cases")),
            ("assign_case", _("Can assign cases to other staff and teams")),
            ("export_case", _("Can export lists of cases")),
            ("download_evidence", _("Can download evidence files")),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_restricted(self) -> bool:
        """Staff must say why before opening it (DPA 2018, section 62)."""
        return (
            self.is_sensitive
            or self.channel == self.Channel.INTELLIGENCE
            or self.kind == "hate"
        )


class CaseEvent(models.Model):
    """One entry on a case's timeline. Public entries are shown to the reporter."""

    class Kind(models.TextChoices):
        RECEIVED = "received", _("Received")
        ROUTED = "routed", _("Routed")
        NOTE = "note", _("Internal note")
        PUBLIC_UPDATE = "public_update", _("Update to the reporter")
        STATUS = "status", _("Status changed")
        ASSIGNED = "assigned", _("Assigned")
        INFORMATION_ADDED = "information_added", _("Reporter added information")
        ASSESSED = "assessed", _("THRIVE assessment")
        PRIORITY = "priority", _("Priority changed")

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="events", verbose_name=_("case")
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    text = models.TextField(_("text"), blank=True)
    is_public = models.BooleanField(_("shown to the reporter"), default=False)
    author = models.ForeignKey(
        "auth.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("when"))

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("case event")
        verbose_name_plural = _("case events")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:50]}"


class OutboundEmail(models.Model):
    """An email to the public, written in the same transaction as its cause.

    A task delivers it after commit; `idempotency_key` makes writing it twice
    harmless and `sent_at` makes delivering it twice harmless.
    """

    idempotency_key = models.CharField(max_length=100, unique=True)
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, null=True, blank=True, related_name="emails"
    )
    to = models.EmailField()
    subject = models.CharField(max_length=200)
    body = models.TextField()
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("email to the public")
        verbose_name_plural = _("emails to the public")

    def __str__(self) -> str:
        return f"{self.subject} → {self.to}"


class StaffMember(models.Model):
    """The team a member of staff works in: their "my team" queue."""

    user = models.OneToOneField(
        "auth.User",
        on_delete=models.CASCADE,
        related_name="staff_member",
        verbose_name=_("user"),
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("team"),
    )

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")
        permissions = [
            (
                "reset_authenticator",
                _("Can reset a colleague's authenticator app and make a set-up link"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.team or '-'})"


@receiver(post_save, sender="auth.User")
def _every_staff_account_is_a_staff_member(sender, instance, **kwargs) -> None:
    """Staff in no team (content editors, system administrators) are on the
    staff page too, where a supervisor resets their app or makes them a
    set-up link."""
    update_fields = kwargs.get("update_fields")
    if kwargs.get("raw") or not instance.is_staff:
        return
    if update_fields is not None and "is_staff" not in update_fields:
        return  # a sign-in writing last_login, say
    StaffMember.objects.get_or_create(user=instance)
