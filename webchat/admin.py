"""Web chat in Django admin: the stored chats and their settings, and the
pages agents and supervisors work in (webchat/admin_views.py)."""

from django.contrib import admin
from django.urls import path

from casework.admin import AuditedAdminMixin
from webchat import admin_views
from webchat.models import (
    AgentPresence,
    CannedReply,
    Conversation,
    DangerPhrase,
    Message,
    OpeningHours,
)


@admin.register(OpeningHours)
class OpeningHoursAdmin(admin.ModelAdmin):
    list_display = ["day", "opens", "closes"]


@admin.register(CannedReply)
class CannedReplyAdmin(admin.ModelAdmin):
    list_display = ["title"]
    search_fields = ["title", "body"]


@admin.register(DangerPhrase)
class DangerPhraseAdmin(admin.ModelAdmin):
    list_display = ["phrase"]
    search_fields = ["phrase"]


@admin.register(AgentPresence)
class AgentPresenceAdmin(admin.ModelAdmin):
    list_display = ["agent", "status", "capacity", "call_sign", "updated_at"]
    list_filter = ["status"]


class MessageInline(admin.TabularInline):
    model = Message
    extra = 0
    can_delete = False
    fields = ["seq", "sender", "body", "flagged", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Conversation)
class ConversationAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Stored chats, searchable by what was said. Read-only: a record.

    Every look is audited; a chat that became a restricted case (a hate
    crime, say) asks for a reason first.
    """

    def audit_reference(self, obj) -> str:
        return obj.case.reference if obj.case_id else f"Chat {obj.pk}"

    def audit_is_restricted(self, obj) -> bool:
        return bool(obj.case_id and obj.case.is_restricted)

    list_display = ["pk", "created_at", "topic", "status", "agent", "case"]
    list_filter = ["status", "topic"]
    search_fields = ["messages__body", "display_name", "case__reference"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "topic",
        "display_name",
        "status",
        "agent",
        "created_at",
        "accepted_at",
        "ended_at",
        "ended_by",
        "case",
        "satisfaction",
        "feedback",
    ]
    exclude = ["token_hash", "last_seq", "last_citizen_activity"]
    inlines = [MessageInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_search_results(self, request, queryset, search_term):
        queryset, _ = super().get_search_results(request, queryset, search_term)
        return queryset.distinct(), False

    def get_urls(self):
        return [
            path(
                "<int:conversation_id>/report/",
                self.admin_site.admin_view(admin_views.create_report),
                name="webchat_conversation_report",
            ),
            *super().get_urls(),
        ]


def _with_chat_pages(get_urls):
    """Put the console and dashboard at /admin/webchat/console/ and
    /admin/webchat/dashboard/, beside the app's models.

    AdminSite has no hook for pages of an app's own, and a ModelAdmin's URLs
    all sit under its model's name; so these go in front of the site's URLs.
    """

    def urls():
        wrap = admin.site.admin_view
        return [
            path(
                "webchat/console/",
                wrap(admin_views.console),
                name="webchat_console",
            ),
            path(
                "webchat/dashboard/",
                wrap(admin_views.dashboard),
                name="webchat_dashboard",
            ),
            path(
                "webchat/dashboard/stats.json",
                wrap(admin_views.dashboard_stats),
                name="webchat_dashboard_stats",
            ),
            *get_urls(),
        ]

    return urls


# The admin index (casework's dashboard) shows admin/webchat/index_box.html,
# the links to both pages for those allowed to use them.
admin.site.get_urls = _with_chat_pages(admin.site.get_urls)
