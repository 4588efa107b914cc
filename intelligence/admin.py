"""Intelligence in admin: intelligence officers only.

Other staff have no permission on these models, so admin shows them nothing
and refuses the pages (403). Grading and status changes go through
intelligence.services.
"""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.html import format_html_join

from casework.admin import (
    AuditedAdminMixin,
    register_search_field,
    register_submission,
)
from casework.admin.search import EMAIL, TEXT
from casework.models import Case
from intelligence import services
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
        "status",
        "graded_by",
        "graded_at",
        "disseminated_to",
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
        ("What they told us", {"fields": ["topic", "how_known", "what_they_told_us"]}),
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
        ("Links", {"fields": ["related_cases", "disseminated_to"]}),
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

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    actions = ["start_assessing", "mark_developed", "no_further_action"]

    def _move(self, request, queryset, to: str) -> None:
        for submission in queryset:
            try:
                services.change_status(
                    submission_id=submission.pk,
                    to=to,
                    by=request.user,
                    now=timezone.now(),
                )
            except services.GradingError as error:
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

    def save_model(self, request, obj, form, change) -> None:
        grading = ["source_evaluation", "intelligence_assessment", "handling_code"]
        if any(
            name in form.changed_data
            for name in [*grading, "handling_conditions", "sanitised_text"]
        ):
            try:
                services.grade(
                    submission_id=obj.pk,
                    by=request.user,
                    source_evaluation=obj.source_evaluation,
                    intelligence_assessment=obj.intelligence_assessment,
                    handling_code=obj.handling_code,
                    handling_conditions=obj.handling_conditions,
                    sanitised_text=obj.sanitised_text,
                    now=timezone.now(),
                )
            except services.GradingError as error:
                messages.error(request, str(error))
                return
