"""Intelligence in admin: intelligence officers only.

Other staff have no permission on these models, so admin shows them nothing
and refuses the pages (403). Grading, status changes and dissemination go
through intelligence.grading.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import quote
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework import audit
from casework.admin import (
    AuditedAdminMixin,
    register_search_field,
    register_submission,
)
from casework.admin.evidence import REFUSED
from casework.admin.search import EMAIL, TEXT
from casework.models import Case, Team
from intelligence import grading
from intelligence.journey import JOURNEY
from intelligence.models import IntelligenceSubmission


def intelligence_sections(case: Case):
    submission = IntelligenceSubmission.objects.filter(case=case).first()
    return JOURNEY.summary(submission.answers) if submission else None


register_submission(Case.Channel.INTELLIGENCE, intelligence_sections)
register_search_field("intelligence__informant_name", TEXT)
register_search_field("intelligence__informant_email", EMAIL)


@admin.register(IntelligenceSubmission)
class IntelligenceSubmissionAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Every look is audited, and every record asks for a reason first."""

    def audit_is_restricted(self, obj) -> bool:
        return True

    def audit_reference(self, obj) -> str:
        return obj.case.reference

    list_display = [
        "case",
        "submitted_at",
        "topic",
        "immediate_review",
        "status",
        "source_evaluation",
        "intelligence_assessment",
        "handling_code",
    ]
    list_filter = ["status", "immediate_review", "topic", "anonymous", "handling_code"]
    search_fields = ["case__reference", "sanitised_text"]
    list_select_related = ["case"]
    ordering = ["-immediate_review", "-submitted_at"]
    readonly_fields = [
        "case",
        "submitted_at",
        "topic",
        "how_known",
        "anonymous",
        "informant_name",
        "informant_email",
        "informant_phone",
        "safe_to_contact",
        "immediate_review",
        "immediate_review_reasons",
        "what_they_told_us",
        "files",
        "status",
        "graded_by",
        "graded_at",
        "disseminated_to",
        "dissemination",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "case",
                    "submitted_at",
                    "status",
                    "immediate_review",
                    "immediate_review_reasons",
                ]
            },
        ),
        (
            "What they told us",
            {"fields": ["topic", "how_known", "what_they_told_us", "files"]},
        ),
        (
            "Source",
            {
                "fields": [
                    "anonymous",
                    "informant_name",
                    "informant_email",
                    "informant_phone",
                    "safe_to_contact",
                ]
            },
        ),
        (
            "3x5x2 grading",
            {
                "fields": [
                    "source_evaluation",
                    "intelligence_assessment",
                    "handling_code",
                    "handling_conditions",
                    "sanitised_text",
                    "graded_by",
                    "graded_at",
                ]
            },
        ),
        ("Dissemination", {"fields": ["dissemination"]}),
        ("Links", {"fields": ["related_cases"]}),
    ]
    filter_horizontal = ["related_cases"]

    @admin.display(description="What they told us")
    def what_they_told_us(self, obj):
        rows = [
            (row["question"], row["answer"])
            for section in JOURNEY.summary(obj.answers)
            for row in section["rows"]
        ]
        # format_html_join escapes everything the public wrote.
        return format_html_join("", "<p><strong>{}</strong><br>{}</p>", rows)

    @admin.display(description=gettext_lazy("Photos and files"))
    def files(self, obj):
        """Each links to the case's download view, which checks the role, asks
        for a reason, refuses files the virus scan did not pass and audits."""
        attachments = list(obj.case.attachments.all())
        if not attachments:
            return _("None sent")
        rows = []
        for attachment in attachments:
            status = attachment.get_scan_status_display()
            if attachment.scan_status in REFUSED:
                rows.append(format_html("<li>{} ({})</li>", attachment, status))
                continue
            url = reverse("admin:casework_case_evidence", args=[attachment.pk])
            rows.append(
                format_html(
                    '<li><a href="{}" download>{}</a> ({}, {})</li>',
                    url,
                    attachment,
                    attachment.content_type,
                    status,
                )
            )
        return format_html(
            "<ul>{}</ul>", format_html_join("", "{}", ((r,) for r in rows))
        )

    @admin.display(description=gettext_lazy("Disseminated to"))
    def dissemination(self, obj):
        if obj.disseminated_to_id:
            return obj.disseminated_to.name
        url = self._url_of("disseminate", obj)
        return format_html(
            '{} <a href="{}">{}</a>', _("Not yet."), url, _("Disseminate to a team")
        )

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    actions = [
        "start_assessing",
        "mark_developed",
        "no_further_action",
        "disseminate_selected",
    ]

    def _move(self, request, queryset, to: str) -> None:
        for submission in queryset:
            try:
                grading.change_status(
                    submission_id=submission.pk,
                    to=to,
                    by=request.user,
                    now=timezone.now(),
                )
            except grading.GradingError as error:
                messages.error(request, f"{submission}: {error}")

    @admin.action(description="Mark as being assessed", permissions=["change"])
    def start_assessing(self, request, queryset):
        self._move(request, queryset, "assessing")

    @admin.action(description="Mark as developed", permissions=["change"])
    def mark_developed(self, request, queryset):
        self._move(request, queryset, "developed")

    @admin.action(description="No further action", permissions=["change"])
    def no_further_action(self, request, queryset):
        self._move(request, queryset, "nfa")

    @admin.action(description="Disseminate to a team…", permissions=["change"])
    def disseminate_selected(self, request, queryset):
        chosen = list(queryset.values_list("pk", flat=True)[:2])
        if len(chosen) != 1:
            messages.error(
                request, _("Choose one submission to disseminate at a time.")
            )
            return None
        return redirect(
            f"{self.admin_site.name}:{self._url_name('disseminate')}", chosen[0]
        )

    # --- Dissemination -----------------------------------------------------

    def _url_of(self, name: str, submission) -> str:
        return reverse(
            f"{self.admin_site.name}:{self._url_name(name)}",
            args=[quote(submission.pk)],
        )

    def get_urls(self):
        return [
            path(
                "<path:object_id>/disseminate/",
                self.admin_site.admin_view(self.disseminate_view),
                name=self._url_name("disseminate"),
            ),
            *super().get_urls(),
        ]

    def disseminate_view(self, request, object_id):
        """Choose the team; intelligence.grading.disseminate does the rest.
        Anyone who is not an intelligence officer is refused and audited."""
        submission = self.audited_object(request, object_id, change=True)
        if submission is None:
            return redirect(f"{self.admin_site.name}:{self._url_name('changelist')}")
        if not request.user.has_perm("intelligence.grade_intelligence"):
            self._refuse(request, submission.pk, request.path)
        if ask_reason := self.reason_redirect(request, submission):
            return ask_reason
        change_url = self._url_of("change", submission)
        form = DisseminateForm(request.POST or None)
        problem = ""
        try:
            grading.check_can_disseminate(submission=submission, by=request.user)
        except grading.GradingError as error:
            problem = str(error)
        if request.method == "POST" and not problem and form.is_valid():
            team = form.cleaned_data["team"]
            try:
                grading.disseminate(
                    submission_id=submission.pk,
                    team=team,
                    by=request.user,
                    now=timezone.now(),
                    reason=audit.reason_given(request, submission) or "",
                )
            except grading.GradingError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    _("%(reference)s was disseminated to %(team)s.")
                    % {"reference": submission.case.reference, "team": team.name},
                )
                return redirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": submission,
            "submission": submission,
            "title": _("Disseminate %(reference)s")
            % {"reference": submission.case.reference},
            "form": form,
            "problem": problem,
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/intelligence/disseminate.html", context)

    def save_model(self, request, obj, form, change) -> None:
        grading_fields = [
            "source_evaluation",
            "intelligence_assessment",
            "handling_code",
            "handling_conditions",
            "sanitised_text",
        ]
        if any(name in form.changed_data for name in grading_fields):
            try:
                grading.grade(
                    submission_id=obj.pk,
                    by=request.user,
                    source_evaluation=obj.source_evaluation,
                    intelligence_assessment=obj.intelligence_assessment,
                    handling_code=obj.handling_code,
                    handling_conditions=obj.handling_conditions,
                    sanitised_text=obj.sanitised_text,
                    now=timezone.now(),
                )
            except grading.GradingError as error:
                messages.error(request, str(error))
                return


class DisseminateForm(forms.Form):
    team = forms.ModelChoiceField(
        queryset=Team.objects.order_by("name"),
        label=gettext_lazy("Team to share it with"),
        help_text=gettext_lazy(
            "They receive the sanitised text and the grading, never the "
            "source's details or what the source wrote."
        ),
        error_messages={"required": gettext_lazy("Choose the team to share it with")},
    )
