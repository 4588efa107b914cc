import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from casework.models import Case


class ReportDraft(models.Model):
    """A report being written: answers saved at every step, kept 30 days.

    The session holds the draft's id; a resume link holds a token whose hash
    is stored here. Once submitted, the answers move to the Report and the
    draft keeps only the link to it, so a repeated submit finds the report.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    answers = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)
    resume_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    report = models.OneToOneField(
        "Report",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="draft",
    )

    class Meta:
        verbose_name = _("draft report")
        verbose_name_plural = _("draft reports")

    def __str__(self) -> str:
        return f"Draft {self.pk}"


class Report(models.Model):
    """A submitted crime report: the answers, and the columns staff search on."""

    case = models.OneToOneField(
        Case, on_delete=models.CASCADE, related_name="report", verbose_name=_("case")
    )
    kind = models.CharField(_("kind of crime"), max_length=50)
    answers = models.JSONField(_("answers"))
    occurred_from = models.DateField(_("happened on or after"), null=True, blank=True)
    occurred_to = models.DateField(_("happened on or before"), null=True, blank=True)
    occurred_time = models.CharField(_("time"), max_length=5, blank=True)
    place = models.TextField(_("where"), blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    description = models.TextField(_("what happened"))
    reporter_role = models.CharField(_("reporter is"), max_length=20)
    reporter_name = models.CharField(_("reporter's name"), max_length=200)
    reporter_email = models.EmailField(_("reporter's email"))
    reporter_phone = models.CharField(
        _("reporter's telephone"), max_length=20, blank=True
    )
    victim_name = models.CharField(_("victim's name"), max_length=200, blank=True)
    submitted_at = models.DateTimeField(_("submitted"))

    class Meta:
        verbose_name = _("crime report")
        verbose_name_plural = _("crime reports")

    def __str__(self) -> str:
        return self.case.reference
