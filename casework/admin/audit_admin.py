"""The audit trail in admin: read by those allowed, changed by nobody."""

from django.contrib import admin

from casework.audit import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = [
        "at",
        "username",
        "action",
        "object_type",
        "object_reference",
        "reason",
    ]
    list_filter = ["action", "object_type"]
    search_fields = ["=object_reference", "=username", "=object_id"]
    date_hierarchy = None
    show_full_result_count = False
    list_select_related = False
    actions = None

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
