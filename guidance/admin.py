"""Admin for content editors: pages, categories, departments, synonyms, and
what the public told us (searches that found nothing, feedback).

Every model here is only reachable with its guidance permissions, which the
content editor role holds (casework/roles.py). Pages, categories,
departments and synonyms keep their history (django-simple-history): the
History button on each shows who changed what, and can revert.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from guidance import selectors
from guidance.models import (
    Category,
    Department,
    JourneyFeedback,
    PageFeedback,
    SearchMiss,
    ServicePage,
    Synonym,
)
from guidance.rendering import render_markdown


@admin.register(Category)
class CategoryAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Department)
class DepartmentAdmin(SimpleHistoryAdmin):
    list_display = ["name", "phone", "email", "hours"]
    search_fields = ["name", "handles"]
    prepopulated_fields = {"slug": ["name"]}


class NeedsReviewFilter(admin.SimpleListFilter):
    title = _("review")
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("due", _("Needs review")), ("ok", _("Up to date"))]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "due":
            return queryset.filter(review_by__lt=today)
        if self.value() == "ok":
            return queryset.filter(review_by__gte=today)
        return queryset


@admin.register(ServicePage)
class ServicePageAdmin(SimpleHistoryAdmin):
    list_display = [
        "title",
        "category",
        "status",
        "last_reviewed",
        "review_by",
        "needs_review",
    ]
    list_filter = ["status", NeedsReviewFilter, "category"]
    search_fields = ["title", "summary", "body_markdown"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["departments", "related"]
    readonly_fields = ["preview_link", "rendered_body", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "category", "summary", "status"]}),
        (_("At a glance"), {"fields": ["who_for", "cost", "time_taken"]}),
        (_("Body"), {"fields": ["body_markdown", "rendered_body", "preview_link"]}),
        (_("Contacts and related services"), {"fields": ["departments", "related"]}),
        (_("Review"), {"fields": ["last_reviewed", "review_by", "updated_at"]}),
    ]

    @admin.display(boolean=True, description=_("needs review"))
    def needs_review(self, page: ServicePage) -> bool:
        return page.needs_review

    @admin.display(description=_("preview"))
    def preview_link(self, page: ServicePage) -> str:
        if not page.pk:
            return _("Save the page to preview it.")
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            reverse("guidance:preview", args=[page.slug]),
            _("Preview the page as the public will see it (opens in a new tab)"),
        )

    @admin.display(description=_("body as shown"))
    def rendered_body(self, page: ServicePage) -> str:
        if not page.pk:
            return ""
        return format_html(
            '<div class="hr-admin-preview">{}</div>',
            render_markdown(page.body_markdown),
        )


@admin.register(Synonym)
class SynonymAdmin(SimpleHistoryAdmin):
    list_display = ["term", "expansion"]
    search_fields = ["term", "expansion"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """What the public sent: staff read it and may delete it, never edit it."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SearchMiss)
class SearchMissAdmin(ReadOnlyAdmin):
    list_display = ["terms", "count", "first_seen", "last_seen"]
    search_fields = ["terms"]
    ordering = ["-count", "-last_seen"]


@admin.register(PageFeedback)
class PageFeedbackAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "path", "useful", "reason", "details"]
    list_filter = ["useful", "reason"]
    search_fields = ["path", "details"]
    change_list_template = "admin/guidance/pagefeedback/change_list.html"

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "summary": selectors.page_feedback_summary(),
        }
        return super().changelist_view(request, extra_context)


@admin.register(JourneyFeedback)
class JourneyFeedbackAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "journey", "satisfaction", "comments"]
    list_filter = ["journey", "satisfaction"]
    search_fields = ["comments"]
    change_list_template = "admin/guidance/journeyfeedback/change_list.html"

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "summary": selectors.journey_feedback_summary(),
        }
        return super().changelist_view(request, extra_context)
