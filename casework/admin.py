from django.contrib import admin

from casework.models import (
    Attachment,
    Case,
    CaseEvent,
    District,
    OutboundEmail,
    PostcodeArea,
    StaffNotice,
    Team,
)
from casework.services import post_staff_notice


class PostcodeAreaInline(admin.TabularInline):
    model = PostcodeArea
    extra = 0


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "postcode_areas__outward_code"]
    inlines = [PostcodeAreaInline]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "district"]
    list_filter = ["kind", "district"]
    search_fields = ["name"]


@admin.register(StaffNotice)
class StaffNoticeAdmin(admin.ModelAdmin):
    list_display = ["text", "level", "created_at", "broadcast_at"]
    list_filter = ["level"]
    readonly_fields = ["created_at", "broadcast_at"]

    def save_model(self, request, obj, form, change) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        # A new notice goes through the service so that it is broadcast.
        notice = post_staff_notice(text=obj.text, level=obj.level, link=obj.link)
        obj.pk = notice.pk


class CaseEventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "kind", "text", "is_public", "author"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class AttachmentInline(admin.TabularInline):
    """What the public sent with the case. No link to the file: evidence is
    opened only through an audited, permission-checked download (to come)."""

    model = Attachment
    extra = 0
    can_delete = False
    fields = [
        "original_name",
        "content_type",
        "size",
        "scan_status",
        "created_at",
        "sha256",
    ]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    """A first view of the queue; issue 5 makes this the triage tool."""

    list_display = [
        "reference",
        "received_at",
        "kind_label",
        "district",
        "priority",
        "status",
        "review_due_at",
        "assigned_to",
    ]
    list_filter = ["status", "priority", "channel", "district"]
    search_fields = ["reference", "contact_email", "postcode"]
    list_select_related = ["district", "assigned_to"]
    readonly_fields = [
        "reference",
        "channel",
        "kind",
        "kind_label",
        "received_at",
        "review_due_at",
        "priority_reasons",
    ]
    inlines = [CaseEventInline, AttachmentInline]


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    list_display = ["subject", "to", "created_at", "sent_at", "attempts"]
    readonly_fields = [
        "idempotency_key",
        "case",
        "to",
        "subject",
        "body",
        "created_at",
        "sent_at",
        "attempts",
        "last_error",
    ]
