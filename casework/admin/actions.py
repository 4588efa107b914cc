"""The staff actions on a case, as admin pages under the case.

Each page checks who may act (role, team, restricted-record reason), calls
one casework.workflow function, and writes the audit entry in the same
transaction. What is allowed in which state is the workflow's to decide: a
WorkflowError (AlreadyTaken among them: two people taking one case at the
same moment) comes back as an error message, in its own words.
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework import workflow
from casework.admin.access import visible_cases
from casework.admin.forms import (
    AssignForm,
    CloseForm,
    NoteForm,
    PublicUpdateForm,
    StatusForm,
    ThriveForm,
)
from casework.audit import AuditEntry
from casework.models import Case
from casework.thrive import FACTORS

Action = AuditEntry.Action


class CaseActionsMixin:
    def action_urls(self):
        wrap = self.admin_site.admin_view
        name = self._url_name
        pages = {
            "take": self.take_view,
            "assess": self.assess_view,
            "assign": self.assign_view,
            "status": self.status_view,
            "close": self.close_view,
            "note": self.note_view,
            "update": self.update_view,
            "seen": self.seen_view,
        }
        return [
            path("assign/", wrap(self.bulk_assign_view), name=name("bulk_assign")),
            *[
                path(f"<int:case_id>/{action}/", wrap(view), name=name(action))
                for action, view in pages.items()
            ],
        ]

    # --- Shared steps -----------------------------------------------------

    def _case_page(self, case: Case) -> str:
        return reverse(
            f"{self.admin_site.name}:{self._url_name('change')}", args=[quote(case.pk)]
        )

    def _acting_on(self, request, case_id: int, *, permission: str = ""):
        """The case, or the response to send instead (reason first), or 403/404."""
        case = self.audited_object(request, case_id, change=True)
        if case is None:
            raise Http404
        if permission and not request.user.has_perm(permission):
            self._refuse(request, case_id, request.path)
        return case, self.reason_redirect(request, case)

    def _act(self, request, case: Case, detail: str, do) -> bool:
        """Run a workflow step and its audit entry together; report an error."""
        try:
            with transaction.atomic():
                do()
                self.audit(request, case, Action.CHANGE, detail=detail)
        except workflow.WorkflowError as error:
            messages.error(request, str(error))
            return False
        return True

    def _page(self, request, case: Case, template: str, title: str, **context):
        return TemplateResponse(
            request,
            template,
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "original": case,
                "case": case,
                "title": title,
                "case_url": self._case_page(case),
                **context,
            },
        )

    def _form_action(self, request, case_id, *, form_class, title, detail, do, done):
        """A page with one form: show it; on a valid POST act, then go back."""
        case, ask_reason = self._acting_on(request, case_id)
        if ask_reason:
            return ask_reason
        form = form_class(request.POST or None)
        acted = (
            request.method == "POST"
            and form.is_valid()
            and self._act(request, case, detail, lambda: do(case, form.cleaned_data))
        )
        if acted:
            messages.success(request, done)
            return redirect(self._case_page(case))
        return self._page(
            request, case, "admin/casework/case/action.html", title, form=form
        )

    # --- The actions ------------------------------------------------------

    def take_view(self, request, case_id: int):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        case, ask_reason = self._acting_on(request, case_id)
        if ask_reason:
            return ask_reason
        taken = self._act(
            request,
            case,
            "Took the case",
            lambda: workflow.take_case(
                case_id=case.pk, by=request.user, now=timezone.now()
            ),
        )
        if taken:
            messages.success(request, _("%(ref)s is yours.") % {"ref": case.reference})
        return redirect(self._case_page(case))

    def assess_view(self, request, case_id: int):
        case, ask_reason = self._acting_on(request, case_id)
        if ask_reason:
            return ask_reason
        latest = case.assessments.first()
        initial = {}
        if latest is not None:
            for name, _label in FACTORS:
                initial[name] = getattr(latest, name)
                initial[f"{name}_note"] = getattr(latest, f"{name}_note")
        form = ThriveForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            done = self._act(
                request,
                case,
                "THRIVE assessment",
                lambda: workflow.assess(
                    case_id=case.pk,
                    grades=form.grades(),
                    notes=form.notes(),
                    by=request.user,
                    now=timezone.now(),
                ),
            )
            if done:
                case.refresh_from_db()
                messages.success(
                    request,
                    _("Assessment saved. Priority: %(priority)s.")
                    % {"priority": case.get_priority_display()},
                )
                return redirect(self._case_page(case))
        return self._page(
            request,
            case,
            "admin/casework/case/thrive.html",
            _("THRIVE assessment of %(ref)s") % {"ref": case.reference},
            form=form,
            previous=latest,
        )

    def close_view(self, request, case_id: int):
        def close(case, data):
            workflow.close_case(
                case_id=case.pk,
                outcome=data["outcome"],
                reason=data["reason"],
                crime_number=data["crime_number"],
                duplicate_of=data["duplicate_of"],
                by=request.user,
                now=timezone.now(),
            )

        return self._form_action(
            request,
            case_id,
            form_class=CloseForm,
            title=_("Close the case with its outcome"),
            detail="Closed the case",
            do=close,
            done=_("The case is closed and the reporter has been told why."),
        )

    def note_view(self, request, case_id: int):
        return self._form_action(
            request,
            case_id,
            form_class=NoteForm,
            title=_("Add an internal note"),
            detail="Added an internal note",
            do=lambda case, data: workflow.add_note(
                case_id=case.pk, text=data["text"], by=request.user, now=timezone.now()
            ),
            done=_("Note added. Only staff can see it."),
        )

    def update_view(self, request, case_id: int):
        return self._form_action(
            request,
            case_id,
            form_class=PublicUpdateForm,
            title=_("Send an update to the reporter"),
            detail="Sent an update to the reporter",
            do=lambda case, data: workflow.send_public_update(
                case_id=case.pk, text=data["text"], by=request.user, now=timezone.now()
            ),
            done=_("Update sent. The reporter can see it on the track page."),
        )

    def status_view(self, request, case_id: int):
        case, ask_reason = self._acting_on(request, case_id)
        if ask_reason:
            return ask_reason
        form = StatusForm(request.POST or None, case=case)
        if request.method == "POST" and form.is_valid():
            to = form.cleaned_data["to"]
            moved = self._act(
                request,
                case,
                f"Status to {to}",
                lambda: workflow.change_status(
                    case_id=case.pk, to=to, by=request.user, now=timezone.now()
                ),
            )
            if moved:
                messages.success(
                    request,
                    _("Status changed to %(status)s.")
                    % {"status": Case.Status(to).label.lower()},
                )
                return redirect(self._case_page(case))
        return self._page(
            request,
            case,
            "admin/casework/case/action.html",
            _("Change the status of %(ref)s") % {"ref": case.reference},
            form=form,
        )

    def seen_view(self, request, case_id: int):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        case, ask_reason = self._acting_on(request, case_id)
        if ask_reason:
            return ask_reason
        self._act(
            request,
            case,
            "Marked the reporter's new information as seen",
            lambda: workflow.mark_seen(
                case_id=case.pk, by=request.user, now=timezone.now()
            ),
        )
        return redirect(self._case_page(case))

    def assign_view(self, request, case_id: int):
        case, ask_reason = self._acting_on(
            request, case_id, permission="casework.assign_case"
        )
        if ask_reason:
            return ask_reason
        form = AssignForm(
            request.POST or None,
            initial={"team": case.team_id, "user": case.assigned_to_id},
        )
        if (
            request.method == "POST"
            and form.is_valid()
            and self._assign(request, [case], form.cleaned_data)
        ):
            return redirect(self._case_page(case))
        return self._page(
            request,
            case,
            "admin/casework/case/action.html",
            _("Assign %(ref)s") % {"ref": case.reference},
            form=form,
        )

    def _assign(self, request, cases: list[Case], data) -> bool:
        def assign():
            workflow.assign(
                case_ids=[case.pk for case in cases],
                to_user=data["user"],
                to_team=data["team"],
                by=request.user,
                now=timezone.now(),
            )

        try:
            with transaction.atomic():
                assign()
                for case in cases:
                    self.audit(request, case, Action.CHANGE, detail="Assigned")
        except workflow.WorkflowError as error:
            messages.error(request, str(error))
            return False
        messages.success(
            request,
            _("Assigned %(refs)s.") % {"refs": ", ".join(c.reference for c in cases)},
        )
        return True

    def bulk_assign_view(self, request):
        if not request.user.has_perm("casework.assign_case"):
            raise PermissionDenied
        ids = request.POST.getlist("ids") or request.GET.getlist("ids")
        cases = list(
            visible_cases(request.user, Case.objects.filter(pk__in=ids)).order_by(
                "priority", "received_at"
            )
        )
        if not cases:
            messages.error(request, _("Choose the cases to assign."))
            return redirect(f"{self.admin_site.name}:{self._url_name('changelist')}")
        restricted = next((c for c in cases if self.reason_redirect(request, c)), None)
        if restricted is not None:
            messages.error(
                request,
                _("%(ref)s is restricted: open it and say why before assigning it.")
                % {"ref": restricted.reference},
            )
            return redirect(f"{self.admin_site.name}:{self._url_name('changelist')}")
        form = AssignForm(request.POST if "assign" in request.POST else None)
        if form.is_valid() and self._assign(request, cases, form.cleaned_data):
            return redirect(f"{self.admin_site.name}:{self._url_name('changelist')}")
        return TemplateResponse(
            request,
            "admin/casework/case/bulk_assign.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": _("Assign %(count)s cases") % {"count": len(cases)},
                "cases": cases,
                "form": form,
            },
        )

    # --- Actions on the list ----------------------------------------------

    @admin.action(description=gettext_lazy("Take the selected cases"))
    def take_selected(self, request, queryset):
        if not request.user.has_perm("casework.change_case"):
            raise PermissionDenied
        taken = []
        for case in queryset.order_by("pk"):
            if self.reason_redirect(request, case):
                messages.error(
                    request,
                    _("%(ref)s is restricted: open it and say why first.")
                    % {"ref": case.reference},
                )
                continue
            if self._act(
                request,
                case,
                "Took the case",
                lambda case=case: workflow.take_case(
                    case_id=case.pk, by=request.user, now=timezone.now()
                ),
            ):
                taken.append(case.reference)
        if taken:
            messages.success(
                request, _("Yours now: %(refs)s.") % {"refs": ", ".join(taken)}
            )

    @admin.action(description=gettext_lazy("Assign the selected cases…"))
    def assign_selected(self, request, queryset):
        url = reverse(f"{self.admin_site.name}:{self._url_name('bulk_assign')}")
        ids = "&".join(f"ids={pk}" for pk in queryset.values_list("pk", flat=True))
        return redirect(f"{url}?{ids}")
