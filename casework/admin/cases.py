"""The triage tool: the case list (work queues) and the case page."""

from django.contrib import admin
from django.contrib.admin.utils import quote
from django.db.models import Prefetch
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework import audit
from casework.admin import evidence, export
from casework.admin.access import visible_cases
from casework.admin.actions import CaseActionsMixin
from casework.admin.audited import AuditedAdminMixin
from casework.admin.forms import NoteForm, PublicUpdateForm
from casework.admin.paging import EstimatedCountPaginator
from casework.admin.queues import QueueFilter, time_left
from casework.admin.rows import case_rows
from casework.admin.search import search_cases
from casework.admin.submissions import submission_sections
from casework.models import Case, CaseEvent
from casework.selectors import possible_duplicates
from casework.thrive import ThriveAssessment
from casework.workflow import TRANSITIONS

# What casework/admin/rows.py draws of each case in the list.
LIST_ROW_FIELDS = (
    "reference",
    "received_at",
    "kind_label",
    "district__name",
    "priority",
    "status",
    "review_due_at",
    "first_reviewed_at",
    "assigned_to__first_name",
    "assigned_to__last_name",
    "assigned_to__username",
)


@admin.register(Case)
class CaseAdmin(CaseActionsMixin, AuditedAdminMixin, admin.ModelAdmin):
    list_display = [
        "reference",
        "received",
        "kind_label",
        "district",
        "priority_label",
        "status",
        "time_left",
        "assigned",
    ]
    list_display_links = ["reference"]
    list_filter = [QueueFilter, "priority", "district", "status", "channel"]
    # The search itself is search_cases; a non-empty list shows the box.
    search_fields = ["reference"]
    search_help_text = gettext_lazy(
        "Search by reference, name, email address, postcode or words in the summary."
    )
    ordering = ["priority", "received_at", "pk"]
    list_select_related = ["district", "assigned_to"]
    list_per_page = 100
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    paginator = EstimatedCountPaginator
    actions = ["take_selected", "assign_selected"]
    change_list_template = "admin/casework/case/change_list.html"

    def get_queryset(self, request):
        return visible_cases(request.user, super().get_queryset(request))

    def get_paginator(self, request, queryset, per_page, *args, **kwargs):
        paginator = super().get_paginator(request, queryset, per_page, *args, **kwargs)
        paginator.row_fields = LIST_ROW_FIELDS
        return paginator

    def get_search_results(self, request, queryset, search_term):
        return search_cases(queryset, search_term), False

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def audit_is_restricted(self, obj: Case) -> bool:
        return obj.is_restricted

    def audit_reference(self, obj: Case) -> str:
        return obj.reference

    # --- The list ---------------------------------------------------------

    @admin.display(description=gettext_lazy("received"), ordering="received_at")
    def received(self, case: Case) -> str:
        return timezone.localtime(case.received_at).strftime("%d %b %Y %H:%M")

    @admin.display(description=gettext_lazy("priority"), ordering="priority")
    def priority_label(self, case: Case) -> str:
        return case.get_priority_display()

    @admin.display(description=gettext_lazy("time left"), ordering="review_due_at")
    def time_left(self, case: Case) -> str:
        return time_left(case, timezone.now())

    @admin.display(description=gettext_lazy("assigned to"))
    def assigned(self, case: Case) -> str:
        if case.assigned_to is None:
            return "—"
        return case.assigned_to.get_full_name() or case.assigned_to.get_username()

    def changelist_view(self, request, extra_context=None):
        if request.GET.get("overdue") == "yes":
            # The overdue alert's link (casework.workflow.alert_overdue).
            return redirect(f"{request.path}?queue=overdue")
        context = {
            "title": _("Cases"),
            "can_export": request.user.has_perm("casework.export_case"),
            "export_query": request.GET.urlencode(),
            **(extra_context or {}),
        }
        response = super().changelist_view(request, extra_context=context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None:
            response.context_data["case_rows"] = case_rows(self, changelist)
        return response

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.has_perm("casework.assign_case"):
            actions.pop("assign_selected", None)
        return actions

    # --- URLs -------------------------------------------------------------

    def get_urls(self):
        wrap = self.admin_site.admin_view
        name = self._url_name
        return [
            path("export.csv", wrap(self.export_view), name=name("export")),
            path(
                "evidence/<uuid:attachment_id>/",
                wrap(self.evidence_view),
                name=name("evidence"),
            ),
            *self.action_urls(),
            *super().get_urls(),
        ]

    def export_view(self, request):
        return export.export_cases(self, request)

    def evidence_view(self, request, attachment_id):
        return evidence.download(self, request, attachment_id)

    # --- The case page ----------------------------------------------------

    def audited_change_view(self, request, obj, object_id, form_url, extra_context):
        if request.method != "GET":
            # Nothing changes a case through a form of its fields: every
            # change is one of the actions, through casework.workflow.
            return HttpResponseNotAllowed(["GET"])
        return TemplateResponse(
            request,
            "admin/casework/case/detail.html",
            self.case_page_context(request, obj, extra_context),
        )

    def case_page_context(self, request, case: Case, extra=None) -> dict:
        user = request.user
        now = timezone.now()
        case = (
            Case.objects.select_related(
                "district", "team", "assigned_to", "duplicate_of"
            )
            .prefetch_related(
                Prefetch(
                    "events",
                    CaseEvent.objects.select_related("author").order_by(
                        "-created_at", "-pk"
                    ),
                ),
                "attachments",
                Prefetch(
                    "assessments",
                    ThriveAssessment.objects.select_related("assessed_by"),
                ),
            )
            .get(pk=case.pk)
        )
        can_change = self.has_change_permission(request, case)
        similar = [other.pk for other in possible_duplicates(case)]
        duplicates = visible_cases(user, Case.objects.filter(pk__in=similar)).order_by(
            "-received_at"
        )
        can_audit = user.has_perm("casework.view_auditentry")
        trail = audit.trail_of("casework.case", case.pk)[:200] if can_audit else None
        allowed = TRANSITIONS.get(case.status, set()) - {Case.Status.CLOSED}
        assessments = list(case.assessments.all())
        for assessment in assessments:
            assessment.priority_label = Case.Priority(assessment.priority).label
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"{case.reference}: {case.kind_label}",
            "case": case,
            "original": case,
            "has_view_permission": True,
            "time_left": time_left(case, now),
            "submission": submission_sections(case),
            "assessments": assessments,
            "events": list(case.events.all()),
            "attachments": list(case.attachments.all()),
            "duplicates": list(duplicates),
            "can_change": can_change,
            "can_close": can_change and Case.Status.CLOSED in TRANSITIONS[case.status],
            "can_move": can_change and bool(allowed),
            "can_assign": can_change and user.has_perm("casework.assign_case"),
            "can_download": user.has_perm("casework.download_evidence"),
            "audit_trail": trail,
            "reason": audit.reason_given(request, case),
            "note_form": NoteForm(),
            "update_form": PublicUpdateForm(),
            "urls": self.case_urls(case),
            **(extra or {}),
        }

    def case_urls(self, case: Case) -> dict:
        def url(name, *args):
            return reverse(f"{self.admin_site.name}:{self._url_name(name)}", args=args)

        pk = quote(case.pk)
        return {
            name: url(name, pk)
            for name in [
                "take",
                "assess",
                "assign",
                "status",
                "close",
                "note",
                "update",
                "seen",
                "change",
            ]
        } | {"changelist": url("changelist")}
