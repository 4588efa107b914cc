"""Intelligence from the public, and its grading by intelligence staff.

An anonymous submission stores nothing about who sent it: no name, no
contact details, no address, browser details or cookie value. Its draft is
reached through a random token in the page address, not a session.
"""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from casework.models import Case, Team


class IntelligenceDraft(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    token_hash = models.CharField(max_length=64, unique=True)
    answers = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)
    submission = models.OneToOneField(
        "IntelligenceSubmission",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="draft",
    )

    class Meta:
        verbose_name = _("intelligence draft")
        verbose_name_plural = _("intelligence drafts")

    def __str__(self) -> str:
        return f"Draft {self.pk}"


class SourceEvaluation(models.TextChoices):
    RELIABLE = "1", _("1 – Reliable")
    UNTESTED = "2", _("2 – Untested")
    NOT_RELIABLE = "3", _("3 – Not reliable")


class IntelligenceAssessment(models.TextChoices):
    A = "A", _("A – Known directly")
    B = "B", _("B – Known indirectly but corroborated")
    C = "C", _("C – Known indirectly")
    D = "D", _("D – Not known")
    E = "E", _("E – Suspected to be false")


class HandlingCode(models.TextChoices):
    P = "P", _("P – Lawful sharing permitted")
    C = "C", _("C – Lawful sharing permitted subject to conditions")


class IntelligenceStatus(models.TextChoices):
    NEW = "new", _("New")
    ASSESSING = "assessing", _("Being assessed")
    DEVELOPED = "developed", _("Developed")
    DISSEMINATED = "disseminated", _("Disseminated")
    NO_FURTHER_ACTION = "nfa", _("No further action")


class IntelligenceSubmission(models.Model):
    case = models.OneToOneField(
        Case,
        on_delete=models.CASCADE,
        related_name="intelligence",
        verbose_name=_("case"),
    )
    topic = models.CharField(_("about"), max_length=30)
    answers = models.JSONField(_("what they told us"))
    how_known = models.CharField(_("how they know"), max_length=20)
    anonymous = models.BooleanField(_("anonymous"))
    # Only when they chose to give their details.
    informant_name = models.CharField(_("name"), max_length=200, blank=True)
    informant_email = models.EmailField(_("email"), blank=True)
    informant_phone = models.CharField(_("telephone"), max_length=20, blank=True)
    safe_to_contact = models.CharField(_("safe to contact"), max_length=200, blank=True)
    immediate_review = models.BooleanField(
        _("flagged for immediate review"), default=False
    )
    immediate_review_reasons = models.JSONField(default=list, blank=True)
    submitted_at = models.DateTimeField(_("submitted"))

    status = models.CharField(
        _("status"),
        max_length=20,
        choices=IntelligenceStatus.choices,
        default=IntelligenceStatus.NEW,
    )
    source_evaluation = models.CharField(
        _("source evaluation"),
        max_length=1,
        choices=SourceEvaluation.choices,
        blank=True,
    )
    intelligence_assessment = models.CharField(
        _("intelligence assessment"),
        max_length=1,
        choices=IntelligenceAssessment.choices,
        blank=True,
    )
    handling_code = models.CharField(
        _("handling code"), max_length=1, choices=HandlingCode.choices, blank=True
    )
    handling_conditions = models.TextField(_("handling conditions"), blank=True)
    sanitised_text = models.TextField(
        _("sanitised text"),
        blank=True,
        help_text=_(
            "What can be shared: anything that could identify the source removed."
        ),
    )
    graded_by = models.ForeignKey(
        "auth.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    graded_at = models.DateTimeField(null=True, blank=True)
    disseminated_to = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("disseminated to"),
    )
    related_cases = models.ManyToManyField(
        Case, blank=True, related_name="related_intelligence", verbose_name=_("related")
    )

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("intelligence submission")
        verbose_name_plural = _("intelligence submissions")
        permissions = [
            ("grade_intelligence", _("Can grade and disseminate intelligence"))
        ]

    def __str__(self) -> str:
        return self.case.reference
