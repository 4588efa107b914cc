from django.contrib import admin

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
class ConversationAdmin(admin.ModelAdmin):
    """Stored chats, searchable by what was said. Read-only: a record."""

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
