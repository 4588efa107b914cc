"""THRIVE: the national model for judging how to respond to a report.

Threat, Harm, Risk, Investigation opportunities, Vulnerability, Engagement:
each graded low, medium or high with a note. Every assessment is kept, so a
re-assessment never hides the one before it.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

FACTORS = [
    ("threat", _("Threat")),
    ("harm", _("Harm")),
    ("risk", _("Risk")),
    ("investigation", _("Investigation opportunities")),
    ("vulnerability", _("Vulnerability")),
    ("engagement", _("Engagement")),
]


class Grade(models.IntegerChoices):
    LOW = 1, _("Low")
    MEDIUM = 2, _("Medium")
    HIGH = 3, _("High")


class ThriveAssessment(models.Model):
    case = models.ForeignKey(
        "casework.Case",
        on_delete=models.CASCADE,
        related_name="assessments",
        verbose_name=_("case"),
    )
    threat = models.PositiveSmallIntegerField(_("threat"), choices=Grade.choices)
    threat_note = models.TextField(_("threat: why"), blank=True)
    harm = models.PositiveSmallIntegerField(_("harm"), choices=Grade.choices)
    harm_note = models.TextField(_("harm: why"), blank=True)
    risk = models.PositiveSmallIntegerField(_("risk"), choices=Grade.choices)
    risk_note = models.TextField(_("risk: why"), blank=True)
    investigation = models.PositiveSmallIntegerField(
        _("investigation opportunities"), choices=Grade.choices
    )
    investigation_note = models.TextField(_("investigation: why"), blank=True)
    vulnerability = models.PositiveSmallIntegerField(
        _("vulnerability"), choices=Grade.choices
    )
    vulnerability_note = models.TextField(_("vulnerability: why"), blank=True)
    engagement = models.PositiveSmallIntegerField(
        _("engagement"), choices=Grade.choices
    )
    engagement_note = models.TextField(_("engagement: why"), blank=True)
    priority = models.PositiveSmallIntegerField(_("priority it set"))
    assessed_by = models.ForeignKey(
        "auth.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    assessed_at = models.DateTimeField(_("when"))

    class Meta:
        ordering = ["-assessed_at", "-pk"]
        verbose_name = _("THRIVE assessment")
        verbose_name_plural = _("THRIVE assessments")

    def __str__(self) -> str:
        return f"THRIVE {self.case_id} at {self.assessed_at:%Y-%m-%d %H:%M}"


def priority_from(grades: dict[str, int]) -> int:
    """Urgent when threat, harm or risk is high; high when any is medium.

    A high vulnerability raises the result one level. Investigation and
    engagement shape the response, not how fast the first review must be.
    """
    worst = max(grades["threat"], grades["harm"], grades["risk"])
    priority = {Grade.HIGH: 1, Grade.MEDIUM: 2, Grade.LOW: 3}[worst]
    if grades["vulnerability"] == Grade.HIGH:
        priority = max(1, priority - 1)
    return priority
