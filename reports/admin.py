"""Crime reports in admin are read through their case (casework's triage
tool): this registers how a report reads there, and which of its fields the
case search looks in. The Report's own admin pages only lead to the case, so
there is one place where reports are opened, checked and audited."""

from django.contrib import admin
from django.shortcuts import redirect

from casework.admin import register_search_field, register_submission
from casework.admin.search import EMAIL, TEXT
from casework.models import Case
from reports import journey
from reports.models import Report


def report_sections(case: Case):
    report = Report.objects.filter(case=case).first()
    if report is None:
        return None
    return journey.summary(report.answers)


register_submission(Case.Channel.REPORT, report_sections)
register_search_field("report__reporter_name", TEXT)
register_search_field("report__victim_name", TEXT)
register_search_field("report__reporter_email", EMAIL)


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """No list or page of its own: every way in leads to the case."""

    def has_module_permission(self, request) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def changelist_view(self, request, extra_context=None):
        return redirect("admin:casework_case_changelist")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        report = Report.objects.filter(pk=object_id).values("case_id").first()
        if report is None:
            return redirect("admin:casework_case_changelist")
        return redirect("admin:casework_case_change", report["case_id"])
