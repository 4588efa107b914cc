"""Live chat: conversations, their numbered messages, and who can answer."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OpeningHours(models.Model):
    """When web chat is staffed, per day of the week (Europe/London)."""

    class Day(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    day = models.PositiveSmallIntegerField(_("day"), choices=Day.choices, unique=True)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        ordering = ["day"]
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")

    def __str__(self) -> str:
        return f"{self.get_day_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class AgentPresence(models.Model):
    class Status(models.TextChoices):
        AVAILABLE = "available", _("Available")
        BUSY = "busy", _("Busy")
        AWAY = "away", _("Away")

    agent = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="chat_presence",
        verbose_name=_("agent"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.AWAY
    )
    capacity = models.PositiveSmallIntegerField(
        _("chats at once"), default=3, help_text=_("How many chats at the same time")
    )
    call_sign = models.CharField(
        _("name shown to the public"),
        max_length=30,
        blank=True,
        help_text=_("First name or call sign only"),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("agent presence")
        verbose_name_plural = _("agent presence")
        permissions = [
            ("answer_chats", _("Can answer web chats in the agent console")),
            ("supervise_chats", _("Can see the live web chat dashboard")),
        ]

    def __str__(self) -> str:
        return f"{self.agent} ({self.get_status_display()})"


class Conversation(models.Model):
    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        ACTIVE = "active", _("In progress")
        ENDED = "ended", _("Ended")

    class Topic(models.TextChoices):
        REPORT = "report", _("Reporting a crime or incident")
        EXISTING = "existing", _("Something I have already reported")
        ADVICE = "advice", _("Advice or information")
        OTHER = "other", _("Something else")

    token_hash = models.CharField(max_length=64, unique=True)
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    display_name = models.CharField(_("name given"), max_length=60, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=Status.choices,
        default=Status.WAITING,
        db_index=True,
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="chat_conversations",
        verbose_name=_("agent"),
    )
    last_seq = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(_("started"), db_index=True)
    accepted_at = models.DateTimeField(_("answered"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    ended_by = models.CharField(_("ended by"), max_length=20, blank=True)
    # When the person last wrote or typed: a chat waiting on their reply is
    # closed when this gets old (webchat/timeouts.py).
    last_citizen_activity = models.DateTimeField(null=True, blank=True)
    # When the person's page last showed it was open (connect, heartbeat,
    # disconnect), apart from anything they said: a queued chat whose page is
    # long gone is nobody waiting.
    citizen_seen_at = models.DateTimeField(null=True, blank=True)
    # The "are you still there?" warning, given once per silence.
    idle_warned_at = models.DateTimeField(null=True, blank=True)
    dispatch_flagged_at = models.DateTimeField(
        _("flagged for 999 dispatch"), null=True, blank=True
    )
    case = models.ForeignKey(
        "casework.Case",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="chats",
        verbose_name=_("case created from this chat"),
    )
    satisfaction = models.PositiveSmallIntegerField(null=True, blank=True)
    feedback = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("chat")
        verbose_name_plural = _("chats")
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"Chat {self.pk} ({self.get_status_display()})"


class Message(models.Model):
    class Sender(models.TextChoices):
        CITIZEN = "citizen", _("Member of the public")
        AGENT = "agent", _("Agent")
        SYSTEM = "system", _("System")
        NOTE = "note", _("Internal note")

    # No index of its own: the unique (conversation, seq) index serves every
    # lookup by conversation, and one index fewer is one less write for
    # every message.
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages", db_index=False
    )
    seq = models.PositiveIntegerField()
    sender = models.CharField(max_length=10, choices=Sender.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    body = models.TextField()
    # The sender's own id for the message, so one re-sent after a dropped
    # connection is stored once.
    client_id = models.CharField(max_length=64, blank=True)
    flagged = models.BooleanField(default=False)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["conversation", "seq"]
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "seq"], name="one_message_per_seq"
            ),
            models.UniqueConstraint(
                fields=["conversation", "client_id"],
                condition=~models.Q(client_id=""),
                name="one_message_per_client_id",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.conversation_id}#{self.seq}"


class CannedReply(models.Model):
    title = models.CharField(_("title"), max_length=80)
    body = models.TextField(_("text"), max_length=2000)

    class Meta:
        ordering = ["title"]
        verbose_name = _("canned reply")
        verbose_name_plural = _("canned replies")

    def __str__(self) -> str:
        return self.title


class DangerPhrase(models.Model):
    """A word or phrase that makes a message stand out to the agent."""

    phrase = models.CharField(_("word or phrase"), max_length=80, unique=True)

    class Meta:
        ordering = ["phrase"]
        verbose_name = _("danger word")
        verbose_name_plural = _("danger words")

    def __str__(self) -> str:
        return self.phrase
