from django.contrib import admin

from reports.models import Report


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """A first read-only view; the triage tool is built on Case (issue 5)."""

    list_display = ["case", "kind", "reporter_name", "postcode", "submitted_at"]
    list_select_related = ["case"]
    search_fields = ["case__reference", "reporter_name", "reporter_email", "postcode"]
    readonly_fields = [field.name for field in Report._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
